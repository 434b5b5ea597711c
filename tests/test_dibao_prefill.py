"""低保 without retyping (issue 16 point 5): 李建华 of 礼乐街道 runs the 核对 for 陈大明's application from its page,
the report links back to the application, 录入核对结果 carries the report's figures, and 黄志强's 审批 page is filled
from the report and the home visit; 批准 asks to confirm. A family no department knows anything about is not
"人均收入 0 → 符合": the report says 无数据，需入户核实, and the batch 核对 says the same.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from minzheng.assistance import services
from minzheng.assistance.models import Case
from minzheng.assistance.tests.stories import authorisation, submit_dibao, walk_to, world_fixture  # noqa: F401
from minzheng.verification.models import Conclusion, VerificationReport
from minzheng.verification.services import department_batch_push, verification_run, verify_many

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def field_value(html: str, name: str) -> str:
    m = re.search(r'<input[^>]*name="' + re.escape(name) + r'"[^>]*>', html)
    assert m, name
    v = re.search(r'value="([^"]*)"', m.group(0))
    return v.group(1) if v else ""


def test_a_family_no_department_knows_is_not_concluded_eligible(client, world):
    w = world
    today = timezone.localdate()
    report = verification_run(actor=w.li, household=w.household, on=today)
    assert report.conclusion == Conclusion.NO_DATA and report.lines == []
    assert "无数据，需入户核实" in report.conclusion_text and "符合低保" not in report.conclusion_text
    # The batch 核对 (复核, 测算) reaches the same conclusion for the same family.
    (_hid, batch), = verify_many([w.household.pk], today)
    assert batch.conclusion == Conclusion.NO_DATA
    client.force_login(w.li)
    page = client.get(reverse("verification:report", args=[report.pk])).content.decode()
    assert "无数据，需入户核实" in page and "符合低保经济状况条件" not in page


def test_one_wage_record_is_data_and_the_family_is_assessed_as_before(world):
    w = world
    today = timezone.localdate()
    department_batch_push(actor=w.huang, source="hrss_wage", as_of=today - dt.timedelta(days=5), records=[
        {"身份证号": w.dad.id_number, "姓名": "陈大明", "工作单位": "礼乐五金厂", "月应发工资(元)": "600"}])
    report = verification_run(actor=w.li, household=w.household, on=today)
    assert report.conclusion == Conclusion.MEETS
    (_hid, batch), = verify_many([w.household.pk], today)
    assert batch.conclusion == Conclusion.MEETS


def test_the_check_run_from_the_application_fills_the_result_and_the_approval(client, world):
    w = world
    today = timezone.localdate()
    app = walk_to(w, submit_dibao(w), "verifying")  # no department data when it started: the 核对 waits
    assert app.verifications.get().outcome == "pending"
    department_batch_push(actor=w.huang, source="hrss_wage", as_of=today - dt.timedelta(days=5), records=[
        {"身份证号": w.dad.id_number, "姓名": "陈大明", "工作单位": "礼乐五金厂", "月应发工资(元)": "1200"}])

    client.force_login(w.li)
    detail = client.get(reverse("assistance:detail", args=[app.pk])).content.decode()
    run_page = reverse("verification:household", args=[w.household.pk]) + f"?application={app.pk}"
    assert run_page.replace("&", "&amp;") in detail or run_page in detail
    assert app.number in client.get(run_page).content.decode()
    r = client.post(reverse("verification:run", args=[w.household.pk]),
                    {"on": today.isoformat(), "application": str(app.pk)})
    report = VerificationReport.objects.get(application=app)
    assert r.status_code == 302 and r["Location"] == reverse("verification:report", args=[report.pk])
    page = client.get(r["Location"]).content.decode()
    assert f'href="{reverse("assistance:detail", args=[app.pk])}"' in page  # the report links to the application

    # 录入核对结果 carries the report's figures.
    detail = client.get(reverse("assistance:detail", args=[app.pk])).content.decode()
    assert field_value(detail, "report_ref") == report.number
    assert field_value(detail, "per_capita_income") == str(report.per_capita_income)
    assert field_value(detail, "assets") == str(report.money_assets)
    assert re.search(r'<option value="pass" selected>', detail)

    app = walk_to(w, app, "approving")
    client.force_login(w.huang)
    approve = client.get(reverse("assistance:approve", args=[app.pk])).content.decode()
    dad_income = next(m["monthly_income"] for m in report.members if m["person_id"] == w.dad.pk)
    assert field_value(approve, f"income_{w.dad.pk}") == str(dad_income)
    assert report.number in approve and "入户调查" in approve and "家中仅有简单家具" in approve
    opinion = re.search(r'<textarea[^>]*name="opinion"[^>]*>(.*?)</textarea>', approve, re.S).group(1)
    assert report.number in opinion and "情况属实，建议纳入" in opinion

    # 批准 asks first; only 确认批准 enrols the family.
    form = {"urban_rural": "urban", "assets": "0", "rigid_expenses": "", "household_status": "",
            "opinion": "同意纳入低保", f"income_{w.dad.pk}": str(dad_income), f"income_{w.mum.pk}": "0",
            f"income_{w.son.pk}": "0"}
    asked = client.post(reverse("assistance:approve", args=[app.pk]), form | {"do": "approve"})
    assert asked.status_code == 200 and "确认批准" in asked.content.decode() and not Case.objects.exists()
    done = client.post(reverse("assistance:approve", args=[app.pk]), form | {"do": "confirm"})
    assert done.status_code == 302 and Case.objects.filter(application=app).exists()


def test_the_dibao_approval_page_asks_only_what_dibao_weighs(client, world):
    """黄志强 approves 低保: incomes, assets and 城乡 — no 两项补贴 household-class hint, no 特困 capacity boxes, no
    支出型 rigid expenses; those belong to other programmes' pages (the 特困 page still has its own)."""
    w = world
    app = walk_to(w, submit_dibao(w), "approving")
    client.force_login(w.huang)
    page = client.get(reverse("assistance:approve", args=[app.pk])).content.decode()
    assert f'name="income_{w.dad.pk}"' in page and 'name="assets"' in page and 'name="urban_rural"' in page
    for other in ("残疾人两项补贴", "困难残疾人生活补贴", 'name="household_status"', "无劳动能力", "无法定义务人",
                  "自理能力", "老年人能力评估", "刚性支出", "支出型"):
        assert other not in page, other
    # 测算 with the page's own fields works as before.
    r = client.post(reverse("assistance:approve", args=[app.pk]),
                    {"urban_rural": "urban", "assets": "0", "opinion": "", f"income_{w.dad.pk}": "400",
                     f"income_{w.mum.pk}": "200", f"income_{w.son.pk}": "0", "do": "preview"})
    assert r.status_code == 200 and "符合条件" in r.content.decode()


def test_the_tekun_approval_page_keeps_its_capacity_findings(client, world):
    w = world
    app = services.application_submit(actor=w.chen, programme="tekun", applicant=w.dad, household=w.household,
                                      authorisation=authorisation())
    app = walk_to(w, app, "approving")
    client.force_login(w.huang)
    page = client.get(reverse("assistance:approve", args=[app.pk])).content.decode()
    assert f'name="no_work_{w.dad.pk}"' in page and f'name="self_care_{w.dad.pk}"' in page
    assert "残疾人两项补贴" not in page and 'name="household_status"' not in page
