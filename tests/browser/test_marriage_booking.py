"""Browser story: 陈志明 and 李晓燕 book their 结婚登记 at 江海区婚姻登记处 on his phone (390×844): the page lists only
open days with the places left, they pick the first, answer the page's verification sum, get their 预约号, and that
day then shows as 已约满 (the office takes one couple a day in this story). Debian's Chromium through Playwright."""

import datetime as dt
import re

from minzheng.assistance.tests.stories import solve_challenge
from minzheng.core.idcard import make_id_number


def test_a_couple_books_their_marriage_registration_on_a_phone(live_server, browser, areas):
    from playwright.sync_api import expect

    from minzheng.marriage.models import Appointment, Office

    office = Office.objects.create(name="江海区婚姻登记处", code="440704", area=areas["jianghai"], daily_capacity=1,
                                   address="江海区东海路8号")
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, device_scale_factor=2).new_page()
    phone.set_default_timeout(10_000)
    phone.goto(f"{live_server.url}/marriage/book/")
    expect(phone.locator("h1")).to_have_text("婚姻登记在线预约")
    expect(phone.get_by_label("登记处")).to_have_value(str(office.pk))
    phone.get_by_label("办理业务").select_option(label="结婚登记")
    first = phone.locator("#date option:not([disabled])").first
    day_value, day_label = first.get_attribute("value"), first.inner_text()
    assert re.fullmatch(r"\d+月\d+日 周.（余1个）", day_label)
    phone.get_by_label("预约日期").select_option(day_value)
    phone.get_by_label("姓名", exact=True).fill("陈志明")
    phone.get_by_label("身份证号", exact=True).fill(make_id_number("440704", dt.date(2000, 3, 1), 11))
    phone.get_by_label("另一方姓名（补领可不填）").fill("李晓燕")
    phone.get_by_label("另一方身份证号（补领可不填）").fill(make_id_number("440704", dt.date(2003, 6, 15), 12))
    phone.get_by_label("联系电话").fill("13800000001")
    question = phone.locator('label[for="challenge_answer"]').inner_text().removeprefix("验证题：")
    phone.locator("#challenge_answer").fill(solve_challenge(question))
    phone.get_by_role("button", name="提交预约").tap()

    expect(phone.locator("#booking-reference")).to_have_text(re.compile(r"^Y\d{6}[0-9A-F]{6}$"))
    appt = Appointment.objects.get()
    expect(phone.locator("#booking-reference")).to_have_text(appt.reference)
    day = dt.date.fromisoformat(day_value)
    expect(phone.locator("#booking-date")).to_have_text(f"{day.year}年{day.month}月{day.day}日")
    # Made for a phone: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.goto(f"{live_server.url}/marriage/book/")
    expect(phone.locator(f'#date option[value="{day_value}"]')).to_have_text(re.compile("（已约满）$"))
    expect(phone.locator(f'#date option[value="{day_value}"]')).to_be_disabled()
    assert "陈志明" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
