"""江海区's bureau asks: if 低保 rose from 900 to 1000 元, who newly qualifies and what would it cost?"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from minzheng.assistance.whatif import dibao_what_if
from minzheng.core.errors import DomainError
from minzheng.verification.models import VerificationReport

from .stories import make_family, world_fixture  # noqa: F401

ON = dt.date(2026, 6, 1)


_numbers = itertools.count(1)


def report(w, household, *, pci, members, assets="0", on=ON):
    """A stored 核对 result (test setup: what verification_run would have written)."""
    return VerificationReport.objects.create(
        number=f"HD-T-{next(_numbers)}", household=household, area=household.area, on=on, urban_rural="urban",
        member_count=members, household_income=Decimal(pci) * members, rigid_deduction=0, per_capita_income=pci,
        standard=900, standard_explanation="", money_assets=assets, conclusion="below", conclusion_text="",
        rule_version="t", members=[], lines=[], assets={}, batches=[], created_by=w.huang)


@pytest.fixture
def households(world):
    w = world
    a, _ = make_family(w, "陈阿大")
    b, _ = make_family(w, "林阿二")
    c, _ = make_family(w, "黄阿三")
    d, _ = make_family(w, "何阿四")
    far, _ = make_family(w, "梁阿五", village=w.ducheng_village)
    report(w, a, pci="200", members=3)
    report(w, b, pci="700", members=2, on=ON - dt.timedelta(days=200))  # superseded by the newer result
    report(w, b, pci="950", members=2)
    report(w, c, pci="1200", members=4)
    report(w, d, pci="100", members=1, assets="500000")                # savings far above 24 months
    report(w, far, pci="100", members=5)                               # 郁南县: not 江海区's question
    return w


def test_raising_the_standard_to_1000(households):
    w = households
    got = dibao_what_if(user=w.huang, area=w.jianghai, urban_rural="urban", new_standard="1000", on=ON)
    assert (got.households, got.eligible_now, got.eligible_then, got.newly_eligible) == (4, 1, 2, 1)
    assert got.monthly_cost_now == Decimal("2100.00")          # (900 − 200) × 3
    assert got.monthly_cost_then == Decimal("2500.00")         # (1000 − 200) × 3 + (1000 − 950) × 2
    assert got.extra_monthly_cost == Decimal("400.00")
    assert "900" in got.explanation and "1000" in got.explanation


def test_the_question_is_scoped_and_checked(households):
    w = households
    assert dibao_what_if(user=w.li, area=w.jianghai, urban_rural="urban", new_standard="1000",
                         on=ON).households == 4  # 李建华 sees 礼乐's villages, where all four live
    assert dibao_what_if(user=w.zhao, area=w.jianghai, urban_rural="urban", new_standard="1000",
                         on=ON).households == 0  # 外海街道 has none of them
    for bad in ("-5", "九百", "0"):
        with pytest.raises(DomainError, match="新标准|低保标准"):
            dibao_what_if(user=w.huang, area=w.jianghai, urban_rural="urban", new_standard=bad, on=ON)


def test_the_what_if_api(households, client):
    w = households
    client.force_login(w.huang)
    got = client.get("/api/assistance/what-if/dibao", {"area": "440704", "new_standard": "1000", "on": "2026-06-01"})
    assert got.status_code == 200, got.content
    assert (got.json()["newly_eligible"], got.json()["extra_monthly_cost"]) == (1, "400.00")
    client.force_login(w.liang)
    assert client.get("/api/assistance/what-if/dibao", {"area": "440704", "new_standard": "1000"}).status_code == 404
    client.force_login(w.he)
    assert client.get("/api/assistance/what-if/dibao", {"area": "440704", "new_standard": "1000"}).status_code == 403
