"""Browser stories drive Debian's Chromium through Playwright (no browser download)."""

import os
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIRequestHandler

# Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise refuse to run here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The live server is Django's development server, which leaves Nagle's algorithm on: on Chromium's kept-alive
# connections every answer would wait 40 ms for the browser's delayed ACK.
WSGIRequestHandler.disable_nagle_algorithm = True

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason="需要 Debian 的 Chromium（/usr/bin/chromium），本机未安装")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)


@pytest.fixture
def browser():
    """One Chromium for the test; a story that needs its own contexts (a phone's viewport, a desk per person)
    opens them from here."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def browser_page(browser):
    page = browser.new_page(locale="zh-CN")
    page.set_default_timeout(10_000)
    return page
