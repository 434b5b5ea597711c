"""Who is monitored (data/lowincome/groups.csv): the 陈 family of 英南村 (江海区) while on 低保, in the 低保 group;
after their 低保 ends they stay monitored as a household that left assistance for the months of params.csv
(left_assistance_months, 12, assumed), then drop out, until 礼乐街道 recognises them as 低保边缘."""


import pytest
from django.utils import timezone

from minzheng.assistance import services as assistance
from minzheng.assistance.rechecks import case_exit
from minzheng.assistance.tests.stories import dibao_facts, submit_dibao, walk_to
from minzheng.core.periods import month_plus
from minzheng.lowincome import services
from minzheng.lowincome.models import MonitoredPerson
from minzheng.lowincome.runs import population_refresh

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def groups():
    return dict(MonitoredPerson.objects.values_list("person__name", "group"))


def test_the_chen_family_is_monitored_on_dibao_then_as_having_left_then_as_edge(world):
    w = world
    today = timezone.localdate()
    app = walk_to(w, submit_dibao(w), "approving")
    case = assistance.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app))
    assert population_refresh(on=today)["dibao"] == 3
    assert groups() == {"陈大明": "dibao", "李秀英": "dibao", "陈小宝": "dibao"}
    stop = month_plus(case.start_month, 2)  # paid two months, then 停发
    case_exit(actor=w.huang, case=case, from_month=stop, reason="家庭收入增加，超过低保标准")
    later = month_plus(stop, 2)
    population_refresh(on=later)
    assert set(groups().values()) == {"left"} and MonitoredPerson.objects.count() == 3
    end = month_plus(stop, 13)  # the last month paid was 14 months earlier: past the 12
    population_refresh(on=end)
    assert not MonitoredPerson.objects.exists()
    services.registration_add(actor=w.li, household=w.household, group="edge", basis="收入低于低保标准1.5倍",
                              since=today)
    population_refresh(on=end)
    assert set(groups().values()) == {"edge"} and MonitoredPerson.objects.count() == 3
    assert MonitoredPerson.objects.get(person=w.dad).area == w.yingnan
