"""The 陈 family of 英南村 (礼乐街道, 江海区) applies for 低保 and walks every step to enrolment — and the ways
the workflow refuses to be hurried, skipped, repeated or done by the wrong person."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.utils import timezone

from minzheng.assistance import selectors, services
from minzheng.assistance.letters import refusal_letter_pdf
from minzheng.assistance.models import (
    Application,
    ApplicationStep,
    Attachment,
    Case,
    Entitlement,
    Investigation,
    VerificationRecord,
)
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.pdf import pdf_text

from .stories import authorisation, dibao_facts, make_family, photo, submit_dibao, walk_to, world_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_the_chen_family_walks_from_application_to_enrolment(world):
    w = world
    app = submit_dibao(w, note="陈小玲入户代为申请")
    assert app.number.startswith("SQ") and app.channel == Application.Channel.STAFF
    assert app.status == "submitted" and app.step_due is not None
    assert app.attachments.get().kind == Attachment.Kind.AUTHORISATION

    app = services.application_accept(actor=w.li, application=app)
    record = services.application_start_verification(actor=w.li, application=app)
    assert record.outcome == VerificationRecord.Outcome.PENDING
    services.application_record_verification(actor=w.li, application=app, outcome="pass",
                                             summary="人社、不动产、车辆、银行存款均无记录；人均月收入200元",
                                             per_capita_income="200", assets="0", report_ref="HD-2026-0001")
    app.refresh_from_db()
    assert app.status == "investigating"
    inv = services.investigation_record(actor=w.li, application=app, visit_date=timezone.localdate(),
                                        visitors="李建华、陈小玲", findings="住房为自建旧房，陈大明打零工，李秀英务农",
                                        conclusion="eligible",
                                        photos=[photo("客厅.jpg"), photo("厨房.png", b"\x89PNG\r\n\x1a\n123")])
    assert inv.kind == Investigation.Kind.INITIAL and inv.photos.count() == 2
    review = services.application_submit_review(actor=w.li, application=app, opinion="家庭人均收入低于标准，同意上报")
    assert not review.full_review_required
    assert review.sampled is False  # the first review in 江海区: 30 % sampling draws the 4th, 7th, 10th …
    publicity = services.application_review(actor=w.huang, application=app, opinion="材料齐全，予以公示")
    assert (publicity.end_date - publicity.start_date).days == 6  # 7 days inclusive
    with pytest.raises(Conflict, match="期满后方可提交审批"):
        services.application_close_publicity(actor=w.huang, application=app, today=publicity.end_date)
    services.application_close_publicity(actor=w.huang, application=app,
                                         today=publicity.end_date + dt.timedelta(days=1))

    case = services.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app))
    app.refresh_from_db()
    assert app.status == "approved" and app.step_due is None
    today = timezone.localdate()
    first_of_next = dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    assert case.start_month == first_of_next and case.head == w.dad and case.urban_rural == "urban"
    assert case.next_recheck is not None
    rows = {e.person_id: e for e in Entitlement.objects.filter(case=case)}
    # (900 − 600 ÷ 3) × 3 = 2100 元, 700 each — 江海区 2020 低保 900 元/人·月
    assert {pid: e.monthly_amount for pid, e in rows.items()} == {w.dad.pk: Decimal("700"), w.mum.pk: Decimal("700"),
                                                                   w.son.pk: Decimal("700")}
    assert all(e.rule_version.startswith("dibao:") and "900" in e.explanation for e in rows.values())

    steps = list(ApplicationStep.objects.filter(application=app).values_list("from_status", "to_status"))
    assert steps == [("", "submitted"), ("submitted", "accepted"), ("accepted", "verifying"),
                     ("verifying", "investigating"), ("investigating", "reviewing"), ("reviewing", "publicizing"),
                     ("publicizing", "approving"), ("approving", "approved")]
    approve = AuditEntry.objects.filter(action="application.approve", object_id=str(app.pk)).get()
    assert approve.before["status"] == "approving" and approve.after["status"] == "approved"
    assert approve.after["monthly_total"] == "2100.00"


def test_a_household_cannot_have_two_open_applications_for_the_same_programme(world):
    w = world
    first = submit_dibao(w)
    with pytest.raises(Conflict, match=f"已有未办结的最低生活保障申请（编号{first.number}"):
        submit_dibao(w, actor=w.li, applicant=w.mum)
    assert Application.objects.count() == 1
    # once refused, the family may apply again
    walk_to(w, first, "reviewing")
    services.application_refuse(actor=w.huang, application=first, reason="家庭人均收入高于当地低保标准")
    assert submit_dibao(w).status == "submitted"


def test_approving_an_application_not_at_the_approval_step_is_refused_and_writes_nothing(world):
    w = world
    app = walk_to(w, submit_dibao(w), "reviewing")
    audit_before, steps_before = AuditEntry.objects.count(), ApplicationStep.objects.count()
    with pytest.raises(Conflict) as e:
        services.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app))
    assert "当前状态为“审核中”，不能审批" in e.value.message
    assert Case.objects.count() == 0 and Entitlement.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before and ApplicationStep.objects.count() == steps_before
    app.refresh_from_db()
    assert app.status == "reviewing"


def test_each_step_checks_the_current_status(world):
    w = world
    app = submit_dibao(w)
    with pytest.raises(Conflict, match="当前状态为“已申请”，不能发起经济状况核对"):
        services.application_start_verification(actor=w.li, application=app)
    with pytest.raises(Conflict, match="当前状态为“已申请”，不能审核"):
        services.application_review(actor=w.huang, application=app, opinion="同意")
    with pytest.raises(Conflict, match="当前状态为“已申请”，不能作出不予批准决定"):
        services.application_refuse(actor=w.huang, application=app, reason="收入超过标准很多")
    services.application_accept(actor=w.li, application=app)
    with pytest.raises(Conflict, match="当前状态为“已受理”，不能受理"):
        services.application_accept(actor=w.li, application=app)


def test_an_ineligible_household_cannot_be_approved_but_can_be_refused_with_a_letter(world):
    w = world
    app = walk_to(w, submit_dibao(w), "approving")
    rich = dibao_facts(w, app, incomes={w.dad: "3000", w.mum: "1500"})
    with pytest.raises(Conflict, match="不低于低保标准"):
        services.application_approve(actor=w.huang, application=app, facts=rich)
    assert Case.objects.count() == 0
    with pytest.raises(DomainError, match="不予批准理由至少需要5个字"):
        services.application_refuse(actor=w.huang, application=app, reason="不符合")
    reason = "经核对，家庭月人均收入1500元，高于江海区低保标准900元"
    services.application_refuse(actor=w.huang, application=app, reason=reason)
    app.refresh_from_db()
    assert app.status == "refused" and app.decision_reason == reason

    pdf = refusal_letter_pdf(app)
    assert pdf.startswith(b"%PDF")

    text = pdf_text(pdf)
    assert "最低生活保障不予批准通知书" in text
    assert reason in text
    assert "陈大明" in text and "江海区民政局" in text and "行政复议" in text
    assert b"/FontFile" in pdf  # the CJK font is embedded, not left to the viewer


def test_no_letter_for_an_application_that_was_not_refused(world):
    app = submit_dibao(world)
    with pytest.raises(DomainError, match="未作出不予批准决定"):
        refusal_letter_pdf(app)


def test_related_to_staff_requires_a_county_revisit_and_a_confirmed_full_review(world):
    """李秀英 is the sister of 礼乐街道 civil-affairs officer 李建华; that is on file, so the 陈 family's
    application must be fully reviewed — the county may not skip it."""
    w = world
    services.relative_filing_create(actor=w.li, person=w.mum, staff_name="李建华", staff_position="礼乐街道民政办主任",
                                    relation="姐妹", area=w.lile)
    app = submit_dibao(w)
    assert app.related_to_staff
    app = walk_to(w, app, "reviewing")
    review = app.reviews.get()
    assert review.full_review_required and not review.sampled
    with pytest.raises(Conflict, match="须全面审核，不能跳过"):
        services.application_review(actor=w.huang, application=app, opinion="同意公示")
    with pytest.raises(Conflict, match="须由县级民政部门入户复查"):
        services.application_review(actor=w.huang, application=app, opinion="同意公示", full_review=True)
    assert app.publicities.count() == 0
    # the town cannot do the county's re-visit
    with pytest.raises(Forbidden):
        services.investigation_record(actor=w.li, application=app, visit_date=timezone.localdate(),
                                      visitors="李建华、陈小玲", findings="镇街自行复查，情况属实无变化",
                                      conclusion="eligible")
    inv = services.investigation_record(actor=w.huang, application=app, visit_date=timezone.localdate(),
                                        visitors="黄志强、县局干部周某",
                                        findings="县级复查：收入与核对结果一致，无隐瞒",
                                        conclusion="eligible")
    assert inv.kind == Investigation.Kind.REVISIT
    services.application_review(actor=w.huang, application=app, opinion="全面审核无误，予以公示", full_review=True)
    app.refresh_from_db()
    assert app.status == "publicizing"


def test_a_filing_made_after_submission_still_forces_the_full_review(world):
    w = world
    app = walk_to(w, submit_dibao(w), "investigating")
    assert not app.related_to_staff
    services.relative_filing_create(actor=w.huang, person=w.son, staff_name="陈志远", staff_position="英南村村委会委员",
                                    relation="侄子", area=w.yingnan)
    app.refresh_from_db()
    assert app.related_to_staff
    app = walk_to(w, app, "reviewing")
    assert app.reviews.get().full_review_required


def test_thirty_percent_of_reviews_in_a_county_are_drawn_for_a_county_revisit(world):
    w = world
    drawn = []
    for i in range(10):
        household, (head, *_) = make_family(w, f"测试户{i}", village=w.xiangdong if i % 2 else w.yingnan)
        app = services.application_submit(actor=w.li, programme="dibao", applicant=head, household=household,
                                          authorisation=authorisation())
        app = walk_to(w, app, "reviewing")
        drawn.append(app.reviews.get().sampled)
    assert drawn == [False, False, False, True, False, False, True, False, False, True]
    sampled = Application.objects.get(reviews__sampled=True, reviews__id=min(
        a.reviews.get().pk for a in Application.objects.filter(reviews__sampled=True)))
    with pytest.raises(Conflict, match="抽中县级入户抽查（抽查比例30%）"):
        services.application_review(actor=w.huang, application=sampled, opinion="同意")


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_exactly_one_succeeds(world):
    w = world
    app = walk_to(w, submit_dibao(w), "approving")
    facts = dibao_facts(w, app)
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create

    deputy = user_create(actor=None, username="zhoujm", password="Minzheng#2026", display_name="周建明",
                         role=Role.COUNTY, areas=[w.jianghai])
    barrier = threading.Barrier(2)
    results = []

    def approve(user):
        try:
            barrier.wait()
            results.append(services.application_approve(actor=user, application=Application.objects.get(pk=app.pk),
                                                         facts=facts))
        except Exception as e:  # noqa: BLE001 - the loser's error is the point of the test
            results.append(e)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (w.huang, deputy)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cases = [r for r in results if isinstance(r, Case)]
    errors = [r for r in results if not isinstance(r, Case)]
    assert len(cases) == 1 and len(errors) == 1, results
    assert isinstance(errors[0], Conflict) and "当前状态为“已批准”" in errors[0].message
    assert Case.objects.count() == 1 and Entitlement.objects.count() == 3
    assert AuditEntry.objects.filter(action="application.approve").count() == 1


def test_a_resident_applies_online_as_the_person_the_portal_logged_in_with_a_signed_authorisation(world):
    w = world
    # A typed 身份证号 proves nothing: online, the applicant is the person the portal's code login established.
    with pytest.raises(Forbidden, match="只能以本人身份提交"):
        services.application_submit(actor=w.wang, programme="dibao", authorisation=authorisation())
    with pytest.raises(DomainError, match="须上传申请人签字的家庭经济状况核对授权书"):
        services.application_submit(actor=w.wang, programme="dibao", applicant=w.dad)
    with pytest.raises(DomainError, match="内容不是有效的PDF文件"):
        services.application_submit(actor=w.wang, programme="dibao", applicant=w.dad,
                                    authorisation=authorisation("授权书.pdf", b"this is not a pdf"))
    with pytest.raises(DomainError, match="应为JPG、PDF、PNG文件"):
        services.application_submit(actor=w.wang, programme="dibao", applicant=w.dad,
                                    authorisation=authorisation("授权书.docx", b"PK\x03\x04"))
    with pytest.raises(DomainError, match="是空文件"):
        services.application_submit(actor=w.wang, programme="dibao", applicant=w.dad,
                                    authorisation=authorisation("授权书.pdf", b""))
    assert Application.objects.count() == 0 and Attachment.objects.count() == 0
    app = services.application_submit(actor=w.wang, programme="dibao", applicant=w.dad,
                                      authorisation=authorisation())
    assert app.channel == Application.Channel.ONLINE and app.household == w.household and app.area == w.yingnan
    assert list(selectors.my_applications(w.wang)) == [app]
    assert list(selectors.my_applications(w.chen)) == []
    # the resident sees status only through my_applications, never the staff lists
    with pytest.raises(NotFound):
        selectors.application_get(w.wang, app.pk)


def test_staff_of_another_area_get_not_found_and_roles_without_the_capability_are_forbidden(world):
    w = world
    app = submit_dibao(w)
    # 赵玉兰 (外海街道) and 梁文杰 (郁南县): the 陈 family is not theirs to see or touch
    for outsider in (w.zhao, w.liang):
        with pytest.raises(NotFound):
            selectors.application_get(outsider, app.pk)
        assert not selectors.applications_for(outsider).exists()
    with pytest.raises(NotFound):
        services.application_accept(actor=w.zhao, application=app)
    with pytest.raises(NotFound):
        services.application_refuse(actor=w.liang, application=app, reason="外县审批人员越权操作")
    household, (head, *_) = make_family(w, "邓伯", village=w.ducheng_village)
    with pytest.raises(NotFound):
        services.application_submit(actor=w.chen, programme="dibao", applicant=head, household=household,
                                    authorisation=authorisation())
    # in the area, but the role may not do it
    with pytest.raises(Forbidden, match="无权办理受理"):
        services.application_accept(actor=w.chen, application=app)
    with pytest.raises(Forbidden):
        services.application_accept(actor=w.wu, application=app)
    with pytest.raises(Forbidden):
        services.application_submit(actor=w.he, programme="dibao", applicant=w.dad, household=w.household)
    app = walk_to(w, app, "approving")
    with pytest.raises(Forbidden, match="无权审批救助申请"):
        services.application_approve(actor=w.li, application=app, facts=dibao_facts(w, app))
    with pytest.raises(Forbidden):
        services.application_refuse(actor=w.li, application=app, reason="镇街无权作出不予批准决定")
    # the auditor reads, within 江海区
    assert selectors.application_get(w.wu, app.pk) == app
    app.refresh_from_db()
    assert app.status == "approving"


def test_bad_input_names_the_field_and_writes_nothing(world):
    w = world
    app = walk_to(w, submit_dibao(w), "verifying")
    count = AuditEntry.objects.count()
    with pytest.raises(DomainError, match="家庭月人均收入不能为负数"):
        services.application_record_verification(actor=w.li, application=app, outcome="pass", summary="核对完成",
                                                 per_capita_income="-5")
    with pytest.raises(DomainError, match="家庭月人均收入“abc”不是有效的金额"):
        services.application_record_verification(actor=w.li, application=app, outcome="pass", summary="核对完成",
                                                 per_capita_income="abc")
    with pytest.raises(DomainError, match="核对结果摘要不能为空"):
        services.application_record_verification(actor=w.li, application=app, outcome="pass", summary=" ")
    services.application_record_verification(actor=w.li, application=app, outcome="review",
                                             summary="有一辆登记车辆待核实")
    with pytest.raises(DomainError, match="至少两名工作人员"):
        services.investigation_record(actor=w.li, application=app, visit_date=timezone.localdate(), visitors="李建华",
                                      findings="一人前往调查，情况属实", conclusion="eligible")
    with pytest.raises(DomainError, match="晚于今天"):
        services.investigation_record(actor=w.li, application=app, visit_date=timezone.localdate() + dt.timedelta(1),
                                      visitors="李建华、陈小玲", findings="日期填错的调查记录内容",
                                      conclusion="eligible")
    with pytest.raises(DomainError, match="照片1“客厅.pdf”应为JPG、PNG文件"):
        services.investigation_record(actor=w.li, application=app, visit_date=timezone.localdate(),
                                      visitors="李建华、陈小玲", findings="照片格式不对的调查记录",
                                      conclusion="eligible", photos=[authorisation("客厅.pdf")])
    with pytest.raises(Conflict, match="本轮尚未录入入户调查记录"):
        services.application_submit_review(actor=w.li, application=app, opinion="同意上报")
    assert Investigation.objects.count() == 0 and Attachment.objects.filter(kind="photo").count() == 0
    assert AuditEntry.objects.count() == count + 1  # only the verification result
