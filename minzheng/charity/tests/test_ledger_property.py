"""Property (hypothesis): whatever sequence of gifts, spendings and management costs the desk tries, the ledger's
entries sum to zero, every account but the source stays at or above zero, each cached balance equals the sum of its
entries, and a restricted fund's money only ever reaches its own projects."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng.charity import services
from minzheng.charity.models import Account, Entry, Transfer
from minzheng.core.errors import DomainError
from minzheng.core.money import FEN, Mode, amount, round_to
from minzheng.core.periods import local_date

pytestmark = pytest.mark.django_db


def exact(value) -> Decimal:
    """A sum as exact 分 (SQLite adds decimals as floats)."""
    return round_to(amount(value or 0), unit=FEN, mode=Mode.HALF_UP)

step = st.tuples(st.sampled_from(["give", "spend", "admin"]), st.integers(0, 2), st.integers(0, 2),
                 st.integers(1, 50_000))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_the_ledger_balances_and_restricted_money_keeps_its_purpose(areas, ch, steps):
    charity, desk, checker = ch["charity"], ch["desk"], ch["checker"]
    today = local_date()
    funds = list(charity.funds.order_by("id"))
    while len(funds) < 3:
        funds.append(services.fund_create(actor=desk, charity=charity, name=f"专项基金{len(funds)}", kind="special",
                                          purpose=f"用途{len(funds)}"))
    projects = [services.project_create(actor=desk, fund=f, name=f"{f.name}项目", purpose="x", area=areas["yingnan"])
                for f in funds if not f.projects.exists()] or []
    projects = [p for f in funds for p in f.projects.all()]
    for kind, fi, pi, cents in steps:
        fund, project = funds[fi], projects[pi]
        amount = f"{cents / 100:.2f}"
        try:
            if kind == "give":
                services.donation_receive(actor=desk, fund=fund, donor_name="捐赠人", amount=amount, received_on=today)
            else:
                e = services.expenditure_prepare(actor=desk, fund=fund, amount=amount, spent_on=today, evidence="凭证",
                                                 project=project if kind == "spend" else None)
                services.expenditure_approve(actor=checker, expenditure=e)
        except DomainError:
            pass  # refused (overdraw, restricted purpose): nothing may have moved — checked below
    assert exact(Entry.objects.aggregate(s=Sum("amount"))["s"]) == 0
    for acc in Account.objects.all():
        total = exact(acc.entries.aggregate(s=Sum("amount"))["s"])
        assert acc.balance == total
        if acc.kind != Account.Kind.SOURCE:
            assert acc.balance >= 0
    for t in Transfer.objects.filter(kind__in=["spend", "admin"]).prefetch_related("entries__account__fund",
                                                                                   "entries__account__project"):
        src = next(x.account for x in t.entries.all() if x.amount < 0)
        dst = next(x.account for x in t.entries.all() if x.amount > 0)
        if src.fund.restricted:
            assert dst.project is not None and dst.project.fund_id == src.fund_id
    assert all(t.entries.count() == 2 for t in Transfer.objects.all())
