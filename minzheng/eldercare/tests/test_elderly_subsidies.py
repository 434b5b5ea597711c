"""养老服务补贴 and 老年人护理补贴 as two more assistance programmes. 张桂英 (born 1940) of 英南村 lives with 陈叔
(59). Whether she is 经济困难 comes from the registry and 大救助 enrolments; what she gets comes from her latest
valid 老年人能力评估 (礼乐街道's 李建华 and 苏慧敏 assess her); the amounts come from the policy data; the money goes
out through the shared roster, and supervision stops a second care subsidy."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from minzheng.assistance import services as assistance
from minzheng.assistance.facts import build_facts
from minzheng.assistance.models import Case, Entitlement
from minzheng.assistance.programmes.base import get_programme
from minzheng.assistance.tests.stories import _person, authorisation, walk_to
from minzheng.core.errors import Conflict, DomainError
from minzheng.eldercare import services as eldercare
from minzheng.payroll import services as payroll
from minzheng.payroll.models import Anomaly, RosterLine
from minzheng.policy.rules import resolve
from minzheng.registry.services import category_add, household_add_member, household_create

from .conftest import TODAY, answers_for_total

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)

SERVICE, CARE = "elderly_service_subsidy", "elderly_care_subsidy"


@pytest.fixture
def zhang_home(elder):
    w = elder
    home = household_create(actor=w.huang, area=w.yingnan, head=w.zhang, address="英南村3号",
                            start_date=dt.date(2020, 1, 1))
    household_add_member(actor=w.huang, household=home, person=w.chenshu, relation="child",
                         start_date=dt.date(2020, 1, 1))
    return home


def assess(w, person, total, *, on=TODAY - dt.timedelta(days=1), reason="initial", today=TODAY):
    return eldercare.assessment_record(actor=w.li, person=person, reason=reason, assessed_on=on, assessor_1=w.li,
                                       assessor_2=w.su, answers=answers_for_total(total), today=today)


def enrol(w, home, person, programme, component, amount="100.00", since=dt.date(2024, 1, 1)):
    """A 大救助 entitlement in force (the way the cases of other programmes leave them)."""
    case = Case.objects.create(programme=programme, household=home, head=person, area=w.yingnan, start_month=since,
                               urban_rural="rural")
    Entitlement.objects.create(case=case, person=person, component=component, monthly_amount=Decimal(amount),
                               from_month=since, rule_version="test", explanation="测试")
    return case


def facts(w, home, on=TODAY, **kw):
    return build_facts(user=w.huang, household=home, on=on, urban_rural="rural", **kw)


def amount_of(code, n, on=TODAY, area=None):
    return resolve(area, code, variant=f"level_{n}", on=on, unit="元/人·月").value


def test_only_poor_elders_count_and_the_household_status_is_shared_but_tekun_is_personal(elder, zhang_home):
    w = elder
    assess(w, w.zhang, 50)  # 中度失能
    service = get_programme(SERVICE)
    # not poor: assessed, 80+, but neither she nor her household is 特困/低保/低收入
    d = service.assess(facts(w, zhang_home))
    assert not d.eligible and "本人或家庭不属于" in d.reasons[0]
    assert all(group in d.reasons[0] for group in ("特困人员", "低保对象", "低收入人口"))
    # 陈叔 is 特困 — personal: it does not make his mother poor
    enrol(w, zhang_home, w.chenshu, "tekun", "basic")
    assert not service.assess(facts(w, zhang_home)).eligible
    # 陈叔 holds the household's 低收入 row — a household status: it does
    category_add(actor=w.huang, person=w.chenshu, category="low_income", valid_from=dt.date(2025, 1, 1))
    d = service.assess(facts(w, zhang_home))
    assert [(a.person_id, a.component) for a in d.amounts] == [(w.zhang.pk, "service")]  # 陈叔 is 59: nothing
    assert "低收入人口" in d.amounts[0].explanation
    # before the 低收入 row began she was not poor
    assert not service.assess(facts(w, zhang_home, on=dt.date(2024, 12, 31))).eligible


def test_sixty_is_the_edge_and_an_assessment_is_needed(elder):
    """罗姨 of 英南村, a 低保 widow, turns 60 on 17 June 2025."""
    w = elder
    luo = _person(w.huang, "罗姨", dt.date(1965, 6, 17), "F", w.yingnan)
    home = household_create(actor=w.huang, area=w.yingnan, head=luo, address="英南村9号",
                            start_date=dt.date(2020, 1, 1))
    enrol(w, home, luo, "dibao", "basic")
    service = get_programme(SERVICE)
    d = service.assess(facts(w, home, on=dt.date(2025, 6, 16)))
    assert not d.eligible and d.reasons == ("家庭成员均未满60周岁，不属于养老服务补贴发放范围",)
    birthday = dt.date(2025, 6, 17)
    d = service.assess(facts(w, home, on=birthday))
    assert not d.eligible and "罗姨尚无有效的老年人能力评估" in d.reasons[0]
    a = assess(w, luo, 90, on=birthday, today=birthday)  # 能力完好
    d = service.assess(facts(w, home, on=birthday))
    assert [a_.monthly_amount for a_ in d.amounts] == [amount_of(SERVICE, 0, birthday, w.yingnan)]
    assert a.number in d.amounts[0].explanation and "能力完好" in d.amounts[0].explanation
    # 护理补贴 is for 失能/半失能 only: 能力完好 is refused, naming the assessment
    d = get_programme(CARE).assess(facts(w, home, on=birthday))
    assert not d.eligible and "评估为能力完好" in d.reasons[0] and a.number in d.reasons[0]


@pytest.mark.parametrize("total, level", [(90, 0), (89, 1), (66, 1), (65, 2), (45, 3), (29, 4)])
def test_amounts_per_level_come_from_the_policy_data(elder, zhang_home, total, level):
    w = elder
    category_add(actor=w.huang, person=w.zhang, category="dibao", valid_from=dt.date(2024, 1, 1))
    assess(w, w.zhang, total)
    f = facts(w, zhang_home)
    assert f.members[0].care_level == level
    service = get_programme(SERVICE).assess(f)
    assert [a.monthly_amount for a in service.amounts] == [amount_of(SERVICE, level, area=w.yingnan)]
    assert "演示假设值" in service.reasons[0] and "演示假设值" in service.amounts[0].explanation
    care = get_programme(CARE).assess(f)
    if level == 0:
        assert not care.eligible
    else:
        assert [(a.component, a.monthly_amount) for a in care.amounts] == [
            ("care", amount_of(CARE, level, area=w.yingnan))]
        # a worse level never pays less
        if level > 1:
            assert care.amounts[0].monthly_amount > amount_of(CARE, level - 1, area=w.yingnan)


def test_approved_care_subsidy_is_paid_through_the_shared_payroll(elder, zhang_home):
    w = elder
    today = timezone.localdate()
    category_add(actor=w.huang, person=w.zhang, category="dibao", valid_from=dt.date(2024, 1, 1))
    assess(w, w.zhang, 40)  # 重度失能
    app = assistance.application_submit(actor=w.chen, programme=CARE, applicant=w.zhang, household=zhang_home,
                                        authorisation=authorisation())
    app = walk_to(w, app, "approving")
    case = assistance.application_approve(actor=w.huang, application=app, facts=facts(w, zhang_home, on=today))
    ent = Entitlement.objects.get(case=case)
    assert (ent.person_id, ent.component) == (w.zhang.pk, "care")
    roster = payroll.roster_generate(actor=w.huang, programme=CARE, area=w.jianghai, month=case.start_month)
    line = RosterLine.objects.get(roster=roster)
    assert (line.person_id, line.amount, line.fund) == (w.zhang.pk, ent.monthly_amount, "市县")
    assert line.amount == amount_of(CARE, 3, case.start_month, w.yingnan).quantize(Decimal("0.01"))


def test_a_second_care_subsidy_is_stopped_at_decision_and_caught_by_supervision(elder, zhang_home):
    """张桂英 gets 护理补贴; months later she is also enrolled as 特困 with 照料护理费 — two care payments."""
    w = elder
    today = timezone.localdate()
    category_add(actor=w.huang, person=w.zhang, category="dibao", valid_from=dt.date(2024, 1, 1))
    assess(w, w.zhang, 40)
    app = assistance.application_submit(actor=w.chen, programme=CARE, applicant=w.zhang, household=zhang_home,
                                        authorisation=authorisation())
    case = assistance.application_approve(actor=w.huang, application=walk_to(w, app, "approving"),
                                          facts=facts(w, zhang_home, on=today))
    month = case.start_month
    enrol(w, zhang_home, w.zhang, "tekun", "care", amount="600.00", since=month)

    roster = payroll.roster_generate(actor=w.huang, programme=CARE, area=w.jianghai, month=month)
    payroll.roster_check(actor=w.huang, roster=roster)
    hit = Anomaly.objects.get(roster=roster, rule="excluded_programmes")
    assert hit.line.person_id == w.zhang.pk
    assert hit.detail.startswith("张桂英同时享受特困供养金，两者不得同时享受（依据：《国务院关于进一步健全特困")
    # and a new decision no longer grants it while the 照料护理费 is in force
    d = get_programme(CARE).assess(facts(w, zhang_home, on=month))
    assert not d.eligible and "已享受特困供养金，不重复享受老年人护理补贴" in d.reasons[0]
    # 养老服务补贴 is not a care payment: a 特困 elder keeps it
    assert get_programme(SERVICE).assess(facts(w, zhang_home, on=month)).eligible


def test_severe_disability_care_excludes_the_elderly_care_subsidy_too(elder, zhang_home):
    w = elder
    category_add(actor=w.huang, person=w.zhang, category="dibao", valid_from=dt.date(2024, 1, 1))
    assess(w, w.zhang, 20)
    enrol(w, zhang_home, w.zhang, "disability", "living")  # 生活补贴 is no care payment
    assert get_programme(CARE).assess(facts(w, zhang_home)).eligible
    enrol(w, zhang_home, w.zhang, "disability", "care_subsidy")
    d = get_programme(CARE).assess(facts(w, zhang_home))
    assert not d.eligible and "已享受残疾人两项补贴，不重复享受老年人护理补贴（依据：《国务院" in d.reasons[0]


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(elder, zhang_home):
    w = elder
    category_add(actor=w.huang, person=w.zhang, category="dibao", valid_from=dt.date(2024, 1, 1))
    a = assess(w, w.zhang, 90)  # 能力完好
    with pytest.raises(DomainError) as e:
        build_facts(user=w.huang, household=zhang_home, on=TODAY, urban_rural="郊区")
    assert e.value.field == "城乡" and "城乡类别“郊区”无效" in e.value.message
    # a typed care tier that contradicts her assessment is refused, naming it
    with pytest.raises(DomainError) as e:
        facts(w, zhang_home, self_care={w.zhang: "全护理"})
    assert e.value.field == "自理能力" and a.number in e.value.message
    # approving 护理补贴 for an elder assessed 能力完好 is refused with the reason; no case is written
    app = assistance.application_submit(actor=w.chen, programme=CARE, applicant=w.zhang, household=zhang_home,
                                        authorisation=authorisation())
    app = walk_to(w, app, "approving")
    with pytest.raises(Conflict, match="经测算不符合老年人护理补贴条件：张桂英评估为能力完好"):
        assistance.application_approve(actor=w.huang, application=app,
                                       facts=facts(w, zhang_home, on=timezone.localdate()))
    assert not Case.objects.filter(programme=CARE).exists()
