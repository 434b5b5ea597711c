"""Browser story: 陈小玲, 儿童主任 of 英南村, on her phone (390×844): 陈小宝 (a 留守儿童, never visited) is on her due
list; she records a home visit, then files a 强制报告 about him; the visit leaves the due list, the report opens a
case. Debian's Chromium through Playwright."""

import datetime as dt
import re

from minzheng.children.tests.stories import kids, world_fixture  # noqa: F401  (fixtures)


def login(page, url, username):
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Minzheng#2026")
    page.get_by_role("button", name="登录").click()


def test_a_child_director_records_a_visit_and_files_a_report_on_her_phone(live_server, browser, kids):  # noqa: F811
    from playwright.sync_api import expect

    from minzheng.children.models import Report, Visit
    from minzheng.registry.services import category_add

    w = kids
    category_add(actor=w.huang, person=w.son, category="left_behind_child", valid_from=dt.date(2024, 1, 1))

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, device_scale_factor=2).new_page()
    phone.set_default_timeout(10_000)
    login(phone, live_server.url, "chenxl")
    phone.goto(f"{live_server.url}/children/m/")
    expect(phone.locator("h1")).to_have_text("儿童走访")
    phone.get_by_role("link", name="走访陈小宝").tap()
    expect(phone.locator("h1")).to_have_text("走访 陈小宝")
    expect(phone.get_by_text(re.compile("农村留守儿童"))).to_be_visible()
    phone.get_by_label("走访方式").select_option(label="入户走访")
    phone.get_by_label("走访情况").fill("祖母照看，作业按时完成，情绪稳定")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_role("button", name="保存走访记录").tap()
    expect(phone.get_by_text("已登记对陈小宝的走访")).to_be_visible()
    expect(phone.get_by_role("link", name="走访陈小宝")).to_have_count(0)
    expect(phone.get_by_text(re.compile(r"走访率：100\.0%"))).to_be_visible()

    phone.get_by_role("link", name="强制报告").first.tap()
    expect(phone.locator("h1")).to_have_text("强制报告")
    phone.get_by_label("儿童").select_option(label=f"陈小宝（{w.son.masked_id}）")
    phone.get_by_label("报告来源").select_option(label="村（居）委会")
    phone.get_by_label("紧急程度").select_option(label="较急")
    phone.get_by_label("发生了什么").fill("邻居反映孩子夜里独自在家哭喊")
    phone.get_by_label("发生地点").fill("英南村陈家")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_role("button", name="提交报告").tap()
    expect(phone.get_by_text(re.compile(r"已受理强制报告BG\d+，个案GA\d+"))).to_be_visible()

    visit = Visit.objects.get()
    report = Report.objects.get()
    assert (visit.child, visit.visitor, visit.mode) == (w.son, w.chen, "home")
    assert (report.child, report.source, report.priority, report.reporter_name) == (w.son, "village", "high", "陈小玲")
    assert {cw.user for cw in report.case.workers.all()} == {w.chen}
