"""The pages render for the people who work on children, and a step entered on the case page goes through the
service (its Chinese error shown next to the form, nothing written)."""

import pytest
from django.test import Client

from minzheng.children import services
from minzheng.children.models import Assessment, CaseEvent
from minzheng.core.pdf import pdf_text

from .stories import today

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_every_page_renders_for_the_centre_and_the_case_page_records_steps(kids):
    w, t = kids, today()
    case = services.report_file(actor=w.zhouhui, child=w.son, source="hotline", priority="normal",
                                what="热线反映儿童长期无人照料", location="英南村", anonymous=True).case
    c = _client(w.zhouhui)
    for url in ("/children/", f"/children/{w.son.pk}/", "/children/m/", f"/children/m/visit/{w.son.pk}/",
                "/children/m/report/", "/children/cases/", f"/children/cases/{case.pk}/", "/children/workforce/",
                "/children/adoptions/"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert "Traceback" not in r.content.decode()
    page = c.get(f"/children/cases/{case.pk}/").content.decode()
    assert "匿名" in page and "发现报告" in page

    r = c.post(f"/children/cases/{case.pk}/", {"step": "verify", "happened_on": t.isoformat(),
                                                "note": "入户核实情况属实", "substantiated": "1"})
    assert r.status_code == 302 and CaseEvent.objects.filter(case=case, kind="verify").exists()
    # an assessment with 就学情况 left blank: the message names the item, nothing is written
    r = c.post(f"/children/cases/{case.pk}/", {"step": "assess", "happened_on": t.isoformat(), "item_safety": "0",
                                                "item_guardian": "3", "item_health": "0", "item_living": "1"})
    assert r.status_code == 400 and "评估项“就学情况”未填写" in r.content.decode()
    assert not Assessment.objects.exists()
    r = c.post(f"/children/cases/{case.pk}/", {"step": "assess", "happened_on": t.isoformat(), "item_safety": "0",
                                                "item_guardian": "3", "item_health": "0", "item_living": "1",
                                                "item_education": "0"})
    assert r.status_code == 302 and Assessment.objects.get().risk_level == "medium"


def test_the_revocation_pdf_downloads_from_the_case_page_and_is_logged(kids):
    w, t = kids, today()
    g = services.guardian_add(actor=w.chen, child=w.son, kind="father", person=w.dad, relation="父子",
                              valid_from=w.son.birth_date)
    case = services.report_file(actor=w.zhouhui, child=w.son, source="police", priority="urgent",
                                what="公安机关通报父亲殴打儿童致伤", location="英南村", reporter_name="派出所民警").case
    services.intervention_record(actor=w.zhouhui, case=case, kind="assessment", happened_on=t, guardian=g,
                                 outcome="unfit", note="家庭监护能力评估：严重不履行监护职责")
    e = services.revocation_apply(actor=w.zhouhui, case=case, guardian=g, court="江门市江海区人民法院",
                                  grounds="陈大明多次殴打陈小宝致伤，经公安机关处理后仍不改正", happened_on=t)
    r = _client(w.zhouhui).get(f"/children/cases/{case.pk}/revocation/{e.pk}.pdf")
    assert r["Content-Type"] == "application/pdf" and "撤销监护人资格申请书" in pdf_text(r.content)
    assert case.accesses.filter(user=w.zhouhui, channel="pdf").count() == 1
    assert _client(w.xu).get(f"/children/cases/{case.pk}/revocation/{e.pk}.pdf").status_code == 404


def test_the_register_exports_masked_and_the_export_is_audited(kids):
    import io

    from openpyxl import load_workbook

    from minzheng.core.models import AuditEntry

    w = kids
    r = _client(w.chen).get("/children/export.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows(values_only=True))
    names = {row[0]: row for row in rows[1:]}
    assert "陈小宝" in names and names["陈小宝"][4] == w.son.masked_id
    assert w.son.id_number not in str(rows)
    assert AuditEntry.objects.filter(action="children.export", actor=w.chen).exists()
    # an eldercare worker of the same town exports an empty list
    r = _client(w.ma).get("/children/export.xlsx")
    assert len(list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows())) == 1
