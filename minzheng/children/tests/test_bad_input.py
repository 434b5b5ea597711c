"""Bad input, each a clear Chinese error naming the field, with nothing half-written."""

import datetime as dt

import pytest

from minzheng.children import services
from minzheng.children.models import Assessment, CaseEvent, ChildFile, Guardian, GuardianKind, OrgKind, Referral, Visit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.idcard import make_id_number
from minzheng.core.models import AuditEntry
from minzheng.core.periods import born_on_or_before
from minzheng.registry.models import Person

from .stories import today

pytestmark = pytest.mark.django_db


def _case(w):
    report = services.report_file(actor=w.zhouhui, child=w.son, source="school", priority="normal",
                                  what="学生连续一周未到校", location="英南村小学", reporter_name="王老师")
    return report.case


def _unchanged(*models):
    return [m.objects.count() for m in models] + [AuditEntry.objects.count()]


def test_a_referral_to_an_unknown_organisation_is_refused(kids):
    w = kids
    case = _case(w)
    yunan_org = services.org_create(actor=w.liang, name="郁南县教育局", kind=OrgKind.DEPARTMENT, area=w.yunan,
                                    opened_on=dt.date(2020, 1, 1))
    before = _unchanged(Referral)
    for org_id in (987654321, yunan_org.pk):   # absent, and another county's
        with pytest.raises(DomainError) as e:
            services.referral_create(actor=w.chen, case=case, org_id=org_id, service="助学", consent="监护人同意",
                                     requested_on=today())
        assert e.value.field == "转介机构" and "转介机构不存在" in e.value.message
    assert _unchanged(Referral) == before


def test_closing_a_case_with_open_referrals_is_refused(kids):
    w = kids
    case = _case(w)
    services.referral_create(actor=w.chen, case=case, org_id=w.school_dept.pk, service="劝返复学",
                             consent="监护人同意", requested_on=today())
    before = _unchanged(CaseEvent)
    with pytest.raises(Conflict) as e:
        services.case_close(actor=w.li, case=case, happened_on=today(), reason="goals_met")
    assert "未办结的转介：江海区教育局（劝返复学，待接收）" in e.value.message
    assert _unchanged(CaseEvent) == before


def test_an_eighteen_year_old_is_not_registered_as_a_child(kids):
    w, t = kids, today()
    born = born_on_or_before(t, 18)   # eighteen today
    number = make_id_number("440704", born, 321)
    before = _unchanged(Person, ChildFile)
    with pytest.raises(DomainError) as e:
        services.child_register(actor=w.chen, id_number=number, name="刘成年", residence_area=w.yingnan)
    assert "已满18周岁" in e.value.message and "不能登记为儿童" in e.value.message and e.value.field == "身份证号"
    assert _unchanged(Person, ChildFile) == before
    # a registry adult cannot get a child's file either
    with pytest.raises(DomainError, match="已满.*周岁，不是未满18周岁的儿童"):
        services.child_file_save(actor=w.chen, person=w.mum, school="英南小学")
    assert _unchanged(Person, ChildFile) == before
    # one day younger is a child
    kid = services.child_register(actor=w.chen, id_number=make_id_number("440704", born + dt.timedelta(days=1), 322),
                                  name="刘未成", residence_area=w.yingnan, school="江海一中")
    assert kid.child_file.school == "江海一中"


def test_two_guardians_of_one_type_on_overlapping_periods_are_refused(kids):
    w = kids
    services.guardian_add(actor=w.chen, child=w.son, kind=GuardianKind.ENTRUSTED, person=w.mum, relation="母子（委托）",
                          valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2024, 12, 31))
    before = _unchanged(Guardian)
    with pytest.raises(DomainError) as e:
        services.guardian_add(actor=w.chen, child=w.son, kind=GuardianKind.ENTRUSTED, person=w.dad, relation="父子",
                              valid_from=dt.date(2024, 6, 1))
    assert e.value.code == "guardian_overlap" and "2023-01-01至2024-12-31已有委托监护的监护人李秀英" in e.value.message
    assert _unchanged(Guardian) == before
    # another kind over the same period is fine, and so is the same kind after the first ends
    services.guardian_add(actor=w.chen, child=w.son, kind=GuardianKind.FATHER, person=w.dad, relation="父子",
                          valid_from=dt.date(2012, 9, 1))
    services.guardian_add(actor=w.chen, child=w.son, kind=GuardianKind.ENTRUSTED, person=w.dad, relation="父子",
                          valid_from=dt.date(2025, 1, 1))


def test_a_visit_dated_in_the_future_is_refused(kids):
    w = kids
    before = _unchanged(Visit)
    with pytest.raises(DomainError) as e:
        services.visit_record(actor=w.chen, child=w.son, visited_on=today() + dt.timedelta(days=1), mode="home",
                              findings="家中情况良好")
    assert e.value.field == "走访日期" and "晚于今天" in e.value.message
    assert _unchanged(Visit) == before


def test_an_assessment_with_a_missing_item_is_refused(kids):
    w = kids
    case = _case(w)
    before = _unchanged(Assessment)
    with pytest.raises(DomainError) as e:
        services.case_assess(actor=w.chen, case=case, assessed_on=today(),
                             answers={"safety": 0, "guardian": 1, "health": 0, "living": 0})
    assert e.value.field == "就学情况" and e.value.message == "评估项“就学情况”未填写"
    with pytest.raises(DomainError, match="评估项“人身安全”的取值3无效"):
        services.case_assess(actor=w.chen, case=case, assessed_on=today(),
                             answers={"safety": 3, "guardian": 1, "health": 0, "living": 0, "education": 0})
    assert _unchanged(Assessment) == before
