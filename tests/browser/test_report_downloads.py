"""Browser story: 周建国, leader of 江门市's bureau, downloads 江海区's annual monitoring report. The PDF is built on
request and takes a few seconds, so the link says 正在生成PDF… and cannot be clicked twice until the file arrives;
with JavaScript switched off the same link is a plain download."""

from minzheng.assistance.tests.stories import world_fixture  # noqa: F401
from minzheng.monitoring.tests.conftest import plan_fixture  # noqa: F401


def _login(page, url):
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill("zhoujg")
    page.get_by_label("密码").fill("Minzheng#2026")
    page.get_by_role("button", name="登录").click()


def _slow(route):
    import time

    time.sleep(1.0)  # the report's own time on a busy server: long enough to see the busy state
    route.continue_()


def test_the_report_link_shows_it_is_working_until_the_pdf_arrives(live_server, browser, plan):
    from playwright.sync_api import expect

    page = browser.new_page(locale="zh-CN", accept_downloads=True)
    page.set_default_timeout(20_000)
    _login(page, live_server.url)
    page.goto(f"{live_server.url}/monitoring/440704/?year=2023")
    page.route("**/report/annual.pdf*", _slow)
    link = page.get_by_role("link", name="PDF").first
    with page.expect_download() as dl:
        link.click()
        busy = page.locator("a[aria-busy=true]")
        expect(busy).to_have_text("正在生成PDF…")
        expect(busy).to_have_css("pointer-events", "none")  # a second click is not a second report
    download = dl.value
    assert download.suggested_filename == "江海区民政事业发展“十四五”规划2023年年度监测报告.pdf"
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    expect(page.locator("a[aria-busy]")).to_have_count(0)
    expect(link).to_have_text("PDF")


def test_without_javascript_the_link_still_downloads(live_server, browser, plan):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    _login(page, live_server.url)
    page.goto(f"{live_server.url}/monitoring/440704/?year=2023")
    assert "需几秒钟" in page.locator("main, body").first.inner_text()
    with page.expect_download() as dl:
        page.get_by_role("link", name="PDF").first.click()
    assert dl.value.suggested_filename.endswith("年度监测报告.pdf")
    context.close()
