"""Issue 11 item 6 (GB/T 22239-2019 安全审计): an out-of-area attempt to open a person, household, application, case
or 核对报告 answered 404 and left no trace. Every denied access is now audited — the same entry whether the record
is out of area or does not exist, naming only the id asked for, so the log reveals nothing of the record. Opening
or downloading a 核对报告 (incomes, deposits) is audited like the full person record."""

import json

import pytest
from django.test import Client

from minzheng.assistance.models import Case
from minzheng.core.models import AuditEntry
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


def _denied(user):
    return AuditEntry.objects.filter(action="access.denied", actor=user).order_by("id")


def test_out_of_area_attempts_are_audited_without_revealing_the_record(w, report):
    """梁文杰 of 郁南县 tries 陈伯's record, his household, a case and his 核对报告 in 江海区: each is a 404 and an
    audit entry naming what he asked for; an id that exists nowhere gives the very same kind of entry."""
    case = Case.objects.create(programme="dibao", household=w.couple, head=w.chenbo, area=w.yingnan,
                               start_month=ON.replace(day=1), urban_rural="rural")
    c = client_for(w.liang)
    tries = [(f"/persons/{w.chenbo.pk}/", "person", w.chenbo.pk),
             (f"/households/{w.couple.pk}/", "household", w.couple.pk),
             (f"/assistance/cases/{case.pk}/", "case", case.pk),
             (f"/verification/reports/{report.pk}/", "verification_report", report.pk),
             (f"/verification/reports/{report.pk}/pdf/", "verification_report", report.pk),
             (f"/api/verification/reports/{report.pk}", "verification_report", report.pk),
             ("/persons/987654/", "person", 987654),
             (f"/api/persons/{w.chenbo.pk}", "person", w.chenbo.pk)]
    for url, _, _ in tries:
        assert c.get(url).status_code == 404, url
    assert c.post(f"/persons/{w.chenbo.pk}/full/", {"purpose": "核查"}).status_code == 404
    tries.append(("", "person", w.chenbo.pk))
    entries = list(_denied(w.liang))
    assert [(e.object_type, e.object_id) for e in entries] == [(t, str(i)) for _, t, i in tries]
    for e in entries:
        text = json.dumps([e.object_repr, e.area_code, e.before, e.after], ensure_ascii=False)
        assert "陈伯" not in text and w.chenbo.id_number not in text and "440704" not in text
        assert e.object_repr == "" and e.area_code == ""
    # the entry for a record that exists looks like the one for a record that does not
    assert {tuple(sorted((e.after or {}).keys())) for e in entries} == {()}


def test_opening_and_downloading_a_verification_report_is_audited(w, report):
    """李建华 of 礼乐街道 opens 陈伯's 核对报告 on the page, downloads the PDF and reads it through the API."""
    c = client_for(w.li)
    assert c.get(f"/verification/reports/{report.pk}/").status_code == 200
    assert c.get(f"/verification/reports/{report.pk}/pdf/").status_code == 200
    assert c.get(f"/api/verification/reports/{report.pk}").status_code == 200
    assert c.get(f"/api/verification/reports/{report.pk}/pdf").status_code == 200
    actions = list(AuditEntry.objects.filter(actor=w.li, object_type="verification_report", object_id=str(report.pk),
                                             action__startswith="verification_report.")
                   .values_list("action", flat=True))
    assert actions == ["verification_report.view", "verification_report.download",
                       "verification_report.view", "verification_report.download"]
