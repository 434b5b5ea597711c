"""Issue 11 item 6: 低收入 and 支出型临时救助 ran only in 中山 (the one plan that prints their bounds). Every
jurisdiction now has a bound from data — the province's assumed rule where the local plan is silent — so the
same household facts are assessed in all five, and each answer names the rule it used."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.areas.models import Area
from minzheng.areas.services import load_reference_areas
from minzheng.assistance.programmes.base import HouseholdFacts, Member, get_programme
from minzheng.core.errors import DomainError
from minzheng.policy.models import Formula
from minzheng.policy.rules import resolve
from minzheng.policy.services import load_policy_data

ON = dt.date(2021, 6, 1)
FIVE = {"清远": "441802", "郁南": "445322100", "江海": "440704005", "中山": "442000001", "东莞": "441900"}


@pytest.fixture
def policy(db):
    load_reference_areas()
    load_policy_data()


def facts(code, income, *, rigid="0", variant=""):
    members = (Member(person_id=1, name="甲", birth_date=dt.date(1975, 1, 1), monthly_income=Decimal(income)),
               Member(person_id=2, name="乙", birth_date=dt.date(1977, 1, 1)))
    return HouseholdFacts(area=Area.objects.current().get(code=code), urban_rural="urban", on=ON, members=members,
                          variant=variant, rigid_expenses=Decimal(rigid))


@pytest.mark.parametrize("place", FIVE)
def test_low_income_has_a_bound_in_every_jurisdiction(policy, place):
    """A two-person household earning 1.2 × the local 低保 per head is a 低收入家庭 wherever it lives."""
    area = Area.objects.current().get(code=FIVE[place])
    dibao = resolve(area, "dibao", scope="urban", on=ON).value
    decision = get_programme("low_income").assess(facts(FIVE[place], str(dibao * Decimal("2.4"))))
    assert decision.eligible, decision.reasons
    assert "认定为低收入家庭" in decision.reasons[0]


@pytest.mark.parametrize("place", FIVE)
def test_expenditure_temporary_assistance_runs_in_every_jurisdiction(policy, place):
    """Hospital bills push the household below the local 低保: at least one month per person is paid once."""
    area = Area.objects.current().get(code=FIVE[place])
    dibao = resolve(area, "dibao", scope="urban", on=ON).value
    decision = get_programme("temporary").assess(facts(FIVE[place], str(dibao * 2), rigid=str(dibao * 2),
                                                       variant="expenditure"))
    assert decision.eligible, decision.reasons
    assert all(a.monthly_amount >= dibao for a in decision.amounts)


def test_the_provincial_bounds_are_marked_as_assumptions(policy):
    for kind in ("low_income_upper", "temp_assistance_floor"):
        row = Formula.objects.get(jurisdiction__code="440000", kind=kind)
        assert "演示假设" in row.citation and row.note


def test_without_any_bound_the_programme_still_refuses_to_guess(policy):
    Formula.objects.filter(kind__in=["low_income_upper", "temp_assistance_floor"]).exclude(
        jurisdiction__code="442000").delete()
    with pytest.raises(DomainError) as e:
        get_programme("low_income").assess(facts(FIVE["江海"], "1000"))
    assert "低收入家庭认定上限" in e.value.message
