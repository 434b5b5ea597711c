"""Browser story: 礼乐街道's window 李建华 takes in 江海区义工联合会's application on the 社会组织 page; 江海区's
黄志强 reviews it and 麦嘉怡 approves it (a GB 32100 code is assigned); 黄志强 lists it on the 活动异常名录 for being
unreachable at its domicile, and a member of the public finds it on the credit-list page without logging in.
Debian's Chromium through Playwright."""

import re


def login(page, url, username):
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Minzheng#2026")
    page.get_by_role("button", name="登录").click()


def desk(browser):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    return page


def test_an_application_becomes_a_registered_organisation_then_a_public_credit_listing(live_server, browser,
                                                                                       areas, people, make_person):
    from playwright.sync_api import expect

    feng = make_person("冯志明", area=areas["yingnan"])
    url = live_server.url

    window = desk(browser)
    login(window, url, "lijh")
    window.get_by_role("link", name="社会组织").first.click()
    window.get_by_label("名称", exact=True).fill("江海区义工联合会")
    window.get_by_label("组织类型").select_option(label="社会团体")
    # the area picker: 江门市/江海区/礼乐街道 are chosen for him (the only ones on his way), he picks the village
    window.locator("select[aria-label=村居]").select_option(label="英南村")
    window.get_by_label("住所", exact=True).fill("礼乐街道英南村文化楼二层")
    window.get_by_label("法定代表人身份证号").fill(feng.id_number)
    window.get_by_label("注册资金（元）").fill("30000")
    window.get_by_label("业务范围").fill("组织志愿服务、开展社区互助")
    window.get_by_role("button", name="受理").click()
    expect(window.get_by_text("登记申请已受理，待登记管理机关审查")).to_be_visible()

    reviewer = desk(browser)
    login(reviewer, url, "huangzq")
    reviewer.goto(f"{url}/socialorgs/")
    reviewer.get_by_label("审查意见").fill("材料齐全，符合登记条件")
    reviewer.get_by_role("button", name="审查通过").click()
    expect(reviewer.get_by_text("审查意见已记录")).to_be_visible()

    approver = desk(browser)
    login(approver, url, "maijy")
    approver.goto(f"{url}/socialorgs/")
    approver.get_by_role("button", name="核准登记").click()
    expect(approver.get_by_text(re.compile(r"已核准登记，统一社会信用代码：51440704\w{10}"))).to_be_visible()

    reviewer.goto(f"{url}/socialorgs/")
    reviewer.get_by_role("link", name="江海区义工联合会").click()
    reviewer.get_by_label("列入事由").select_option(value="unreachable")
    reviewer.get_by_role("button", name="列入名录").click()
    expect(reviewer.get_by_text("已列入名录")).to_be_visible()

    public = desk(browser)
    public.goto(f"{url}/socialorgs/credit/")
    public.get_by_label("查询内容").fill("义工联合会")
    public.get_by_role("button", name="查询").click()
    row = public.locator("tbody tr").first
    expect(row).to_contain_text("江海区义工联合会")
    expect(row).to_contain_text("活动异常名录")
    expect(row).to_contain_text("《社会组织信用信息管理办法》（民政部令第60号）第十条第六项")
    assert "冯志明" not in public.content()
