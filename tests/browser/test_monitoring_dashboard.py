"""Browser story: 周建国, leader of 江门市's bureau (also overseeing 郁南县 for this story), opens the comparison
of the plans, goes to 江海区's dashboard, and drills down one indicator from the county to 礼乐街道 and its
villages, through the drill-down table under the bar chart."""

import datetime as dt

from minzheng.assistance.tests.stories import world_fixture  # noqa: F401
from minzheng.monitoring import catalogue, rollup
from minzheng.monitoring.tests.conftest import STORY_INDICATORS, enrol, make_family, plan_fixture, write_catalogue  # noqa: F401
from minzheng.registry.models import PersonCategory


def _disabled(w, name, village, subsidised):
    household, (head,) = make_family(w, name, village=village)
    household.memberships.update(start_date=dt.date(2022, 1, 1))
    head.disability_category, head.disability_grade = "physical", 2
    head.save()
    PersonCategory.objects.create(person=head, category="dibao", valid_from=dt.date(2022, 1, 1))
    if subsidised:
        enrol(w, head, "disability", "living", "175", village=village)


def test_zhou_compares_the_plans_and_drills_down(live_server, browser_page, plan, tmp_path):
    from playwright.sync_api import expect

    w = plan
    yunan = ("445322.disabled_living_subsidy_coverage",) + STORY_INDICATORS[1][1:]
    catalogue.load(directory=write_catalogue(tmp_path, [*STORY_INDICATORS, yunan]))
    _disabled(w, "甲一", w.yingnan, True)
    _disabled(w, "乙一", w.xiangdong, False)
    rollup.rebuild(2023)
    w.zhou.area_assignments.create(area=w.yunan)
    page = browser_page

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("zhoujg")
    page.get_by_label("密码").fill("Minzheng#2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="规划监测").click()
    page.goto(f"{live_server.url}/monitoring/compare/?year=2023")
    table = page.get_by_test_id("comparison")
    expect(table).to_contain_text("江海区")
    expect(table).to_contain_text("郁南县")
    expect(table).to_contain_text("困难残疾人生活补贴覆盖率")

    table.get_by_role("link", name="江海区").click()
    expect(page.locator("h1")).to_contain_text("江海区")
    expect(page.get_by_test_id("as-of")).not_to_have_text("尚未计算")
    expect(page.locator("#status-chart canvas")).to_have_count(1)  # ECharts drew the status chart

    page.get_by_test_id("indicators").get_by_role("link", name="困难残疾人生活补贴覆盖率").click()
    expect(page.get_by_test_id("actual")).to_contain_text("50%")
    drill = page.get_by_test_id("drilldown")
    expect(drill).to_contain_text("礼乐街道")
    expect(page.locator("#below-chart canvas")).to_have_count(1)

    drill.get_by_role("link", name="礼乐街道").click()
    expect(page.locator("h1")).to_contain_text("礼乐街道")
    expect(page.get_by_test_id("drilldown")).to_contain_text("英南村")
    expect(page.get_by_test_id("drilldown")).to_contain_text("向东村")
