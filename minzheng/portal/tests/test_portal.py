"""Stories of the resident portal (居民掌上办). 黄大海 of 英南村 logs in with a code sent to his phone, applies for
低保 for his household with the 核对 授权书 signed on screen by himself and his wife 陈美玲, adds a supporting
file, and follows it as 礼乐街道 and 江海区 work it through the assistance services to approval."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.assistance import services as assistance
from minzheng.assistance.facts import build_facts
from minzheng.assistance.models import Application, Attachment, Objection
from minzheng.assistance.tests.stories import JPEG, submit_dibao, walk_to, world_fixture  # noqa: F401
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.models import AuditEntry
from minzheng.core.pdf import pdf_text
from minzheng.portal import services
from minzheng.portal.models import LoginCode, PortalAccount, Signature
from minzheng.portal.senders import ConsoleSender

from .stories import HUANG_PHONE, data_url, huang_family, last_code, portal_login, signature_png

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def huang(world):
    household, head, wife, child = huang_family(world)
    return {"household": household, "head": head, "wife": wife, "child": child}


def _apply(client, huang, **extra):
    body = {"programme": "dibao", "note": "黄大海腰伤不能工作",
            f"sig_{huang['head'].pk}": data_url(signature_png()), f"sig_{huang['wife'].pk}": data_url(signature_png(7))}
    body.update(extra)
    return client.post("/portal/apply/", body)


def test_a_resident_applying_from_the_portal_to_approval(world, huang):
    w = world
    phone = portal_login(HUANG_PHONE)
    page = phone.get("/portal/apply/").content.decode()
    assert "黄大海" in page and "陈美玲" in page and "黄小宇" not in page  # the child does not sign
    r = _apply(phone, huang)
    assert r.status_code == 302
    app = Application.objects.get(applicant=huang["head"])
    assert (app.channel, app.household, app.status, app.programme) == ("online", huang["household"], "submitted",
                                                                       "dibao")
    auth = app.attachments.get(kind=Attachment.Kind.AUTHORISATION)
    text = pdf_text(auth.file.read())
    assert "家庭经济状况核对授权书" in text and "黄大海" in text and "陈美玲" in text
    sigs = Signature.objects.filter(application=app).order_by("person_id")
    assert [(s.person.name, s.declared, s.image.read()[:4]) for s in sigs] == [
        ("黄大海", False, b"\x89PNG"), ("陈美玲", False, b"\x89PNG")]
    # a supporting file (a hospital receipt photographed)
    r = phone.post(f"/portal/applications/{app.pk}/upload/", {"file": SimpleUploadedFile("住院收据.jpg", JPEG)})
    assert r.status_code == 302
    assert app.attachments.filter(kind=Attachment.Kind.OTHER, original_name="住院收据.jpg").exists()

    # 礼乐街道 and 江海区 work it through the assistance services; 公示 passes without objection.
    app = walk_to(w, app, "approving")
    facts = build_facts(user=w.huang, household=app.household, on=timezone.localdate(), urban_rural="urban",
                        incomes={huang["head"]: "300", huang["wife"]: "300"}, assets=0)
    assistance.application_approve(actor=w.huang, application=app, facts=facts, opinion="公示期满无异议，予以批准")

    page = phone.get(f"/portal/applications/{app.pk}/").content.decode()
    assert '<strong id="app-status">已批准</strong>' in page
    for stage in ("受理", "核对", "入户调查", "审核", "公示", "审批"):
        assert f"<span>{stage}</span><span class=\"state\">{timezone.localdate():%Y-%m-%d} 已完成" in page, stage
    assert "起发放" in page
    notices = phone.get("/portal/notices/").content.decode()
    for title in ("申请已受理", "公示开始", "审批结果：批准"):
        assert title in notices
    home = phone.get("/portal/").content.decode()
    assert app.number in home and "审批结果：批准" in home


def test_an_adult_who_has_not_signed_stops_the_application_and_nothing_is_written(world, huang):
    phone = portal_login(HUANG_PHONE)
    before = (Application.objects.count(), Signature.objects.count(), AuditEntry.objects.count())
    r = _apply(phone, huang, **{f"sig_{huang['wife'].pk}": ""})
    assert r.status_code == 400
    assert "陈美玲尚未签字：请陈美玲本人签名，或勾选由申请人代为声明" in r.content.decode()
    assert (Application.objects.count(), Signature.objects.count(), AuditEntry.objects.count()) == before
    # the applicant may declare for her instead
    r = _apply(phone, huang, declared="on", **{f"sig_{huang['wife'].pk}": ""})
    assert r.status_code == 302
    app = Application.objects.get()
    assert list(Signature.objects.filter(application=app).order_by("person_id").values_list("declared", flat=True)) \
        == [False, True]
    assert "由申请人黄大海代为声明授权" in pdf_text(app.attachments.get(kind="authorisation").file.read())


def test_a_broken_signature_image_is_named(world, huang):
    phone = portal_login(HUANG_PHONE)
    r = _apply(phone, huang, **{f"sig_{huang['wife'].pk}": "data:image/png;base64,@@@"})
    assert r.status_code == 400 and "陈美玲的签名图片无法识别" in r.content.decode()
    assert not Application.objects.exists()


def test_a_too_large_or_wrong_type_upload_is_refused_by_name_with_nothing_written(world, huang):
    phone = portal_login(HUANG_PHONE)
    _apply(phone, huang)
    app = Application.objects.get()
    before = (app.attachments.count(), AuditEntry.objects.count())
    big = SimpleUploadedFile("诊断证明.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1))
    r = phone.post(f"/portal/applications/{app.pk}/upload/", {"file": big})
    assert r.status_code == 400 and "诊断证明.pdf”超过10MB" in r.content.decode()
    exe = SimpleUploadedFile("收入证明.pdf", b"MZ\x90\x00 this is a program")
    r = phone.post(f"/portal/applications/{app.pk}/upload/", {"file": exe})
    assert r.status_code == 400
    assert "收入证明.pdf”的内容不是有效的PDF文件" in r.content.decode()
    doc = SimpleUploadedFile("说明.docx", b"PK\x03\x04")
    r = phone.post(f"/portal/applications/{app.pk}/upload/", {"file": doc})
    assert r.status_code == 400 and "说明.docx”应为JPG、PDF、PNG文件" in r.content.decode()
    assert (app.attachments.count(), AuditEntry.objects.count()) == before


def test_an_objection_during_publicity_waits_for_the_town_and_after_it_is_refused(world, huang):
    w = world
    shown = walk_to(w, submit_dibao(w), "publicizing")  # the 陈 family of 英南村, same town as 黄大海
    pub = shown.publicities.get()
    phone = portal_login(HUANG_PHONE)
    assert "陈*明" in phone.get("/portal/gongshi/").content.decode()
    r = phone.post(f"/portal/gongshi/{pub.pk}/objection/", {"reason": "该户上月新购小汽车一辆"})
    assert r.status_code == 302
    obj = Objection.objects.get()
    assert (obj.status, obj.objector_name, obj.contact) == ("pending", "黄大海", HUANG_PHONE)
    shown.refresh_from_db()
    assert shown.status == "publicizing"  # stays up until the town checks it
    user = User.objects.get(portal_account__phone=HUANG_PHONE)
    count = AuditEntry.objects.count()
    with pytest.raises(Conflict, match=f"该公示已于{pub.end_date.isoformat()}结束，不再受理异议"):
        services.portal_object(actor=user, publicity_id=pub.pk, reason="该户家中有人在外务工收入较高",
                               today=pub.end_date + dt.timedelta(days=1))
    assert (Objection.objects.count(), AuditEntry.objects.count()) == (1, count)


def test_after_publicity_ended_the_page_says_so(world, huang):
    import time_machine

    w = world
    shown = walk_to(w, submit_dibao(w), "publicizing")
    pub = shown.publicities.get()
    with time_machine.travel(dt.datetime.combine(pub.end_date + dt.timedelta(days=1), dt.time(10),
                                                 tzinfo=timezone.get_default_timezone())):
        phone = portal_login(HUANG_PHONE)
        r = phone.post(f"/portal/gongshi/{pub.pk}/objection/", {"reason": "该户上月新购小汽车一辆"})
    assert r.status_code == 409 and "不再受理异议" in r.content.decode()
    assert not Objection.objects.exists()


def test_wrong_expired_and_repeated_codes_and_an_unknown_number_get_the_same_answers(world, huang):
    unknown = "13700000000"
    ConsoleSender.outbox.clear()
    for number in (HUANG_PHONE, unknown):
        services.code_request(phone=number)
    assert [to for to, _ in ConsoleSender.outbox] == [HUANG_PHONE]  # only a registered number gets an SMS
    assert LoginCode.objects.count() == 2  # …but both are kept alike, hashed
    code = last_code(HUANG_PHONE)
    assert not LoginCode.objects.filter(code_hash__contains=code).exists()
    assert not LoginCode.objects.filter(phone_key__contains=HUANG_PHONE).exists()
    for number in (HUANG_PHONE, unknown):
        with pytest.raises(DomainError, match="^验证码错误或已过期，请重新输入或重新获取$"):
            services.code_verify(phone=number, code="000000" if code != "000000" else "111111")
    # expired: after the lifetime in data/portal/params.csv (5 minutes)
    later = timezone.now() + dt.timedelta(minutes=6)
    with pytest.raises(DomainError, match="^验证码错误或已过期"):
        services.code_verify(phone=HUANG_PHONE, code=code, now=later)
    assert not PortalAccount.objects.exists() and not User.objects.filter(username__startswith="portal-").exists()
    # three more wrong codes (five in all) lock both numbers the same way
    for number, tries in ((HUANG_PHONE, 3), (unknown, 4)):
        for _ in range(tries - 1):
            with pytest.raises(DomainError):
                services.code_verify(phone=number, code="999999x")
        with pytest.raises(Conflict, match="^验证码连续输错5次，请于.*后再试$"):
            services.code_verify(phone=number, code="999999x")
        with pytest.raises(Conflict, match="^验证码连续输错次数过多"):
            services.code_request(phone=number)
    assert not PortalAccount.objects.exists()
    # a malformed number is named
    with pytest.raises(DomainError, match="手机号码应为以1开头的11位数字"):
        services.code_request(phone="12345")


def test_the_login_page_answers_alike_for_a_registered_and_an_unknown_number(world, huang):
    answers = []
    for number in (HUANG_PHONE, "13700000000"):
        c = Client()
        r = c.post("/portal/login/", {"phone": number, "step": "send"})
        answers.append((r.status_code, r.content.decode().replace(number, "N")))
        r = c.post("/portal/login/", {"phone": number, "step": "verify", "code": "12345x"})
        answers.append((r.status_code, r.content.decode().replace(number, "N")))
    assert answers[0][0] == 200 and answers[1][0] == 400 and "验证码错误或已过期" in answers[1][1]
    token = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
    strip = [(s, token.sub("-", b)) for s, b in answers]
    assert strip[:2] == strip[2:]


def test_the_template_download_lists_the_adults_to_sign(world, huang):
    phone = portal_login(HUANG_PHONE)
    r = phone.get("/portal/authorisation.pdf")
    assert r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "家庭经济状况核对授权书" in text and "黄大海" in text and "陈美玲" in text and "黄小宇" not in text


def test_the_demo_gives_a_household_head_the_demo_phone_and_he_can_log_in(world):
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.assistance.tests.stories import make_family
    from minzheng.demo.portal import DEMO_PHONE, seed_portal_demo

    w = world
    user_create(actor=None, username="jh_lile", password="Minzheng#2026", display_name="礼乐街道民政办",
                role=Role.TOWN, areas=[w.lile])
    _household, (head, *_) = make_family(w, "梁家明", birth=dt.date(1976, 4, 4))
    said = seed_portal_demo()
    head.refresh_from_db()
    w.dad.refresh_from_db()
    assert DEMO_PHONE in (head.phone, w.dad.phone), said  # the first head of 英南村 aged 30–59
    assert "跳过" in seed_portal_demo()  # a rerun changes nothing
    assert portal_login(DEMO_PHONE).get("/portal/").status_code == 200


def test_the_menu_leads_a_code_login_resident_to_the_portal_and_a_password_resident_nowhere_dead(client, world,
                                                                                                huang):
    """黄大海 (code login) finds 社会救助 in the menu and it opens his portal; 王 (a password account of a family
    member, no code login) has no such entry: the old form under a typed 身份证号 is gone."""
    portal = portal_login(HUANG_PHONE)
    assert re.search(r'<a href="/portal/"[^>]*>社会救助</a>', portal.get("/").content.decode())
    assert portal.get("/portal/").status_code == 200
    client.force_login(world.wang)
    assert "社会救助" not in client.get("/").content.decode()
