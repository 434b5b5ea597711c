"""Only the household's own area sees its 核对; roles without the capability are refused; pages and API alike."""

import pytest
from django.test import Client

from minzheng.verification.models import VerificationReport
from minzheng.verification.services import department_batch_push, verification_run

from .conftest import AS_OF, ON


@pytest.fixture
def report(w):
    department_batch_push(actor=w.huang, source="hrss_pension", as_of=AS_OF, records=[
        {"身份证号": w.chenbo.id_number, "姓名": "陈伯", "养老金项目": "企业职工基本养老保险",
         "月发放金额(元)": "1900"}])
    return verification_run(actor=w.li, household=w.couple, on=ON)


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_report_page_and_pdf_for_the_households_own_area(w, report):
    for who in (w.li, w.huang, w.wu):        # town officer, county approver, auditor of 江海区
        c = client_for(who)
        page = c.get(f"/verification/reports/{report.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "家庭经济状况核对报告" in html and "陈伯" in html and "950.00" in html and "计入" in html
        assert w.chenbo.id_number not in html and w.chenbo.masked_id in html
        pdf = c.get(f"/verification/reports/{report.pk}/pdf/")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert c.get(f"/api/verification/reports/{report.pk}").json()["per_capita_income"] == "950.00"


def test_another_areas_user_gets_not_found_everywhere(w, report):
    c = client_for(w.liang)                 # 梁文杰, 郁南县
    assert c.get(f"/verification/reports/{report.pk}/").status_code == 404
    assert c.get(f"/verification/reports/{report.pk}/pdf/").status_code == 404
    assert c.get(f"/verification/households/{w.couple.pk}/").status_code == 404
    assert c.post(f"/verification/households/{w.couple.pk}/run/", {"on": "2024-06-01"}).status_code == 404
    for url in (f"/api/verification/reports/{report.pk}", f"/api/verification/reports/{report.pk}/pdf",
                f"/api/verification/persons/{w.chenbo.pk}/records?on=2024-06-01"):
        r = c.get(url)
        assert r.status_code == 404 and r.json()["code"] == "not_found", url
    r = c.post(f"/api/verification/households/{w.couple.pk}/run", {"on": "2024-06-01"}, content_type="application/json")
    assert r.status_code == 404
    assert c.get("/api/verification/batches").json() == []
    assert VerificationReport.objects.count() == 1


def test_roles_without_the_capability_are_refused(w, report):
    village, provider, auditor = client_for(w.chen), client_for(w.he), client_for(w.wu)
    for c in (village, provider):
        assert c.get(f"/verification/reports/{report.pk}/").status_code == 403
        r = c.get(f"/api/verification/reports/{report.pk}")
        assert r.status_code == 403 and "无权查看核对报告" in r.json()["message"]
    # the auditor reads but does not run 核对 nor take in data
    assert auditor.post(f"/verification/households/{w.couple.pk}/run/", {"on": "2024-06-01"}).status_code == 403
    r = auditor.post(f"/api/verification/households/{w.couple.pk}/run", {"on": "2024-06-01"},
                     content_type="application/json")
    assert r.status_code == 403 and "无权开展家庭经济状况核对" in r.json()["message"]
    r = client_for(w.li).post("/api/verification/batches/push", {"source": "hrss_pension", "as_of": "2024-05-31",
                                                                   "records": []}, content_type="application/json")
    assert r.status_code == 403 and "无权导入部门核对数据" in r.json()["message"]
    assert VerificationReport.objects.count() == 1


def test_the_town_runs_it_from_the_page_and_the_county_pushes_through_the_api(w):
    county = client_for(w.huang)
    r = county.post("/api/verification/batches/push", {
        "source": "hrss_pension", "as_of": "2024-05-31", "provider": "江门市社保局",
        "records": [{"身份证号": w.chenbo.id_number, "姓名": "陈伯", "养老金项目": "企业职工基本养老保险",
                     "月发放金额(元)": 1700}]}, content_type="application/json")
    assert r.status_code == 201 and r.json()["matched_rows"] == 1
    bad = county.post("/api/verification/batches/push", {"source": "hrss_pension", "as_of": "2024-05-31",
                                                          "records": [{"身份证号": "123", "月发放金额(元)": "x"}]},
                      content_type="application/json")
    assert bad.status_code == 400 and "第1条" in bad.json()["message"] and bad.json()["details"]
    town = client_for(w.li)
    r = town.post(f"/verification/households/{w.couple.pk}/run/", {"on": "2024-06-01"})
    report = VerificationReport.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/verification/reports/{report.pk}/"
    assert report.per_capita_income == 850 and report.created_by == w.li
    listing = town.get(f"/verification/households/{w.couple.pk}/").content.decode()
    assert report.number in listing
    records = town.get(f"/api/verification/persons/{w.chenbo.pk}/records?on=2024-06-01").json()
    assert records[0]["monthly_amount"] == "1700.00"


def test_a_file_upload_through_the_api(w, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = f"身份证号,姓名,养老金项目,月发放金额(元)\n{w.chenbo.id_number},陈伯,企业职工基本养老保险,1200\n"
    r = client_for(w.huang).post("/api/verification/batches/upload", {
        "source": "hrss_pension", "as_of": "2024-05-31",
        "file": SimpleUploadedFile("养老金.csv", body.encode("utf-8"), content_type="text/csv")})
    assert r.status_code == 201, r.content
    assert r.json()["source_name"] == "人社·养老金发放" and r.json()["matched_rows"] == 1
