"""Browser story: 陈小玲 of 英南村 on her phone (390×844) records a 议事协商 from the 村（居）治理 menu, publishes it
on the 村务公开 board, and every page of the menu's tabs, the 志愿服务站点 page and 礼乐街道社工站's page (for 黄志强,
at a desk) fits the screen and shows no developer text. Debian's Chromium through Playwright."""

import datetime as dt

import pytest

from minzheng.community import services
from minzheng.socialwork.tests.stories import jianghai_station
from tests.browser.test_every_page import _problems


class W:
    def __init__(self, areas, people):
        self.lile, self.huang = areas["lile"], people["jianghai_approver"]


def login(page, url, username):
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Minzheng#2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_a_village_worker_records_a_consultation_on_her_phone(live_server, browser, areas, people, make_person):
    from playwright.sync_api import expect

    make_person("黄村长")
    services.body_create(actor=people["village_worker"], area=areas["yingnan"], kind="village_committee",
                         term_start=dt.date(2021, 4, 1), term_end=dt.date(2026, 3, 31),
                         members=[(make_person("吴主任"), "主任", True)])
    station = jianghai_station(W(areas, people))["station"]
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True).new_page()
    phone.set_default_timeout(15_000)
    login(phone, live_server.url, "chenxl")
    phone.get_by_role("link", name="村（居）治理").first.click()
    phone.get_by_role("link", name="议事协商").first.click()
    expect(phone.locator("h1")).to_have_text("议事协商")
    # the area picker: 江门市/江海区/礼乐街道/英南村 are the only ones on her way, chosen for her
    expect(phone.locator("input[name=area_code]")).to_have_value("440704003001")
    phone.get_by_label("协商事项").fill("村道路灯安装")
    phone.get_by_label("村（居）民代表", exact=True).fill("12")
    phone.get_by_label("党员", exact=True).fill("5")
    phone.get_by_label("协商结果").fill("同意安装太阳能路灯40盏")
    phone.get_by_label("后续落实措施").fill("三个月内完成安装")
    assert not _problems(phone)
    phone.get_by_role("button", name="登记", exact=True).click()
    phone.wait_for_load_state()
    expect(phone.get_by_text("已登记议事协商“村道路灯安装”")).to_be_visible()
    expect(phone.get_by_text("村（居）民代表12人、党员5人（共17人）")).to_be_visible()
    assert not _problems(phone)
    phone.get_by_role("button", name="公开", exact=True).click()
    expect(phone.get_by_text("协商结果已在村（居）务公开栏公开")).to_be_visible()
    failures = []
    for path in ("/community/", "/community/consultations/", "/community/bodies/", "/community/workers/",
                 "/community/catalogue/", "/volunteers/points/", "/cunwu/440704003001/"):
        phone.goto(f"{live_server.url}{path}")
        failures += [f"{path}：{p}" for p in _problems(phone)]
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    login(desk, live_server.url, "huangzq")
    for path in (f"/socialwork/stations/{station}/", "/community/workers/", "/community/bodies/"):
        desk.goto(f"{live_server.url}{path}")
        failures += [f"{path}：{p}" for p in _problems(desk)]
    assert not failures, "\n".join(failures)
