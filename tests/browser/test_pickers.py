"""Browser story (issue 16 point 4): 李建华 of 礼乐街道 no longer types codes or 身份证号. In the 社会组织 form he picks
江门市 → 江海区 → 礼乐街道 → 英南村 from cascading lists (外海街道, not his, is not offered) and the form carries the
village's code; in 代为申请 he types part of a name, chooses 王大明 (masked ID, 村居) from the candidates and submits:
the application is 王大明's. Debian's Chromium through Playwright."""


def test_li_jianhua_picks_a_village_and_finds_the_applicant_by_name(live_server, browser_page, people, areas,
                                                                    make_person):
    from playwright.sync_api import expect

    from minzheng.assistance.models import Application
    from minzheng.registry.services import household_create

    wang = make_person("王大明", area=areas["yingnan"])
    household_create(actor=people["jianghai_approver"], area=areas["yingnan"], head=wang)
    make_person("王德明", area=areas["waihai_village"])  # 外海街道: not his
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("lijh")
    page.get_by_label("密码").fill("Minzheng#2026")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("礼乐街道")

    # the area picker, in the 社会组织 registration form
    page.goto(f"{live_server.url}/socialorgs/")
    code = page.locator("input[name=area_code]")
    expect(code).to_have_attribute("type", "hidden")
    page.locator("select[aria-label=市]").select_option(label="江门市")
    page.locator("select[aria-label=县区]").select_option(label="江海区")
    town = page.locator("select[aria-label=镇街]")
    expect(town.locator("option")).to_have_text(["— 镇街 —", "礼乐街道"])  # 外海街道 is not offered
    town.select_option(label="礼乐街道")
    expect(code).to_have_value("440704003")
    page.locator("select[aria-label=村居]").select_option(label="英南村")
    expect(code).to_have_value("440704003001")

    # the person search, in 代为申请
    page.goto(f"{live_server.url}/assistance/new/")
    box = page.get_by_label("申请人", exact=True)
    box.press_sequentially("王", delay=50)
    options = page.locator(".person-picker-list").get_by_role("option")
    expect(options).to_have_count(1)  # 王德明 of 外海街道 is not a candidate
    expect(options.first).to_contain_text(wang.masked_id)
    expect(options.first).to_contain_text("礼乐街道/英南村")
    options.first.click()
    expect(box).to_have_value(f"王大明（{wang.masked_id}）")
    page.get_by_label("救助项目").select_option(label="最低生活保障")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".messages")).to_contain_text("已提交申请")
    app = Application.objects.get()
    assert (app.applicant, app.created_by) == (wang, people["lile_officer"])


def test_anyone_filters_the_public_notices_by_picking_an_area(live_server, browser_page, areas):
    """The 公示 page has no login: its picker offers the whole current tree, and after the search the chosen area is
    shown again in the lists (the address carries only the area's code)."""
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{live_server.url}/gongshi/")
    expect(page.locator("select[aria-label=市] option")).to_have_text(["— 市 —", "江门市", "云浮市"])
    page.locator("select[aria-label=市]").select_option(label="江门市")
    page.locator("select[aria-label=县区]").select_option(label="江海区")
    expect(page.locator("select[aria-label=镇街] option")).to_have_text(["— 镇街 —", "外海街道", "礼乐街道"])
    page.locator("select[aria-label=镇街]").select_option(label="礼乐街道")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(f"{live_server.url}/gongshi/?area=440704003")
    expect(page.get_by_text("当前：江门市江海区礼乐街道")).to_be_visible()
    expect(page.locator("select[aria-label=镇街]")).to_have_value("440704003")
    expect(page.locator("select[aria-label=县区]")).to_have_value("440704")
