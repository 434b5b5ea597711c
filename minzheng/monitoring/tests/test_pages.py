"""The 江海区 leaders' and statisticians' pages and API for 规划监测, and the evaluation reports."""

import io

import pytest
from openpyxl import load_workbook

from minzheng.core.pdf import pdf_text
from minzheng.monitoring import rollup
from minzheng.monitoring.models import Indicator, ReportedValue


@pytest.fixture
def built(plan):
    rollup.rebuild(2023)
    return plan


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

    yunan_row = ("445322.disabled_living_subsidy_coverage",) + STORY_INDICATORS[1][1:]
    catalogue.load(directory=write_catalogue(tmp_path, [*STORY_INDICATORS, yunan_row]))
    rollup.rebuild(2023, resume=False)
    w = built
    admin = w.zhou
    admin.area_assignments.create(area=w.yunan)
    body = _login(client, admin).get("/monitoring/compare/?year=2023").content.decode()
    assert "江海区" in body and "郁南县" in body and "困难残疾人生活补贴覆盖率" in body


def test_the_large_screen(client, built):
    body = _login(client, built.huang).get("/monitoring/440704/screen/?year=2023").content.decode()
    assert 'class="screen"' in body and "progress-chart" in body


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
    assert "特困人员基本生活供养标准" in text and "困难残疾人生活补贴覆盖率" in text and "seeds/002_" in text
    r = client.get(f"/monitoring/440704/report/{kind}.xlsx?year=2023")
    ws = load_workbook(io.BytesIO(r.content))["指标监测"]
    names = [row[1] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert len(names) == Indicator.objects.count() and any("特困人员" in n for n in names)
    assert client.get("/monitoring/440704/report/annual.doc").status_code == 404
