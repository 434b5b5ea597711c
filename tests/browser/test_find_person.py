"""Browser story: 李建华 of 礼乐街道 signs in, finds 王大明 by pinyin initials with the live search, opens the record
and asks for the full information. Drives Debian's Chromium through Playwright (no browser download)."""

import datetime as dt
import re


def test_li_jianhua_finds_wang_daming_and_opens_the_full_record(live_server, browser_page, people, make_person,
                                                                areas):
    from playwright.sync_api import expect

    wang = make_person("王大明", area=areas["yingnan"], phone="13812345678")
    make_person("李小红", area=areas["xiangdong"], sex="F", birth=dt.date(1961, 1, 1))
    make_person("王德明", area=areas["waihai_village"], birth=dt.date(1955, 5, 5))  # 外海街道: not his to see
    page = browser_page

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("lijh")
    page.get_by_label("密码").fill("Minzheng#2026")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("礼乐街道")

    page.get_by_role("link", name="人员", exact=True).click()
    results = page.locator("#results")
    expect(results).to_contain_text("李小红")
    # Typing alone (no Enter) refreshes the results through htmx and records the search in the address bar.
    page.get_by_label("搜索人员").press_sequentially("wdm", delay=50)
    expect(results).not_to_contain_text("李小红")
    expect(page).to_have_url(re.compile(r"/persons/\?q=wdm(&|$)"))
    expect(results).to_contain_text(wang.masked_id)
    expect(results).not_to_contain_text("王德明")

    results.get_by_role("link", name="王大明").click()
    id_cell = page.locator("#id-number")
    expect(id_cell).to_have_text(wang.masked_id)
    page.get_by_role("button", name="查看完整信息").click()
    expect(id_cell).to_have_text(wang.id_number)
    expect(page.get_by_text("本次查看已记入审计日志")).to_be_visible()

    from minzheng.core.models import AuditEntry

    viewed = AuditEntry.objects.get(action="person.view_full")
    assert (viewed.actor_name, viewed.object_id) == ("李建华", str(wang.pk))
