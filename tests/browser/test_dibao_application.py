"""Browser story of 大救助: 陈小玲 (英南村 worker) enters the 陈 family's 低保 application with its signed 授权书,
李建华 (礼乐街道) accepts it, 核对 / 入户调查 / 审核 follow as the staff do them (through the services), the public
公示 page shows 陈*明 — never 陈大明 — and after 公示 黄志强 (江海区) works out and approves 2100 元 a month
(江海区 低保 900 元/人·月: (900 − 600 ÷ 3) × 3). Drives Debian's Chromium through Playwright (no browser download)."""

import datetime as dt

from minzheng.assistance.tests.stories import PDF, walk_to, world_fixture  # noqa: F401


def sign_in(browser, url, username):
    """A fresh browser context per person, as each works at their own desk."""
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Minzheng#2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{url}/")
    return page


def test_a_dibao_application_from_the_village_to_approval(live_server, browser, world, tmp_path):
    from playwright.sync_api import expect

    from minzheng.assistance.models import Application, Case
    from minzheng.core.models import AuditEntry

    w = world
    signed = tmp_path / "授权书.pdf"
    signed.write_bytes(PDF)

    # 村: 陈小玲 enters the application for 陈大明's household.
    chen = sign_in(browser, live_server.url, "chenxl")
    chen.get_by_role("link", name="社会救助").click()
    chen.goto(f"{live_server.url}/assistance/new/")
    chen.get_by_label("申请人", exact=True).fill(w.dad.id_number)
    chen.get_by_label("家庭编号").fill(w.household.number)
    chen.get_by_label("救助项目").select_option(label="最低生活保障")
    chen.get_by_label("授权书").set_input_files(str(signed))
    chen.get_by_role("button", name="提交申请").click()
    expect(chen.locator(".messages")).to_contain_text("已提交申请")
    app = Application.objects.get()
    expect(chen.locator("h1")).to_contain_text(app.number)
    assert (app.status, app.created_by, app.household) == ("submitted", w.chen, w.household)
    assert app.attachments.filter(kind="authorisation").exists()
    chen.context.close()

    # 镇街: 李建华 accepts it.
    li = sign_in(browser, live_server.url, "lijh")
    li.goto(f"{live_server.url}/assistance/{app.pk}/")
    li.locator("summary", has_text="受理").click()
    li.get_by_role("button", name="受理", exact=True).click()
    expect(li.locator(".messages")).to_contain_text("已受理")
    app.refresh_from_db()
    assert app.status == "accepted"
    assert AuditEntry.objects.filter(action__contains="accept", actor_name="李建华").exists()
    li.context.close()

    # 核对, 入户调查, 初审 and 审核 as the staff do them; the 公示 starts.
    app = walk_to(w, app, "publicizing")
    pub = app.publicities.get()

    # 公示: anyone, without signing in, sees the masked name and 身份证号 only.
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/gongshi/?area=440704")
    table = public.locator("table")
    expect(table).to_contain_text("陈*明")
    expect(table).to_contain_text(w.dad.masked_id)
    expect(table).not_to_contain_text("陈大明")
    expect(table).not_to_contain_text(w.dad.id_number)
    public.context.close()

    # The 7-day 公示 ends without objection.
    walk_to(w, app, "approving")
    assert pub.end_date >= pub.start_date + dt.timedelta(days=6)

    # 县区: 黄志强 enters the figures 核对 found, works the amount out, then approves.
    huang = sign_in(browser, live_server.url, "huangzq")
    huang.goto(f"{live_server.url}/assistance/{app.pk}/approve/")
    huang.locator(f'input[name="income_{w.dad.pk}"]').fill("400")
    huang.locator(f'input[name="income_{w.mum.pk}"]').fill("200")
    huang.locator(f'input[name="income_{w.son.pk}"]').fill("0")
    huang.get_by_label("城乡").select_option("urban")
    huang.get_by_role("button", name="测算").click()
    expect(huang.locator("#decision h2")).to_contain_text("符合条件，月合计 2100.00 元")
    huang.get_by_label("审批意见").fill("经审核公示无异议，同意纳入低保")
    huang.get_by_role("button", name="批准").click()
    huang.get_by_role("button", name="确认批准").click()  # 批准 asks first, showing the amounts
    expect(huang.locator(".messages")).to_contain_text("已批准")
    huang.context.close()

    app.refresh_from_db()
    case = Case.objects.get(application=app)
    assert app.status == "approved" and case.head == w.dad
    assert sorted(e.monthly_amount for e in case.entitlements.all()) == [700, 700, 700]
