"""The 大救助 pages as the staff and the public use them.

陈小玲 (英南村) enters the 陈 family's 低保 application, 李建华 (礼乐街道) accepts, verifies, visits and sends it up,
黄志强 (江海区) reviews, the notice goes up on the public 公示 page with masked names, and 黄志强 approves with the
amounts read out. Every page is tried by staff of another area (404, nothing written) and by roles without the
right (403, nothing written); a step taken at the wrong time shows the Chinese message and changes nothing.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from minzheng.assistance import services
from minzheng.assistance.models import (
    Application,
    ApplicationStep,
    Attachment,
    Case,
    Entitlement,
    Investigation,
    Objection,
    PayFirst,
    Publicity,
)
from minzheng.core.models import AuditEntry

from .stories import (  # noqa: F401
    JPEG,
    authorisation,
    make_family,
    photo,
    solve_challenge,
    submit_dibao,
    walk_to,
    world_fixture,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
TODAY = timezone.localdate()


def as_(client, user):
    client.force_login(user)
    return client


def state():
    """Everything a refused request must leave untouched."""
    return (AuditEntry.objects.exclude(action="access.denied").count(), ApplicationStep.objects.count(),
            Attachment.objects.count(),
            Investigation.objects.count(), Objection.objects.count(), Case.objects.count(), PayFirst.objects.count(),
            list(Application.objects.order_by("pk").values_list("status", "paid_first", "file_completed_at")))


def detail(app):
    return reverse("assistance:detail", args=[app.pk])


def action(app, name):
    return reverse("assistance:action", args=[app.pk, name])


def body(response) -> str:
    return response.content.decode()


# --- the whole walk ------------------------------------------------------------------------------

def test_the_chen_family_goes_from_intake_to_approval_through_the_pages(client, world):
    w = world
    # 陈小玲 enters the application in 英南村, choosing 陈大明 by his 身份证号
    as_(client, w.chen)
    assert client.get(reverse("assistance:new")).status_code == 200
    r = client.post(reverse("assistance:new"), {"id_number": w.dad.id_number, "programme": "dibao", "variant": "",
                                                "note": "入户代为申请", "authorisation": authorisation()})
    app = Application.objects.get()
    assert r.status_code == 302 and r.url == detail(app)
    assert app.applicant == w.dad and app.household == w.household and app.channel == "staff"
    page = body(client.get(detail(app)))
    assert "已申请" in page and w.dad.masked_id in page and w.dad.id_number not in page
    assert action(app, "accept") not in page  # the village cannot accept

    # 李建华 accepts, starts 核对, records its result, visits with photos and sends it to the county
    as_(client, w.li)
    assert action(app, "accept") in body(client.get(detail(app)))
    assert client.post(action(app, "accept"), {"note": "材料齐全"}).status_code == 302
    assert client.post(action(app, "start_verification"), {}).status_code == 302
    r = client.post(action(app, "record_verification"), {
        "outcome": "pass", "summary": "人社、不动产、车辆均无记录", "per_capita_income": "200", "assets": "0",
        "report_ref": "HD-0001"})
    assert r.status_code == 302
    r = client.post(action(app, "investigate"), {
        "visit_date": TODAY.isoformat(), "visitors": "李建华、陈小玲",
        "findings": "住房为自建旧房，陈大明打零工收入不稳定",
        "conclusion": "eligible", "photos": [photo("客厅.jpg"), photo("厨房.jpg")]})
    assert r.status_code == 302
    inv = Investigation.objects.get()
    assert inv.photos.count() == 2
    assert client.post(action(app, "submit_review"), {"opinion": "情况属实，同意上报"}).status_code == 302
    app.refresh_from_db()
    assert app.status == "reviewing"
    page = body(client.get(detail(app)))
    assert "住房为自建旧房" in page and "客厅.jpg" in page and "人社、不动产、车辆均无记录" in page
    photo_url = reverse("assistance:attachment", args=[app.pk, inv.photos.first().pk])
    assert client.get(photo_url).status_code == 200

    # 黄志强 reviews: the notice goes up
    as_(client, w.huang)
    assert client.post(action(app, "review"), {"opinion": "材料齐全，予以公示"}).status_code == 302
    app.refresh_from_db()
    pub = app.publicities.get()
    assert app.status == "publicizing"
    # closing 公示 today is too early: the Chinese message, nothing changes
    before = state()
    r = client.post(action(app, "close_publicity"), {})
    assert r.status_code == 409 and "期满后方可提交审批" in body(r)
    assert state() == before
    # seven days later (the page acts on today's date, so the day after the notice is taken through the service)
    services.application_close_publicity(actor=w.huang, application=app, today=pub.end_date + dt.timedelta(days=1))

    # 审批: the figures are prefilled from 核对, 测算 reads out each amount, 批准 enrols the family
    url = reverse("assistance:approve", args=[app.pk])
    page = body(client.get(url))
    assert "测算" in page and w.mum.name in page
    form = {"urban_rural": "urban", "assets": "0", "rigid_expenses": "", "household_status": "", "opinion": "",
            f"income_{w.dad.pk}": "400", f"income_{w.mum.pk}": "200", f"income_{w.son.pk}": "0"}
    r = client.post(url, form | {"do": "preview"})
    assert r.status_code == 200
    page = body(r)
    assert "符合条件，月合计 2100.00 元" in page and "700.00" in page and "900" in page
    assert Case.objects.count() == 0  # 测算 writes nothing
    # 批准 first asks to confirm, with the amounts, and still writes nothing
    r = client.post(url, form | {"do": "approve", "opinion": "同意纳入低保"})
    assert r.status_code == 200 and "确认批准" in body(r) and "2100.00" in body(r)
    assert Case.objects.count() == 0
    r = client.post(url, form | {"do": "confirm", "opinion": "同意纳入低保"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == "approved" and app.decision_reason == "同意纳入低保"
    assert sorted(Entitlement.objects.values_list("monthly_amount", flat=True)) == [Decimal("700")] * 3
    page = body(client.get(detail(app)))
    assert "核定救助金额" in page and "700.00" in page and "规则版本" in page
    assert [s for s in ApplicationStep.objects.filter(application=app).values_list("to_status", flat=True)] == [
        "submitted", "accepted", "verifying", "investigating", "reviewing", "publicizing", "approving", "approved"]


def test_the_village_chooses_the_household_by_its_number_and_the_head_applies(client, world):
    w = world
    as_(client, w.chen)
    r = client.post(reverse("assistance:new"), {"household_number": w.household.number, "programme": "dibao"})
    assert r.status_code == 302
    assert Application.objects.get().applicant == w.dad


def test_intake_errors_are_shown_next_to_the_field_and_nothing_is_written(client, world):
    w = world
    other, (stranger, *_) = make_family(w, "冯国强", village=w.waihai_village)  # 外海街道: not 陈小玲's
    as_(client, w.chen)
    before = state()
    r = client.post(reverse("assistance:new"), {"id_number": stranger.id_number, "programme": "dibao"})
    assert r.status_code == 400 and "不在您的管辖范围内" in body(r)
    # the person search's choice: a forged id of someone outside 陈小玲's villages is refused like an unknown number
    r = client.post(reverse("assistance:new"), {"person": str(stranger.pk), "id_number": "冯", "programme": "dibao"})
    assert r.status_code == 400 and "不在您的管辖范围内" in body(r) and stranger.name not in body(r)
    r = client.post(reverse("assistance:new"), {"programme": "dibao"})
    assert r.status_code == 400 and "请选择申请人（输入姓名或身份证号查找），或填写家庭编号" in body(r)
    r = client.post(reverse("assistance:new"), {"id_number": w.dad.id_number, "programme": "temporary"})
    assert r.status_code == 400 and "临时救助须选择急难型或支出型" in body(r)
    bad = authorisation("授权书.pdf", b"not a pdf at all")
    r = client.post(reverse("assistance:new"), {"id_number": w.dad.id_number, "programme": "dibao",
                                                "authorisation": bad})
    assert r.status_code == 400 and "不是有效的PDF文件" in body(r)
    assert state() == before
    # a second open application for the same household is a conflict shown above the form
    submit_dibao(w)
    before = state()
    r = client.post(reverse("assistance:new"), {"id_number": w.mum.id_number, "programme": "dibao"})
    assert r.status_code == 409 and "已有未办结的最低生活保障申请" in body(r)
    assert state() == before


def test_the_old_resident_form_sends_residents_to_the_portal_and_takes_no_typed_id_number(client, world):
    """The retired form let a resident apply under any 身份证号 they typed; residents now apply in the portal,
    as the person their code login established."""
    w = world
    _household, (stranger, *_) = make_family(w, "王桂芳", village=w.xiangdong)
    as_(client, w.wang)
    before = state()
    for r in (client.get(reverse("assistance:apply")),
              client.post(reverse("assistance:apply"), {"id_number": stranger.id_number, "programme": "dibao",
                                                        "authorisation": authorisation()})):
        assert r.status_code == 302 and r.url == reverse("portal:apply")
    assert state() == before
    # a resident without a code login gets the portal's explanation, not a form
    r = client.get(reverse("portal:apply"))
    assert r.status_code == 403 and "手机号码和验证码登录" in body(r)
    # the resident never sees the staff pages
    assert client.get(reverse("assistance:list")).status_code == 403


# --- lists -----------------------------------------------------------------------------------------

def test_lists_filter_by_status_programme_and_overdue_within_the_users_area(client, world):
    w = world
    late = submit_dibao(w, today=TODAY - dt.timedelta(days=40))  # 受理 was due weeks ago
    household, (head, *_) = make_family(w, "郭志明", village=w.xiangdong)
    fresh = services.application_submit(actor=w.li, programme="temporary", variant="emergency", applicant=head,
                                        household=household)
    as_(client, w.li)
    page = body(client.get(reverse("assistance:list")))
    assert late.number in page and fresh.number in page
    page = body(client.get(reverse("assistance:list"), {"programme": "temporary"}))
    assert late.number not in page and fresh.number in page
    page = body(client.get(reverse("assistance:list"), {"overdue": "1"}))
    assert late.number in page and fresh.number not in page and "已超期" in page
    page = body(client.get(reverse("assistance:overdue")))
    assert late.number in page and fresh.number not in page
    page = body(client.get(reverse("assistance:list"), {"status": "accepted"}))
    assert late.number not in page
    # 外海街道 and 郁南县 see none of it
    for user in (w.zhao, w.liang):
        as_(client, user)
        for url in (reverse("assistance:list"), reverse("assistance:overdue"), reverse("assistance:paid_first")):
            r = client.get(url)
            assert r.status_code == 200 and late.number not in body(r) and fresh.number not in body(r)


def test_emergency_pay_first_is_flagged_until_the_file_is_completed(client, world):
    w = world
    household, (head, *_) = make_family(w, "郭志明", village=w.xiangdong)
    app = services.application_submit(actor=w.li, programme="temporary", variant="emergency", applicant=head,
                                      household=household)
    as_(client, w.li)
    before = state()
    r = client.post(action(app, "pay_first"), {"amount": "1200", "reason": "夜间住房失火"})
    assert r.status_code == 400 and "先行救助金额1200元超过上限1000元" in body(r)
    assert state() == before
    r = client.post(action(app, "pay_first"), {"amount": "800", "reason": "夜间住房失火，全家无处安身"})
    assert r.status_code == 302
    page = body(client.get(reverse("assistance:paid_first")))
    assert app.number in page and "800" in page
    r = client.post(action(app, "complete_file"), {"note": ""})
    assert r.status_code == 409 and "尚未上传申请家庭签字的授权书" in body(r)
    r = client.post(action(app, "attach"), {"kind": "authorisation", "upload": authorisation()})
    assert r.status_code == 302
    assert client.post(action(app, "complete_file"), {"note": "补齐授权书"}).status_code == 302
    assert app.number not in body(client.get(reverse("assistance:paid_first")))


# --- refusal ------------------------------------------------------------------------------------

def test_the_county_refuses_with_a_written_reason_and_the_letter_downloads(client, world):
    w = world
    app = walk_to(w, submit_dibao(w), "reviewing")
    as_(client, w.huang)
    before = state()
    r = client.post(action(app, "refuse"), {"reason": "高"})
    assert r.status_code == 400 and "不予批准理由至少需要5个字" in body(r)
    assert state() == before
    letter = reverse("assistance:letter", args=[app.pk])
    assert client.get(letter).status_code == 404  # no decision yet, no letter
    assert client.post(action(app, "refuse"), {"reason": "经核对家庭人均收入高于当地低保标准"}).status_code == 302
    page = body(client.get(detail(app)))
    assert "不予批准通知书" in page and letter in page and "经核对家庭人均收入高于当地低保标准" in page
    r = client.get(letter)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")


# --- wrong step ---------------------------------------------------------------------------------

def test_approving_before_the_approval_step_shows_the_conflict_and_changes_nothing(client, world):
    w = world
    app = walk_to(w, submit_dibao(w), "reviewing")
    as_(client, w.huang)
    url = reverse("assistance:approve", args=[app.pk])
    assert "尚未到审批环节" in body(client.get(url))
    before = state()
    r = client.post(url, {"do": "confirm", "urban_rural": "urban", f"income_{w.dad.pk}": "400"})
    assert r.status_code == 409 and "当前状态为“审核中”，不能审批" in body(r)
    r = client.post(action(app, "close_publicity"), {})
    assert r.status_code == 409 and "当前状态为“审核中”，不能结束公示" in body(r)
    as_(client, w.li)
    r = client.post(action(app, "accept"), {})
    assert r.status_code == 409 and "当前状态为“审核中”，不能受理" in body(r)
    assert state() == before
    app.refresh_from_db()
    assert app.status == "reviewing"


def test_a_bad_visit_record_names_the_field_and_writes_nothing(client, world):
    w = world
    app = walk_to(w, submit_dibao(w), "investigating")
    as_(client, w.li)
    before = state()
    r = client.post(action(app, "investigate"), {"visit_date": TODAY.isoformat(), "visitors": "李建华",
                                                 "findings": "家中仅有简单家具，收入不稳定", "conclusion": "eligible",
                                                 "photos": [photo()]})
    assert r.status_code == 400 and "入户调查应由至少两名工作人员进行" in body(r)
    r = client.post(action(app, "investigate"), {"visit_date": TODAY.isoformat(), "visitors": "李建华、陈小玲",
                                                 "findings": "家中仅有简单家具，收入不稳定", "conclusion": "eligible",
                                                 "photos": [photo("照片.jpg", b"GIF89a not a jpeg")]})
    assert r.status_code == 400 and "照片1“照片.jpg”的内容不是有效的JPG文件" in body(r)
    assert state() == before


# --- scope and permission on every page ---------------------------------------------------------

def _pages(app, att):
    """(method, url, data) for every page that touches one application."""
    return [
        ("get", detail(app), None),
        ("get", reverse("assistance:approve", args=[app.pk]), None),
        ("post", reverse("assistance:approve", args=[app.pk]), {"do": "confirm", "urban_rural": "urban"}),
        ("get", reverse("assistance:letter", args=[app.pk]), None),
        ("get", reverse("assistance:attachment", args=[app.pk, att.pk]), None),
        ("post", action(app, "accept"), {"note": ""}),
        ("post", action(app, "start_verification"), {}),
        ("post", action(app, "record_verification"), {"outcome": "pass", "summary": "无记录"}),
        ("post", action(app, "investigate"), {"visit_date": TODAY.isoformat(), "visitors": "甲、乙",
                                              "findings": "入户调查情况记录在此处", "conclusion": "eligible"}),
        ("post", action(app, "submit_review"), {"opinion": "同意"}),
        ("post", action(app, "review"), {"opinion": "同意"}),
        ("post", action(app, "close_publicity"), {}),
        ("post", action(app, "objection"), {"reason": "该户有小汽车一辆"}),
        ("post", action(app, "refuse"), {"reason": "收入高于低保标准"}),
        ("post", action(app, "pay_first"), {"amount": "100", "reason": "急难情形"}),
        ("post", action(app, "complete_file"), {}),
        ("post", action(app, "attach"), {"kind": "other", "upload": authorisation()}),
    ]


def test_staff_of_another_area_get_not_found_on_every_page_and_nothing_is_written(client, world):
    w = world
    app = walk_to(w, submit_dibao(w), "reviewing")
    att = app.attachments.first()
    for user in (w.zhao, w.liang):  # 外海街道, 郁南县
        as_(client, user)
        before = state()
        for method, url, data in _pages(app, att):
            if data and "upload" in data:
                data = data | {"upload": authorisation()}
            r = getattr(client, method)(url, data) if method == "post" else client.get(url)
            assert r.status_code == 404, (user.username, url, r.status_code)
            assert "陈大明" not in body(r) if r["Content-Type"].startswith("text/html") else True
        assert state() == before


@pytest.mark.parametrize("who", ["wu", "he", "wang"])
def test_roles_without_the_right_are_refused_on_every_write_and_nothing_is_written(client, world, who):
    """吴敏 (auditor) may read the file but change nothing; 何丽 (care provider) and 王阿姨 (resident) see nothing."""
    w = world
    app = walk_to(w, submit_dibao(w), "reviewing")
    att = app.attachments.first()
    as_(client, w[who])
    before = state()
    for method, url, data in _pages(app, att):
        if data and "upload" in data:
            data = data | {"upload": authorisation()}
        r = getattr(client, method)(url, data) if method == "post" else client.get(url)
        reads = method == "get" and "approve" not in url and "letter" not in url
        if who == "wu" and reads:
            assert r.status_code == 200, url
        elif who == "wu" and "letter" in url:
            assert r.status_code == 404  # no refusal yet: nothing to read
        else:
            assert r.status_code == 403, (who, url, r.status_code)
    for url in (reverse("assistance:list"), reverse("assistance:overdue"), reverse("assistance:paid_first"),
                reverse("assistance:new")):
        r = client.get(url)
        assert r.status_code == (200 if who == "wu" and "new" not in url else 403), (who, url)
    assert client.post(reverse("assistance:new"), {"id_number": w.mum.id_number, "programme": "tekun"}
                       ).status_code == 403
    assert state() == before


def test_the_village_worker_cannot_take_the_town_or_county_steps(client, world):
    w = world
    app = submit_dibao(w)
    as_(client, w.chen)
    before = state()
    assert client.post(action(app, "accept"), {}).status_code == 403
    assert client.get(reverse("assistance:approve", args=[app.pk])).status_code == 403
    assert state() == before


def test_pages_need_a_login(client, world):
    app = submit_dibao(world)
    for url in (reverse("assistance:list"), detail(app), reverse("assistance:new")):
        r = client.get(url)
        assert r.status_code == 302 and "/login/" in r.url


# --- the public 公示 page ---------------------------------------------------------------------------

def test_the_public_notice_shows_masked_data_only_and_takes_an_objection_without_login(client, world):
    w = world
    app = walk_to(w, submit_dibao(w), "publicizing")
    pub = app.publicities.get()
    listing = client.get(reverse("gongshi:list"))
    notice = client.get(reverse("gongshi:notice", args=[pub.pk]))
    for r in (listing, notice):
        html = body(r)
        assert r.status_code == 200 and "陈*明" in html and pub.masked_id in html and "英南村" in html
        for secret in ("陈大明", w.mum.name, w.son.name, w.dad.id_number, w.dad.id_number[6:14], app.number,
                       w.household.number):
            assert secret not in html, secret
    assert "陈*明" not in body(client.get(reverse("gongshi:list"), {"area": w.waihai.code}))

    def answered(page, data):
        challenge = page.context["challenge"]
        return data | {"challenge_id": challenge["challenge_id"],
                       "challenge_answer": solve_challenge(challenge["question"])}

    before = state()
    r = client.post(reverse("gongshi:notice", args=[pub.pk]), answered(notice, {"reason": "有车"}))
    assert r.status_code == 400 and "异议内容至少需要5个字" in body(r)
    assert state() == before
    r = client.post(reverse("gongshi:notice", args=[pub.pk]), answered(
        r, {"reason": "陈家新买了一辆小汽车，收入不像公示的那么低", "objector_name": "", "contact": ""}))
    assert r.status_code == 200 and "异议已受理" in body(r)
    app.refresh_from_db()
    pub.refresh_from_db()
    obj = Objection.objects.get()
    assert obj.recorded_by is None and obj.objector_name == "" and obj.status == "pending"
    assert app.status == "publicizing" and pub.status == Publicity.Status.OPEN
    # 李建华 of 礼乐街道 checks it and upholds it from the file
    as_(client, w.li)
    assert "待核实" in body(client.get(detail(app)))
    r = client.post(reverse("assistance:objection_decide", args=[app.pk, obj.pk]),
                    {"decision": "uphold", "note": "经核实确有新购车辆"})
    assert r.status_code == 302
    app.refresh_from_db()
    pub.refresh_from_db()
    assert app.status == "investigating" and pub.status == Publicity.Status.INTERRUPTED
    client.logout()
    # the notice is down now
    assert client.get(reverse("gongshi:notice", args=[pub.pk])).status_code == 404
    assert "陈*明" not in body(client.get(reverse("gongshi:list")))
    # and the staff see the objection on the file
    as_(client, w.li)
    assert "陈家新买了一辆小汽车" in body(client.get(detail(app)))


def test_staff_record_an_objection_from_the_file(client, world):
    w = world
    app = walk_to(w, submit_dibao(w), "publicizing")
    as_(client, w.chen)
    r = client.post(action(app, "objection"), {"reason": "村民反映其家中新购小汽车", "objector_name": "村民甲"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == "investigating" and Objection.objects.get().recorded_by == w.chen


def test_the_nav_shows_the_assistance_link_to_roles_that_use_it(client, world):
    w = world
    # a resident reaches it through the portal's code login (portal/tests); a password account has no entry
    for user, shown in ((w.chen, True), (w.wu, True), (w.wang, False), (w.he, False)):
        as_(client, user)
        assert ("社会救助" in body(client.get(reverse("web:home")))) is shown, user.username
