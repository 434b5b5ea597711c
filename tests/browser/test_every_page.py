"""The page-level design check (issue 16): each demo role of 江海区 signs in, follows every link of the top
navigation and the first detail link of each list, and every page must fit the screen — no horizontal scrollbar
at 1,366 px (390 px for the roles that work on a phone) — and show no developer text: no file path, no rule or
standard id, no version tag, no programme code where its Chinese label belongs."""

import re
from urllib.parse import urlparse

import pytest

from tests.browser.crawl_seed import seed_small_demo

PASSWORD = "Minzheng#2026"
# (username, viewport width): the staff at a desk, the provider's worker and the resident on a phone; the portal
# resident (code login, no password) is crawled after them.
ROLES = [
    ("jh_village", 1366), ("jh_lile", 1366), ("jh_county", 1366), ("jm_city", 1366), ("auditor", 1366),
    ("provider", 1366), ("jh_worker", 390), ("jh_family", 390), ("admin", 1366),
]
PROGRAMME_CODES = ("dibao", "tekun", "low_income", "temporary", "orphan", "de_facto_unsupported",
                   "elderly_allowance", "elderly_service_subsidy", "elderly_care_subsidy", "family_planning_special")
DEVELOPER_TEXT = [
    ("文件路径", re.compile(r"(?<![A-Za-z])(?:seeds|data|domain)/[\w./-]+|\.csv\b|\.txt:\d*|\.md:\d+")),
    ("规则编号", re.compile(r"\b(?:rule|standard):\w")),
    ("版本标签", re.compile(r"[\w\d)）]@\d+\b")),
    ("内部代码", re.compile(r"(?<![A-Za-z_])(?:" + "|".join(PROGRAMME_CODES) + r")(?![A-Za-z_])")),
]
# Pages reached through a section's tabs rather than the top navigation, visited with their first detail link.
EXTRA = {"jh_county": ["/placenames/redivisions/"]}
SKIP = re.compile(r"/(logout|api|admin|static|media)/|\.(pdf|xlsx|csv|zip)(\?|$)|/export|/download|/letter|/pdf")


def _problems(page) -> list[str]:
    found = []
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width[0] > width[1] + 1:
        found.append(f"横向滚动条（页面宽 {width[0]}px，窗口 {width[1]}px）")
    text = page.locator("body").inner_text()
    for label, pattern in DEVELOPER_TEXT:
        for m in pattern.finditer(text):
            found.append(f"{label}：…{text[max(0, m.start() - 20):m.end() + 20]}…".replace("\n", " "))
            break
    return found


def _links(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")


def _visit(page, base: str, username: str, href: str, seen: set[str], failures: list[str]) -> bool:
    url = urlparse(href)
    path = url.path + (f"?{url.query}" if url.query else "")
    if not href or href.startswith(("#", "mailto:", "javascript:")) or SKIP.search(path) or path in seen:
        return False
    seen.add(path)
    response = page.goto(f"{base}{path}")
    status = response.status if response else 0
    if status >= 400:
        failures.append(f"{username} {path}：HTTP {status}")
        return True
    failures.extend(f"{username} {path}：{p}" for p in _problems(page))
    return True


@pytest.mark.django_db(transaction=True)
def test_every_page_fits_and_speaks_to_the_user(live_server, browser):
    seed_small_demo()
    _seed_redivision()
    failures: list[str] = []
    for username, width in ROLES:
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        seen: set[str] = set()
        _visit(page, live_server.url, username, "/", seen, failures)
        for href in _links(page, "header nav a"):
            if _visit(page, live_server.url, username, href, seen, failures):
                # The section's own tabs (大慈善's desk, community and supervision pages …) are menu entries too.
                tabs = _links(page, "main nav.tabs a[href]")
                # The first detail link of the list (a link in the body of the page's tables).
                for detail in _links(page, "main table tbody a[href]")[:1]:
                    _visit(page, live_server.url, username, detail, seen, failures)
                for tab in tabs:
                    _visit(page, live_server.url, username, tab, seen, failures)
        for href in EXTRA.get(username, []):
            if _visit(page, live_server.url, username, href, seen, failures):
                for detail in _links(page, "main table tbody a[href]")[:1]:
                    _visit(page, live_server.url, username, detail, seen, failures)
        context.close()
    _crawl_portal(browser, live_server.url, failures)
    assert not failures, "\n".join(failures)


def _seed_redivision() -> None:
    """江海区's officer records next month's renaming of one of its villages (行政区划调整 has a detail page)."""
    import datetime as dt

    from minzheng.accounts.models import User
    from minzheng.areas.models import Area, Level
    from minzheng.core.periods import local_date
    from minzheng.placenames import services as placenames

    county = User.objects.get(username="jh_county")
    village = Area.objects.current().filter(level=Level.VILLAGE, code__startswith="440704").order_by("code").first()
    assert village is not None and village.parent is not None
    placenames.area_redivide(actor=county, kind="rename", old_areas=[village], successors=[
        placenames.Successor(code=f"{village.parent.code}999", name="礼乐新社区", parent=village.parent)],
        effective_on=local_date() + dt.timedelta(days=30), document="江府函〔2026〕88号", authority="江门市人民政府")


def _crawl_portal(browser, base: str, failures: list[str]) -> None:
    """The demo resident of the portal (居民掌上办) on a phone: the code login, then every link of the portal home
    that stays in the portal or the resident's phone pages."""
    from minzheng.demo.portal import DEMO_PHONE, seed_portal_demo
    from minzheng.portal.tests.stories import last_code

    seed_portal_demo()
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    seen: set[str] = set()
    _visit(page, base, "居民掌上办", "/portal/login/", seen, failures)
    page.get_by_label("手机号码").fill(DEMO_PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("验证码").fill(last_code(DEMO_PHONE))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/portal/")
    _visit(page, base, "居民掌上办", "/portal/", seen, failures)
    for href in _links(page, "main a[href]"):
        _visit(page, base, "居民掌上办", href, seen, failures)
    context.close()
    assert {"/portal/", "/portal/apply/", "/portal/notices/", "/portal/gongshi/"} <= seen, seen
