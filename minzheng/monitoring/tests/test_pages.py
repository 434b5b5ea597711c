"""The 江海区 leaders' and statisticians' pages and API for 规划监测, and the evaluation reports."""

import io
import re

import pytest
from openpyxl import load_workbook

from minzheng.core.pdf import pdf_text
from minzheng.monitoring import rollup
from minzheng.monitoring.models import Indicator, IndicatorValue, ReportedValue


@pytest.fixture
def built(plan):
    rollup.rebuild(2023)
    return plan


def _county_reports(w, code, value):
    """黄志强 reports 江海区's figure for a reported indicator and 周建国 of the city approves it."""
    from minzheng.monitoring import services

    ind = Indicator.objects.get(code=code)
    rv = services.report_value(actor=w.huang, indicator=ind, area=w.jianghai, period=2023, value=value,
                               unit=ind.unit)
    services.approve_value(actor=w.zhou, reported=rv)
    rollup.rebuild(2023, resume=False)


def _login(client, user):
    client.force_login(user)
    return client


def test_the_county_dashboard_lists_every_indicator_with_status_and_as_of(client, built):
    w = built
    r = _login(client, w.huang).get("/monitoring/440704/?year=2023")
    body = r.content.decode()
    assert r.status_code == 200
    assert "特困人员基本生活供养标准" in body and "数据截至" in body
    assert "1440" in body and "特困供养标准为低保标准的1.6倍" in body  # the rule's verdict, on hover
    assert body.count("<tr>") - 1 == Indicator.objects.count()
    assert 'id="status-chart"' in body and "echarts.min.js" in body


def test_drilldown_from_county_to_town(client, built):
    w = built
    ind = Indicator.objects.get(code="440704.disabled_living_subsidy_coverage")
    r = _login(client, w.huang).get(f"/monitoring/440704/indicator/{ind.pk}/?year=2023")
    body = r.content.decode()
    assert r.status_code == 200 and "礼乐街道" in body and "外海街道" in body
    r = client.get(f"/monitoring/440704005/indicator/{ind.pk}/?year=2023")
    assert "英南村" in r.content.decode()


def test_a_town_officer_sees_only_his_town(client, built):
    w = built
    _login(client, w.li)
    assert client.get("/monitoring/").url.startswith("/monitoring/440704005/")
    assert client.get("/monitoring/440704/?year=2023").status_code == 404
    assert client.get("/monitoring/440704004/?year=2023").status_code == 404
    assert client.get("/api/monitoring/progress/440704004?year=2023").status_code == 404
    ind = Indicator.objects.get(code="440704.nursing_bed_share")
    r = client.post("/api/monitoring/reported", {"indicator_id": ind.pk, "area_code": "440704004", "year": 2023,
                                                 "value": "50", "unit": "%"}, content_type="application/json")
    assert r.status_code == 404 and not ReportedValue.objects.exists()


def test_reporting_and_approving_through_the_api(client, built):
    w = built
    ind = Indicator.objects.get(code="440704.nursing_bed_share")
    r = _login(client, w.li).post("/api/monitoring/reported", {
        "indicator_id": ind.pk, "area_code": "440704005", "year": 2023, "value": "180", "unit": "%"},
        content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "填报值" and "超出合理范围" in r.json()["message"]
    r = client.post("/api/monitoring/reported", {"indicator_id": ind.pk, "area_code": "440704005", "year": 2023,
                                                 "value": "52", "unit": "%"}, content_type="application/json")
    assert r.status_code == 201
    rid = r.json()["id"]
    assert client.post(f"/api/monitoring/reported/{rid}/approve").status_code == 403
    _login(client, w.huang)
    assert client.post(f"/api/monitoring/reported/{rid}/approve").json()["status"] == "approved"
    r = client.post("/api/monitoring/reported", {"indicator_id": ind.pk, "area_code": "440704005", "year": 2023,
                                                 "value": "53", "unit": "%"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "locked"
    run = client.post("/api/monitoring/rebuild", {"year": 2023, "incremental": True},
                      content_type="application/json").json()
    assert run["kind"] == "incremental"
    values = client.get("/api/monitoring/progress/440704005?year=2023").json()
    beds = next(v for v in values if v["indicator_code"] == "440704.nursing_bed_share")
    assert beds["value"] == "52.0000" and beds["status"] == "已达标" and beds["source"] == "reported"


def test_the_pages_for_reporting_and_approval(client, built):
    w = built
    ind = Indicator.objects.get(code="440704.community_volunteer_coverage")
    _login(client, w.li)
    assert "志愿服务站点" in client.get("/monitoring/reported/?year=2023").content.decode()
    r = client.post("/monitoring/reported/new/", {"indicator": ind.pk, "area": "440704005", "year": 2023,
                                                  "value": "abc"}, follow=True)
    assert "不是有效数字" in r.content.decode() and not ReportedValue.objects.exists()
    client.post("/monitoring/reported/new/", {"indicator": ind.pk, "area": "440704005", "year": 2023, "value": "60"})
    rv = ReportedValue.objects.get()
    _login(client, w.huang)
    body = client.get("/monitoring/reported/?year=2023").content.decode()
    assert "审定并锁定" in body
    client.post(f"/monitoring/reported/{rv.pk}/approve/", {"year": 2023})
    rv.refresh_from_db()
    assert rv.status == "approved"


def test_the_comparison_lines_up_the_plans(client, built, tmp_path):
    """郁南县's plan shares the template row for 困难残疾人生活补贴覆盖率 with 江海区's."""
    from minzheng.monitoring import catalogue

    from .conftest import STORY_INDICATORS, write_catalogue

    # 郁南县 shares every % row of the story plan with 江海区 (one of them, at least, has a value to draw).
    yunan_rows = [(f"445322.{r[0].split('.', 1)[1]}",) + r[1:] for r in STORY_INDICATORS if r[6 - 1] == "%"]
    catalogue.load(directory=write_catalogue(tmp_path, [*STORY_INDICATORS, *yunan_rows]))
    w = built
    _county_reports(w, "440704.nursing_bed_share", "52")
    admin = w.zhou
    admin.area_assignments.create(area=w.yunan)
    body = _login(client, admin).get("/monitoring/compare/?year=2023").content.decode()
    assert "江海区" in body and "郁南县" in body and "困难残疾人生活补贴覆盖率" in body
    # Drawn too: the share, one bar per place, on a % axis; every figure in the table carries its unit.
    chart = _chart_data(body)
    assert chart["areas"][:2] == ["江海区", "郁南县"] or set(chart["areas"]) >= {"江海区", "郁南县"}
    drawn = IndicatorValue.objects.filter(area__code="440704", period=2023, value__isnull=False,
                                          indicator__unit="%").values_list("indicator__name", flat=True)
    assert drawn and {r["name"] for r in chart["shares"]} >= set(drawn)
    assert all(len(r["values"]) == len(chart["areas"]) for r in chart["shares"])
    table = body.split('data-testid="comparison"', 1)[1]
    cells = re.findall(r'<a href="/monitoring/\d+/indicator/\d+/\?year=2023">([^<]*)</a>', table)
    assert cells and all(c == "—" or c.endswith("%") or c.endswith("元/人·月") or c in ("成立", "不成立")
                         for c in cells), cells


def _chart_data(body: str) -> dict:
    import json
    import re

    found = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', body, re.S)
    assert found, body[body.find("<main"):]
    return json.loads(found[1])


def test_the_large_screen_keeps_percentages_and_counts_apart(client, built):
    """黄志强 puts the 大屏 on the meeting-room wall: shares on one 0–100 % axis, each bar labelled with its
    figure as the plan prints it; the 元 and 人次 figures as tiles with their units, never on that axis."""
    _county_reports(built, "440704.nursing_bed_share", "52.349")
    body = _login(client, built.huang).get("/monitoring/440704/screen/?year=2023").content.decode()
    assert 'class="screen"' in body and "progress-chart" in body
    bars = _chart_data(body)["rows"]
    shares = IndicatorValue.objects.filter(area__code="440704", period=2023, value__isnull=False,
                                           indicator__unit="%")
    assert {b["name"] for b in bars} == {str(v.indicator) for v in shares} and bars
    assert all(b["unit"] == "%" for b in bars)
    beds = next(b for b in bars if b["name"] == "养老机构护理型床位占比")
    assert beds["value"] == 52  # the plan prints this share whole (40, 50, 55): so does the screen
    tiles = body.split('data-testid="count-tiles"', 1)[1]
    standard = IndicatorValue.objects.get(area__code="440704", period=2023,
                                          indicator__code="440704.tekun_basic_standard.urban")
    assert "特困人员基本生活供养标准" in tiles and "元/人·月" in tiles and f"{standard.value:.0f}" in tiles


def test_figures_are_printed_to_the_plans_own_precision():
    from decimal import Decimal

    from minzheng.monitoring.targets import plan_decimals, plan_round

    assert plan_decimals("0", "90", "95", unit="%") == 0  # the plan prints this share whole
    assert plan_decimals("", "", "", unit="%") == 1  # no figure printed: a share keeps one decimal
    assert plan_decimals("1", "", "1000", unit="人次") == 0
    assert plan_decimals("2.35", ">=2.5", "3", unit="张") == 2
    assert plan_round(Decimal("33.3333"), 1) == Decimal("33.3")
    assert plan_round(Decimal("2.345"), 2) == Decimal("2.35")  # half up, as statistical tables round
    assert plan_round(None, 1) is None


@pytest.mark.parametrize("kind", ["annual", "midterm", "final"])
def test_evaluation_reports_as_pdf_and_excel(client, built, kind):
    w = built
    _login(client, w.huang)
    r = client.get(f"/monitoring/440704/report/{kind}.pdf?year=2023")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    title = {"annual": "2023年年度监测报告", "midterm": "中期评估报告（2023年）",
             "final": "总结评估报告（2025年）"}[kind]
    assert f"江海区民政事业发展“十四五”规划{title}" in text
    assert "特困人员基本生活供养标准" in text and "困难残疾人生活补贴覆盖率" in text
    # each citation as the pages print it: the plan's name and line, never the seed file's path
    assert re.search(r"《江门市江海区民政事业发展“十四五”规划》第\d+行", text) and "seeds/" not in text
    if kind != "final":  # 2025 is not computed yet: the report says so instead of a time
        assert "（北京时间）" in text  # the same clock as the page's 数据截至
    r = client.get(f"/monitoring/440704/report/{kind}.xlsx?year=2023")
    ws = load_workbook(io.BytesIO(r.content))["指标监测"]
    names = [row[1] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert len(names) == Indicator.objects.count() and any("特困人员" in n for n in names)
    cited = [row[9] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert any(re.fullmatch(r"《江门市江海区民政事业发展“十四五”规划》第\d+(—\d+)?行.*", c or "") for c in cited)
    assert not any("seeds/" in (c or "") or ".txt" in (c or "") for c in cited)
    assert client.get("/monitoring/440704/report/annual.doc").status_code == 404
