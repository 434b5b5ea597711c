"""Issue 11 item 6, 先救助后说明: the money advanced was recorded only on the application. It now reaches a roster,
the bank file and the supervision checks like any other payment, and the later approval of the same need pays the
rest only — the deduction shown on the roster line."""

from decimal import Decimal

import pytest
from django.utils import timezone

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance import services
from minzheng.assistance.facts import build_facts
from minzheng.core.periods import month_start, next_month_start
from minzheng.payroll import services as payroll
from minzheng.payroll.bankfiles import bank_file_export
from minzheng.payroll.models import RosterLine

from .stories import authorisation, make_family, walk_to, world_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _paid_run(w, checker, month):
    roster = payroll.roster_generate(actor=w.huang, programme="temporary", area=w.jianghai, month=month)
    payroll.roster_check(actor=w.huang, roster=roster)
    return payroll.roster_release(actor=checker, roster=roster)


def test_money_paid_first_is_on_the_roster_and_the_approval_pays_only_the_rest(world, client):
    """郭志明's house in 向东村 burnt down at night. 礼乐街道's 李建华 pays 800 元 at once; the county's roster for this
    month carries it to the bank. When 黄志强 approves the 临时救助 (assessed need 3000 元), next month's roster pays
    2200 元 and says 800 元 was advanced."""
    w = world
    checker = user_create(actor=None, username="jh_checker", password="Minzheng#2026", display_name="麦嘉怡",
                          role=Role.COUNTY, areas=[w.jianghai])
    household, (guo,) = make_family(w, "郭志明", village=w.xiangdong,
                                    head={"bank_name": "江门农商银行", "bank_account": "6228480088009999"})
    app = services.application_submit(actor=w.li, programme="temporary", variant="emergency", applicant=guo,
                                      household=household, authorisation=authorisation())
    today = timezone.localdate()
    services.application_pay_first(actor=w.li, application=app, amount="800", reason="夜间住房失火，全家无处安身")

    roster = _paid_run(w, checker, month_start(today))
    line = RosterLine.objects.get(roster=roster, person=guo)
    assert line.amount == Decimal("800.00")
    _, rows = bank_file_export(actor=w.huang, roster=roster)
    assert "郭志明" in b"".join(rows).decode("utf-8-sig")
    assert not roster.anomalies.exists()  # the supervision checks ran over it and found nothing

    app = walk_to(w, app, "approving")
    facts = build_facts(user=w.huang, household=household, on=today, urban_rural="urban", variant="emergency",
                        extra={"event": "住房火灾", "assessed_need": Decimal("3000")})
    case = services.application_approve(actor=w.huang, application=app, facts=facts)
    ent = case.entitlements.get()
    assert ent.monthly_amount == Decimal("2200.00") and ent.deducted == Decimal("800.00")
    assert "扣减先行救助800元" in ent.explanation

    later = _paid_run(w, checker, next_month_start(today))
    line = RosterLine.objects.get(roster=later, person=guo)
    assert (line.amount, line.deducted) == (Decimal("2200.00"), Decimal("800.00"))
    client.force_login(w.huang)
    assert "已扣减先行救助800.00元" in client.get(f"/payroll/rosters/{later.pk}/").content.decode()


def test_an_advance_is_subtracted_once(world):
    """A second 临时救助 for the same household and need does not subtract the advance again."""
    w = world
    household, (guo,) = make_family(w, "郭志明", village=w.xiangdong)
    app = services.application_submit(actor=w.li, programme="temporary", variant="emergency", applicant=guo,
                                      household=household, authorisation=authorisation())
    services.application_pay_first(actor=w.li, application=app, amount="500", reason="夜间住房失火，全家无处安身")
    app = walk_to(w, app, "approving")
    today = timezone.localdate()
    facts = build_facts(user=w.huang, household=household, on=today, urban_rural="urban", variant="emergency",
                        extra={"event": "住房火灾", "assessed_need": Decimal("3000")})
    services.application_approve(actor=w.huang, application=app, facts=facts)
    again = services.application_submit(actor=w.li, programme="temporary", variant="emergency", applicant=guo,
                                        household=household, authorisation=authorisation())
    again = walk_to(w, again, "approving")
    second = services.application_approve(actor=w.huang, application=again, facts=facts)
    assert second.entitlements.get().deducted == 0
    assert second.entitlements.get().monthly_amount == Decimal("3000.00")
