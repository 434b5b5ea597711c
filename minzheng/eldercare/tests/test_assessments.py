"""礼乐街道's two assessors, 李建华 and 苏慧敏, assess 张桂英 of 英南村; the result sets her 特困 care tier."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.assistance.facts import build_facts
from minzheng.assistance.models import Case, Entitlement
from minzheng.assistance.programmes.base import get_programme
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.models import AuditEntry
from minzheng.eldercare import selectors, services
from minzheng.eldercare.models import Assessment
from minzheng.registry.services import household_create

from .conftest import TODAY, answers_for_total


def assess(w, person=None, total=50, *, reason="initial", on=TODAY - dt.timedelta(days=1), a1=None, a2=None,
           answers=None, **kw):
    return services.assessment_record(actor=w.li, person=person or w.zhang, reason=reason, assessed_on=on,
                                      assessor_1=a1 or w.li, assessor_2=a2 or w.su,
                                      answers=answers if answers is not None else answers_for_total(total),
                                      today=TODAY, **kw)


def test_two_assessors_record_a_first_assessment(elder):
    w = elder
    a = assess(w, total=50)
    assert (a.total, a.initial_level, a.final_level, a.self_care) == (50, 2, 2, "partial")
    assert a.ruleset == "GB/T 42195-2022@1" and a.number.startswith("PG2025")
    assert a.next_due == dt.date(2026, 6, 15)  # 12 months, from data/eldercare/ability/intervals.csv
    assert sum(a.part_scores.values()) == 50 and len(a.answers) == 26
    assert "中度失能" in a.explanation and "半自理" in a.explanation
    entry = AuditEntry.objects.filter(action="eldercare.assessment_record").get()
    assert entry.after["total"] == 50 and entry.after["assessors"] == [w.li.pk, w.su.pk]


def test_dementia_diagnosis_needs_a_note_and_worsens_the_level(elder):
    w = elder
    with pytest.raises(DomainError, match="请填写诊断说明"):
        assess(w, total=70, diagnosis=True)
    a = assess(w, total=70, diagnosis=True, diagnosis_note="阿尔茨海默病，江门市第三人民医院2024年诊断")
    assert (a.initial_level, a.final_level, a.adjustments) == (1, 2, ["dementia"])


def _nothing_written(w, before_audit):
    assert not Assessment.objects.exists()
    assert AuditEntry.objects.count() == before_audit


@pytest.mark.parametrize("change, field, message", [
    (lambda a: a.pop("toileting"), "如厕", "评估项目B.1.8“如厕”未填写"),
    (lambda a: a.update(transport=5), "使用交通工具外出", "B.4.4“使用交通工具外出”的得分5超出范围（0～3分）"),
    (lambda a: a.update(aggression=2), "攻击行为", "B.3.7“攻击行为”的得分2超出范围（0～1分）"),
])
def test_a_missing_or_out_of_range_item_is_named_and_nothing_is_written(elder, change, field, message):
    w = elder
    before = AuditEntry.objects.count()
    answers = answers_for_total(60)
    change(answers)
    with pytest.raises(DomainError) as e:
        assess(w, answers=answers)
    assert message in e.value.message and e.value.field == field
    _nothing_written(w, before)


def test_the_same_assessor_twice_is_refused(elder):
    w = elder
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as e:
        assess(w, a1=w.su, a2=w.su)
    assert e.value.message == "两名评估员不能是同一人（苏慧敏）" and e.value.field == "评估员二"
    _nothing_written(w, before)


@pytest.mark.parametrize("who, message", [
    ("chen", "评估员二陈小玲不具备老年人能力评估资格"),         # a village worker is not an assessor
    ("zhao", "评估员二赵玉兰不负责张桂英所在地区的评估"),       # 外海街道's officer, not 礼乐's
])
def test_an_assessor_must_be_qualified_for_the_area(elder, who, message):
    w = elder
    with pytest.raises(DomainError, match=message):
        assess(w, a2=w[who])
    assert not Assessment.objects.exists()


def test_reason_dates_and_age_are_checked(elder):
    w = elder
    with pytest.raises(DomainError, match="尚无有效的能力评估，本次应选择首次评估"):
        assess(w, reason="routine")
    with pytest.raises(DomainError, match="晚于今天"):
        assess(w, on=TODAY + dt.timedelta(days=1))
    with pytest.raises(DomainError, match=r"陈叔在2025-06-15为\d\d周岁，未满60周岁"):
        assess(w, person=w.chenshu)
    assess(w, total=80)
    with pytest.raises(DomainError, match="已有有效的能力评估，本次应选择常规评估"):
        assess(w, total=40)
    assert Assessment.objects.count() == 1


def test_an_officer_of_another_town_cannot_record(elder):
    w = elder
    with pytest.raises(NotFound):
        services.assessment_record(actor=w.zhao, person=w.zhang, reason="initial", assessed_on=TODAY,
                                   assessor_1=w.li, assessor_2=w.su, answers=answers_for_total(50), today=TODAY)


def _tekun_household(w):
    home = household_create(actor=w.huang, area=w.yingnan, head=w.zhang, address="英南村3号",
                            start_date=dt.date(2020, 1, 1))
    return home


def _tekun_facts(w, home, **kw):
    return build_facts(user=w.huang, household=home, on=TODAY, urban_rural="rural",
                       extra={"no_capable_supporter": [w.zhang.pk]}, **kw)


def test_the_latest_valid_assessment_sets_the_tekun_care_tier(elder):
    """张桂英 is 特困: her 照料护理 follows her assessment, and a later 复评 or a void changes it without retyping."""
    w = elder
    home = _tekun_household(w)
    tekun = get_programme("tekun")
    # never assessed, nothing typed: the programme asks for the level
    with pytest.raises(DomainError, match="自理能力评估结果未填写"):
        tekun.assess(_tekun_facts(w, home))

    first = assess(w, total=90, on=dt.date(2025, 1, 10))       # 能力完好 → 全自理
    facts = _tekun_facts(w, home)
    assert facts.members[0].self_care == "full_self_care"
    care = next(a for a in tekun.assess(facts).amounts if a.component == "care")
    assert "全自理" in care.explanation and first.number in care.explanation

    review = assess(w, total=35, reason="immediate", on=dt.date(2025, 5, 20))  # after a fall: 重度失能 → 全护理
    facts = _tekun_facts(w, home)
    assert facts.members[0].self_care == "full_dependent"
    care_dependent = next(a for a in tekun.assess(facts).amounts if a.component == "care")
    assert care_dependent.monthly_amount > care.monthly_amount and review.number in care_dependent.explanation

    # a typed tier that contradicts the assessment is refused with the reason
    with pytest.raises(DomainError) as e:
        _tekun_facts(w, home, self_care={w.zhang: "全自理"})
    assert e.value.field == "自理能力" and "以能力评估结果为准" in e.value.message and review.number in e.value.message
    # voiding the 即时评估 makes the first one the source again
    services.assessment_void(actor=w.li, assessment=review, reason="录入时选错了老人")
    assert _tekun_facts(w, home).members[0].self_care == "full_self_care"
    # the assessment in force is the one on or before the facts' date
    facts_jan = build_facts(user=w.huang, household=home, on=dt.date(2025, 1, 9), urban_rural="rural")
    assert facts_jan.members[0].self_care == ""


def test_categories_derive_from_enrolment_assessment_and_age(elder):
    w = elder
    home = _tekun_household(w)
    case = Case.objects.create(programme="tekun", household=home, head=w.zhang, area=w.yingnan,
                               start_month=dt.date(2024, 3, 1), urban_rural="rural")
    Entitlement.objects.create(case=case, person=w.zhang, component="basic", monthly_amount=Decimal("1440"),
                               from_month=dt.date(2024, 3, 1), rule_version="test", explanation="测试")
    assess(w, total=40, on=dt.date(2025, 2, 1))  # 重度失能
    person = selectors.elder_get(w.li, w.zhang.pk, on=TODAY)
    codes = {c.code for c in selectors.current_categories(person, TODAY)}
    assert codes == {"tekun", "disabled_full", "high_age"}
    assert person.is_special  # 失能 is in the plans' 特殊困难 list
    periods = {(p.code, p.source, p.valid_from, p.valid_to) for p in selectors.category_periods(person)}
    assert ("tekun", "救助对象", dt.date(2024, 3, 1), None) in periods
    assert ("disabled_full", "能力评估", dt.date(2025, 2, 1), None) in periods
    assert ("high_age", "年龄", dt.date(2020, 3, 2), None) in periods
    # on a date before the enrolment she was not 特困; not yet assessed either
    earlier = selectors.elder_get(w.li, w.zhang.pk, on=dt.date(2024, 2, 15))
    assert {c.code for c in selectors.current_categories(earlier, dt.date(2024, 2, 15))} == {"high_age"}
    assert not earlier.is_special


def test_typed_categories_are_only_the_stored_ones(elder):
    """李伯 of 向东村 lives alone: 礼乐街道 records it; 英南村's worker cannot (not her village)."""
    w = elder
    with pytest.raises(NotFound):
        services.elder_category_add(actor=w.chen, person=w.libo, category="elderly_alone",
                                    valid_from=dt.date(2024, 1, 1), today=TODAY)
    services.elder_category_add(actor=w.li, person=w.libo, category="elderly_alone", valid_from=dt.date(2024, 1, 1),
                                note="老伴去世，子女在广州", today=TODAY)
    person = selectors.elder_get(w.li, w.libo.pk, on=TODAY)
    assert person.cat_elderly_alone and person.is_special
    assert [p.label for p in selectors.category_periods(person) if p.source == "登记"] == ["独居老人"]


def test_derived_categories_cannot_be_typed(elder):
    w = elder
    with pytest.raises(DomainError, match="“特困人员”由救助对象自动确定，无需登记"):
        services.elder_category_add(actor=w.li, person=w.zhang, category="tekun", valid_from=dt.date(2024, 1, 1),
                                    today=TODAY)
    with pytest.raises(DomainError, match="未满60周岁"):
        services.elder_category_add(actor=w.li, person=w.chenshu, category="elderly_empty_nest",
                                    valid_from=dt.date(2024, 1, 1), today=TODAY)


def test_an_elder_of_another_area_is_not_found(elder):
    w = elder
    with pytest.raises(NotFound):
        selectors.elder_get(w.zhao, w.zhang.pk, on=TODAY)
    assert not selectors.elder_search(w.liang, on=TODAY).filter(pk=w.zhang.pk).exists()
    assert not selectors.elder_search(w.he, on=TODAY).exists()  # a provider sees no registry


def test_voiding_twice_is_a_conflict(elder):
    w = elder
    a = assess(w)
    services.assessment_void(actor=w.li, assessment=a, reason="重复录入")
    with pytest.raises(DomainError, match="已作废"):
        services.assessment_void(actor=w.li, assessment=a, reason="重复录入")


def test_the_assessor_list_holds_only_assessors_not_the_approver_or_the_administrator(client, elder):
    """李建华 opens the assessment form for an elder of 英南村: he and 苏慧敏 (礼乐街道's 社工站) may assess; 黄志强,
    the county approver who decides on the result, and the system administrator may not, and are not offered."""
    from django.urls import reverse

    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.eldercare.forms import assessor_choices

    w = elder
    admin = user_create(actor=None, username="sysadmin", password="Minzheng#2026", display_name="系统管理员",
                        role=Role.ADMIN, areas=[w.jianghai])
    person = w.zhang
    names = {u.display_name for u in assessor_choices(person)}
    assert {w.li.display_name, w.su.display_name} <= names
    assert w.huang.display_name not in names and admin.display_name not in names
    client.force_login(w.li)
    page = client.get(reverse("eldercare:assess", args=[person.pk])).content.decode()
    assert "苏慧敏" in page and "黄志强" not in page and "系统管理员" not in page
    # and the service agrees with the list: the approver named as an assessor is refused
    with pytest.raises(DomainError, match="不具备老年人能力评估资格"):
        assess(w, person, 50, a2=w.huang)


def test_after_two_streets_merge_the_successor_streets_assessors_are_offered(client, elder):
    """江海区 merges 礼乐街道 and 外海街道 into a new 江海街道 from 2027-03-01. From the date 张桂英 of 英南村 may be
    assessed by 江海街道's staff: its new 社工 罗志坚, and 赵玉兰, still assigned to the old 外海街道 — neither was
    offered the day before; 黄志强, who decides, still is not."""
    import time_machine
    from django.urls import reverse

    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.areas.models import Area
    from minzheng.eldercare.forms import assessor_choices
    from minzheng.placenames import services as placenames

    w = elder
    placenames.area_redivide(actor=w.huang, kind="merge", old_areas=[w.lile, w.waihai],
                             successors=[placenames.Successor(code="440704009", name="江海街道", parent=w.jianghai)],
                             effective_on=dt.date(2027, 3, 1), document="江府函〔2027〕12号",
                             authority="江门市人民政府")
    luo = user_create(actor=None, username="luozj", password="Minzheng#2026", display_name="罗志坚", role=Role.TOWN,
                      areas=[Area.objects.get(code="440704009")])

    def offered():
        return {u.display_name for u in assessor_choices(w.zhang)}

    with time_machine.travel(dt.datetime(2027, 2, 28, 10, tzinfo=dt.UTC), tick=False):
        assert offered() == {"李建华", "苏慧敏"}
    with time_machine.travel(dt.datetime(2027, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        assert offered() == {"李建华", "苏慧敏", "罗志坚", "赵玉兰"}
        client.force_login(luo)
        page = client.get(reverse("eldercare:assess", args=[w.zhang.pk])).content.decode()
        assert "赵玉兰" in page and "罗志坚" in page and "黄志强" not in page
