"""Browser story: 王秀英 (86, 低保) orders 居室清洁 on her phone (390×844); the provider's dispatcher 何丽 sends
周志成, who signs in at her door and signs out with the code she reads him from her phone; she then sees the
service completed, fully subsidised. Debian's Chromium through Playwright."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from minzheng.homecare.tests.conftest import hc  # noqa: F401  (fixture)

# Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise refuse to run here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="需要 Debian 的 Chromium（/usr/bin/chromium），本机未安装"),
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def login(page, url, username):
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Minzheng#2026")
    page.get_by_role("button", name="登录").click()


def test_wang_xiuying_orders_on_her_phone_and_the_provider_completes_it(live_server, browser, hc, people):  # noqa: F811
    from playwright.sync_api import expect

    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.homecare import services
    from minzheng.homecare.models import Order

    herself = user_create(actor=None, username="wangxy", password="Minzheng#2026", display_name="王秀英",
                          role=Role.RESIDENT, areas=[])
    services.contact_bind(actor=people["lile_officer"], user=herself, person=hc["wang"], relation="self")

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, device_scale_factor=2).new_page()
    phone.set_default_timeout(10_000)
    login(phone, live_server.url, "wangxy")
    phone.goto(f"{live_server.url}/homecare/")
    expect(phone.locator("h1")).to_have_text("居家养老服务")
    expect(phone.get_by_role("link", name="王秀英（本人）")).to_be_visible()
    phone.get_by_role("link", name="预约居室清洁").tap()
    expect(phone.get_by_label("服务项目")).to_have_value("ZJ01")
    when = timezone.localtime() + dt.timedelta(hours=3)
    phone.get_by_label("预约时间").fill(when.strftime("%Y-%m-%dT%H:%M"))
    expect(phone.get_by_label("服务地址")).to_have_value("英南村南街8号")
    phone.get_by_label("服务机构（可不选，由镇街派单）").select_option(label="江海颐康居家养老服务中心")
    phone.get_by_role("button", name="提交订单").tap()
    expect(phone.get_by_text(re.compile(r"下单成功，订单号JJ\d+"))).to_be_visible()
    expect(phone.locator("#order-status")).to_have_text("已派单")
    code = phone.locator("#confirm-code").inner_text().strip()
    assert re.fullmatch(r"\d{4}", code)
    # Made for a phone: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    order = Order.objects.get()

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    desk.set_default_timeout(10_000)
    login(desk, live_server.url, "heli")
    desk.get_by_role("link", name="服务工单").click()
    desk.get_by_role("link", name=order.number).click()
    expect(desk.locator("#order-status")).to_have_text("已派单")
    desk.get_by_label("服务人员").select_option(label="周志成")
    desk.get_by_role("button", name="派工").click()
    expect(desk.get_by_text("已派工给周志成")).to_be_visible()
    desk.get_by_role("button", name="签到开始服务").click()
    expect(desk.locator("#order-status")).to_have_text("服务中")
    desk.get_by_label("服务确认码（向老人或家属索取）").fill(code)
    desk.get_by_label("服务内容").fill("清洁客厅、厨房和卫生间")
    desk.get_by_role("button", name="完成服务").click()
    expect(desk.get_by_text("服务已完成：政府补贴60.00元，个人自付0.00元")).to_be_visible()
    expect(desk.locator("#order-status")).to_have_text("已完成")

    phone.reload()
    expect(phone.locator("#order-status")).to_have_text("已完成")
    expect(phone.locator("#subsidy")).to_have_text("60.00元")
    expect(phone.locator("#self-pay")).to_have_text("0.00元")
    phone.get_by_label("评分").select_option("5")
    phone.get_by_role("button", name="提交评价").tap()
    expect(phone.get_by_text("感谢您的评价")).to_be_visible()
    order.refresh_from_db()
    assert (order.status, order.record.content, order.rating.score) == ("completed", "清洁客厅、厨房和卫生间", 5)
