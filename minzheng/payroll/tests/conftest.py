"""Payroll stories start from enrolled cases. The approval service that creates Cases and Entitlements belongs to
the assistance app; here a fixture enrols households directly (test setup), on real registry persons."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.assistance.models import Case, Entitlement
from minzheng.registry import services as registry

MAY = dt.date(2024, 5, 1)
JUNE = dt.date(2024, 6, 1)
JULY = dt.date(2024, 7, 1)
APRIL = dt.date(2024, 4, 1)
WANG_ACCOUNT = "6228480088001234"


@pytest.fixture
def enrol():
    """enrol("dibao", head, {person: "500.00", ...}, area=...) → Case with one entitlement per person."""

    def mk(programme, head, amounts, *, area=None, household=None, start=APRIL, component="basic", to_month=None,
           application=None):
        case = Case.objects.create(programme=programme, household=household, head=head,
                                   area=area or head.residence_area, application=application, start_month=start,
                                   urban_rural="rural")
        for person, amount in amounts.items():
            comps = amount if isinstance(amount, dict) else {component: amount}
            for comp, value in comps.items():
                Entitlement.objects.create(case=case, person=person, component=comp, monthly_amount=Decimal(value),
                                           from_month=start, to_month=to_month, rule_version="test",
                                           explanation="测试核定金额")
        return case

    return mk


@pytest.fixture
def wang_family(areas, people, make_person, enrol):
    """王德明 (英南村, 一卡通 at 农商银行) and his grandson 王小明, who has no account of his own: 低保 500 元 each."""
    hzq = people["jianghai_approver"]
    wang = make_person("王德明", birth=dt.date(1948, 5, 1), bank_name="江门农商银行", bank_account=WANG_ACCOUNT)
    grandson = make_person("王小明", birth=dt.date(2012, 9, 1))
    home = registry.household_create(actor=hzq, area=areas["yingnan"], head=wang, start_date=dt.date(2020, 1, 1))
    registry.household_add_member(actor=hzq, household=home, person=grandson, relation="grandchild",
                                  start_date=dt.date(2020, 1, 1))
    case = enrol("dibao", wang, {wang: "500.00", grandson: "500.00"}, household=home)
    return {"wang": wang, "grandson": grandson, "home": home, "case": case}
