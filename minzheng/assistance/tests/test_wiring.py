"""李建华 of 礼乐街道 starts 核对 for the 陈 family's 低保 application. When the departments have data about the
family, 核对 runs there and then: the 核对报告 is stored and its figures and conclusion become the application's
result, and 审批 starts from the report's figures. When they have none, the town enters the result by hand."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from minzheng.assistance import services
from minzheng.assistance.models import VerificationRecord
from minzheng.core.models import AuditEntry
from minzheng.verification.models import VerificationReport
from minzheng.verification.services import department_batch_push

from .stories import submit_dibao, walk_to, world_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
TODAY = timezone.localdate()


def pension(w, person, amount):
    """人社 pushes this month's pension roll: one line for `person`."""
    return department_batch_push(actor=w.huang, source="hrss_pension", as_of=TODAY, records=[
        {"身份证号": person.id_number, "姓名": person.name, "养老金项目": "企业职工基本养老保险",
         "月发放金额(元)": amount}])


def accepted(w):
    return walk_to(w, submit_dibao(w), "accepted")


def test_a_pension_on_record_gives_an_automatic_result_naming_the_report(world):
    w = world
    pension(w, w.dad, "600")
    app = accepted(w)
    record = services.application_start_verification(actor=w.li, application=app)
    report = VerificationReport.objects.get(application=app)
    assert report.created_by == w.li and report.on == TODAY and report.household == w.household
    assert report.per_capita_income == Decimal("200.00")  # 600 ÷ 3
    record.refresh_from_db()
    assert record.outcome == VerificationRecord.Outcome.PASS
    assert record.report_ref == report.number and report.number in record.summary
    assert (record.per_capita_income, record.assets) == (Decimal("200.00"), Decimal("0.00"))
    assert record.recorded_by == w.li
    app.refresh_from_db()
    assert app.status == "investigating", "the file goes on to 入户调查"
    assert [s.to_status for s in app.steps.order_by("id")][-2:] == ["verifying", "investigating"]
    entry = AuditEntry.objects.get(action="application.verification_report")
    assert entry.after["report"] == report.number and entry.after["outcome"] == "pass"
    assert AuditEntry.objects.filter(action="verification.run").count() == 1


def test_a_pension_above_the_standard_is_marked_fail(world):
    w = world
    pension(w, w.dad, "6000")  # 2000 元 per person: far above any 低保 standard
    app = accepted(w)
    record = services.application_start_verification(actor=w.li, application=app)
    report = VerificationReport.objects.get(application=app)
    assert report.per_capita_income == Decimal("2000.00") > report.standard
    assert record.outcome == VerificationRecord.Outcome.FAIL
    assert record.report_ref == report.number
    assert "不低于" in record.summary
    app.refresh_from_db()
    assert app.status == "investigating", "the county refuses at 审核; 核对 only records what it found"


def test_without_department_records_the_result_waits_for_manual_entry(world):
    w = world
    app = accepted(w)
    record = services.application_start_verification(actor=w.li, application=app)
    assert record.outcome == VerificationRecord.Outcome.PENDING
    assert "核对未找到" in record.summary and "部门数据" in record.summary
    assert not VerificationReport.objects.exists()
    app.refresh_from_db()
    assert app.status == "verifying"
    services.application_record_verification(actor=w.li, application=app, outcome="pass", per_capita_income="150",
                                              summary="人工核对：无养老金、无存款", report_ref="人工-001")
    record.refresh_from_db()
    assert (record.outcome, record.summary, record.report_ref) == ("pass", "人工核对：无养老金、无存款", "人工-001")


def test_another_areas_department_data_does_not_count(world):
    """A pension of someone outside the family is no record of theirs."""
    w = world
    from .stories import make_family

    _other, (stranger,) = make_family(w, "梁阿伯")
    pension(w, stranger, "3000")
    app = accepted(w)
    record = services.application_start_verification(actor=w.li, application=app)
    assert record.outcome == VerificationRecord.Outcome.PENDING and not VerificationReport.objects.exists()


def test_the_page_starts_verification_and_approval_is_prefilled_from_the_report(client, world):
    w = world
    pension(w, w.mum, "450")
    app = accepted(w)
    client.force_login(w.li)
    got = client.post(reverse("assistance:action", args=[app.pk, "start_verification"]), {"note": ""})
    assert got.status_code == 302
    report = VerificationReport.objects.get(application=app)
    assert any(report.number in str(m) for m in get_messages(got.wsgi_request))
    page = client.get(reverse("assistance:detail", args=[app.pk]))
    assert reverse("verification:report", args=[report.pk]) in page.content.decode()

    app.refresh_from_db()
    app = walk_to(w, app, "approving")
    client.force_login(w.huang)
    approve = client.get(reverse("assistance:approve", args=[app.pk]))
    assert approve.status_code == 200
    initial = approve.context["form"].initial
    assert initial[f"income_{w.mum.pk}"] == "450.00", "each member's own income from the report"
    assert f"income_{w.dad.pk}" in initial and Decimal(initial[f"income_{w.dad.pk}"]) == 0
    assert initial["urban_rural"] == report.urban_rural and initial["assets"] == report.money_assets
