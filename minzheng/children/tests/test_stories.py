"""The three paths of 未成年人保护 (发现报告 → 应急处置 → 评估帮扶 → 监护干预), through the services, with the case's
stage read from its records at every step."""

import datetime as dt

import pytest

from minzheng.children import letters, selectors, services
from minzheng.children.models import CaseEvent, EventKind, GuardianKind, Placement, Referral
from minzheng.core.errors import Conflict
from minzheng.core.idcard import make_id_number
from minzheng.core.pdf import pdf_text
from minzheng.registry.services import person_create

from .stories import today

pytestmark = pytest.mark.django_db


def stage(case):
    return selectors.case_state(case, on=today()).stage


def test_a_schools_report_is_handled_in_time_assessed_planned_referred_followed_up_and_closed(kids):
    w, t = kids, today()
    # 英南村小学's teacher reports bruises on 陈小宝: urgent, so 核查 and 应急处置 are due the same working day.
    report = services.report_file(actor=w.zhouhui, child=w.son, source="school", priority="urgent",
                                  what="学生身上多处淤青，自述被父亲殴打", location="英南村小学",
                                  reporter_name="王老师", reporter_org="英南村小学", reporter_phone="13800001111")
    case = report.case
    assert stage(case) == "reported"
    assert report.emergency_due is not None and report.verify_due >= report.received_on
    # the centre (intake), the child's 儿童主任 work the case; the town's 督导员 supervises it
    assert {cw.user for cw in case.workers.all()} == {w.zhouhui, w.chen}

    # the same situation reported again by the village: linked to the first, not a second case
    again = services.report_file(actor=w.chen, child=w.son, source="village", priority="high",
                                 what="村民反映孩子晚上哭喊", location="英南村", reporter_name="陈小玲")
    assert again.case == case and again.duplicate_of == report

    services.case_verify(actor=w.chen, case=case, happened_on=t, finding="入户核实，儿童身上确有伤痕",
                         substantiated=True)
    assert stage(case) == "verified"
    state = selectors.case_state(case, on=t)
    assert (state.next_step, state.due_on) == ("应急处置", report.emergency_due)
    emergency = services.case_emergency(actor=w.zhouhui, case=case, happened_on=t, actions="带离至外婆家暂住",
                                        safety_plan="外婆照看，儿童主任每日电话联系，父亲不得接近")
    assert emergency.happened_on <= report.emergency_due          # within the deadline
    assert stage(case) == "emergency" and not selectors.case_state(case, on=t).overdue

    a = services.case_assess(actor=w.chen, case=case, assessed_on=t, answers={
        "safety": 4, "guardian": 3, "health": 1, "living": 0, "education": 0})
    assert (a.form_key, a.score, a.risk_level) == ("risk_v1", 8, "high")
    assert stage(case) == "assessed"
    services.case_plan(actor=w.chen, case=case, happened_on=t, goals=["确保人身安全", "恢复正常上学"],
                       services=["心理辅导", "学校关注"])
    assert stage(case) == "planned"
    ref = services.referral_create(actor=w.chen, case=case, org_id=w.school_dept.pk, service="在校心理辅导",
                                   consent="监护人外婆书面同意", requested_on=t)
    assert stage(case) == "referred"
    services.referral_respond(actor=w.chen, referral=ref, accepted=True, feedback="已安排心理老师")
    services.case_follow_up(actor=w.chen, case=case, happened_on=t, note="回访：情绪稳定，已正常上学")
    assert stage(case) == "following"
    services.referral_done(actor=w.chen, referral=ref, feedback="完成8次心理辅导")
    services.case_close(actor=w.li, case=case, happened_on=t, reason="goals_met")
    case.refresh_from_db()
    assert stage(case) == "closed" and not selectors.case_state(case, on=t).open
    assert Referral.objects.get(pk=ref.pk).status == "done"

    # a new report about 陈小宝 after closure opens a new case; the closed one can also be reopened
    services.case_reopen(actor=w.li, case=case, happened_on=t, reason="外婆反映父亲又来纠缠")
    assert stage(case) == "reopened"


def test_a_guardianship_intervention_ends_in_a_revocation_application_with_its_pdf(kids):
    w, t = kids, today()
    father = w.dad
    guardian = services.guardian_add(actor=w.chen, child=w.son, kind=GuardianKind.FATHER, person=father,
                                     relation="父子", valid_from=w.son.birth_date)
    report = services.report_file(actor=w.chen, child=w.son, source="village", priority="high",
                                  what="父亲长期酗酒，多次殴打并将儿童赶出家门", location="英南村",
                                  reporter_name="陈小玲")
    case = report.case
    services.case_assign(actor=w.li, case=case, user=w.zhouhui, role="lead")   # the 督导员 brings in the centre
    services.case_verify(actor=w.chen, case=case, happened_on=t, finding="核实属实，邻居可作证", substantiated=True)
    services.case_emergency(actor=w.zhouhui, case=case, happened_on=t, actions="临时安置于救助保护中心",
                            safety_plan="中心24小时照护")
    with pytest.raises(Conflict, match="尚无认定陈大明严重不履行监护职责"):
        services.revocation_apply(actor=w.zhouhui, case=case, guardian=guardian,
                                  grounds="多次殴打、遗弃儿童，经劝诫无效", court="江门市江海区人民法院", happened_on=t)
    services.intervention_record(actor=w.zhouhui, case=case, kind="admonition", happened_on=t, guardian=guardian,
                                 note="约谈陈大明，其拒不改正")
    services.intervention_record(actor=w.zhouhui, case=case, kind="assessment", happened_on=t, guardian=guardian,
                                 outcome="unfit", note="家庭监护能力评估：严重不履行监护职责")
    assert stage(case) == "intervention"
    # only the centre applies
    with pytest.raises(Exception, match="由未成年人救助保护中心提出"):
        services.revocation_apply(actor=w.chen, case=case, guardian=guardian, grounds="多次殴打、遗弃儿童，经劝诫无效",
                                  court="江门市江海区人民法院", happened_on=t)
    event = services.revocation_apply(actor=w.zhouhui, case=case, guardian=guardian,
                                      grounds="陈大明长期酗酒，多次殴打陈小宝并将其赶出家门，经约谈劝诫拒不改正",
                                      court="江门市江海区人民法院", happened_on=t)
    assert event.kind == EventKind.REVOCATION
    text = pdf_text(letters.revocation_pdf(CaseEvent.objects.get(pk=event.pk)))
    for expected in ("撤销监护人资格申请书", "江海区未成年人救助保护中心", "陈大明", "陈小宝", "江门市江海区人民法院",
                     "证据材料清单", "强制报告登记", "家庭监护能力评估", "民法典》第三十六条"):
        assert expected in text, expected
    assert father.id_number not in text and w.son.id_number not in text   # numbers masked


def test_a_temporary_guardianship_intake_places_the_child_and_the_exit_returns_them(kids):
    w, t = kids, today()
    girl = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(2016, 3, 5), 124), name="林小花",
                         hukou_area=w.yingnan, residence_area=w.yingnan)
    assert "difficulty_guardianship" not in {c.code for c in selectors.current_categories(girl, t)}
    with pytest.raises(Exception, match="由救助保护中心或儿童福利机构接收"):
        services.state_care_intake(actor=w.chen, child=girl, org=w.centre, kind=GuardianKind.TEMPORARY,
                                   intake_on=t, reason="父母均被羁押，暂时无人监护")
    care = services.state_care_intake(actor=w.zhouhui, child=girl, org=w.centre, kind=GuardianKind.TEMPORARY,
                                      intake_on=t, reason="父母均被羁押，暂时无人监护",
                                      placement=Placement.Kind.FOSTER, carer="英南村黄某某家庭")
    assert care.guardian.kind == GuardianKind.TEMPORARY and care.guardian.org == w.centre
    assert care.placements.get().kind == "foster"
    cats = {c.code for c in selectors.current_categories(girl, t)}
    assert {"difficulty_guardianship", "minor_in_difficulty"} <= cats
    # a second temporary guardian over the same period is refused
    with pytest.raises(Exception, match="同一类型的监护人期间不能重叠"):
        services.guardian_add(actor=w.zhouhui, child=girl, kind=GuardianKind.TEMPORARY, org=w.centre,
                              relation="中心", valid_from=t)
    services.placement_change(actor=w.zhouhui, care=care, kind=Placement.Kind.INSTITUTION, start_date=t)
    care = services.state_care_exit(actor=w.zhouhui, care=care, exit_on=t, destination="family")
    care.guardian.refresh_from_db()
    assert care.exit_reason == "回归家庭" and care.guardian.valid_to == t
    assert not care.placements.filter(end_date__isnull=True).exists()
    tomorrow = t + dt.timedelta(days=1)
    assert "difficulty_guardianship" not in {c.code for c in selectors.current_categories(girl, tomorrow)}
    with pytest.raises(Conflict):
        services.state_care_exit(actor=w.zhouhui, care=care, exit_on=t, destination="family")
