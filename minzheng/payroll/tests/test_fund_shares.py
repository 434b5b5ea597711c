"""Issue 11 item 6: a roster line named one fund per programme (低保金 → 中央). Each line now carries its split into
中央/省/市/县 shares, read from data/payroll/fund_shares.csv (per programme and jurisdiction, each row cited, the
demo's assumptions marked), the county taking the rounding remainder so the four always add up to the line; the
monthly report sums each source."""

from decimal import Decimal

import pytest

from minzheng.core.errors import DomainError
from minzheng.payroll import reference, selectors, services
from minzheng.payroll.models import RosterLine

from .conftest import MAY

pytestmark = pytest.mark.django_db


def test_each_roster_line_is_split_into_four_shares_from_data(areas, people, make_person, enrol, wang_family):
    """王德明 and his grandson get 500 元 each of 低保 in 江海区; 李阿婆 next door 333.33 元."""
    hzq = people["jianghai_approver"]
    lipo = make_person("李阿婆")
    enrol("dibao", lipo, {lipo: "333.33"})
    shares = reference.fund_shares("dibao", areas["yingnan"])
    assert shares.citation and sum(shares.percent.values()) == 100
    roster = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    for line in RosterLine.objects.filter(roster=roster):
        parts = [line.fund_central, line.fund_province, line.fund_city, line.fund_county]
        assert sum(parts) == line.amount  # exact: the county takes the cent left over
        assert line.fund_central == (line.amount * shares.percent["central"] / 100).quantize(Decimal("0.01"))
    wang = RosterLine.objects.get(roster=roster, person=wang_family["wang"])
    expected = {k: Decimal(500) * v / 100 for k, v in shares.percent.items()}
    assert (wang.fund_central, wang.fund_province, wang.fund_city) == (
        expected["central"], expected["province"], expected["city"])

    (row,) = selectors.totals(people["auditor"], month=MAY, by=("area",))
    assert row["amount"] == Decimal("1333.33")
    assert row["central"] + row["province"] + row["city"] + row["county"] == Decimal("1333.33")
    assert row["central"] == sum(x.fund_central for x in RosterLine.objects.filter(roster=roster))


def test_an_adjusted_line_is_split_again(areas, people, wang_family):
    hzq = people["jianghai_approver"]
    roster = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    line = RosterLine.objects.get(roster=roster, person=wang_family["wang"])
    line = services.roster_line_adjust(actor=hzq, line=line, amount="400", reason="按复核结果减发")
    line.refresh_from_db()
    assert line.fund_central + line.fund_province + line.fund_city + line.fund_county == Decimal("400.00")


def test_shares_that_do_not_add_up_are_refused_naming_the_row(tmp_path, monkeypatch, areas):
    bad = tmp_path / "fund_shares.csv"
    bad.write_text("programme,jurisdiction,central,province,city,county,effective_from,status,citation,note\n"
                   "dibao,440000,50,20,10,10,2020-01-01,assumed,演示,\n", encoding="utf-8")
    monkeypatch.setattr(reference, "FUND_SHARES_CSV", bad)
    reference._shares_rows.cache_clear()
    try:
        with pytest.raises(DomainError, match="fund_shares.csv第2行.*合计应为100"):
            reference.fund_shares("dibao", areas["yingnan"])
    finally:
        reference._shares_rows.cache_clear()
