"""Issue 16 point 10: 黄志强 opens the API documentation on a desk with no internet — every request to a host other
than the platform's own is aborted — and Swagger UI still renders the operations; the page has the platform's
favicon and the back office greets him in Chinese."""


def test_api_docs_render_with_other_hosts_blocked(live_server, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    outside: list[str] = []

    def only_local(route):
        host = route.request.url.split("/")[2].split(":")[0]
        if host in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{live_server.url}/api/docs", timeout=60_000)  # the schema of every operation takes seconds
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=60_000)
    assert outside == []

    icon = page.request.get(f"{live_server.url}/favicon.ico")
    assert icon.ok and "svg" in icon.headers["content-type"]


def test_admin_login_is_in_chinese(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    assert "智慧民政 后台管理" in page.locator("body").inner_text()
