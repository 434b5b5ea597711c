"""Issue 10 point 10: an amount like 1e20 on a roster line is refused in Chinese, naming the amount, on both databases.

黄志强 (江海区) adjusts 王德明's May line through the API; 1e20 元 does not fit the roster's amount column (and is no
sum the bureau ever pays), so he gets a 400 naming the amount and the roster is unchanged.
"""

import json

import pytest

from minzheng.payroll import services
from minzheng.payroll.models import Roster, RosterLine

from .conftest import MAY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("amount", ["1e20", "123456789012345.00", "0.001"])
def test_an_absurd_amount_is_refused_by_name_and_nothing_changes(client, people, areas, wang_family, amount):
    hzq = people["jianghai_approver"]
    roster = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    line = RosterLine.objects.get(person__name="王德明")
    before = (list(RosterLine.objects.values_list("pk", "amount", "adjusted_reason")),
              list(Roster.objects.values_list("pk", "status", "total_amount")))
    client.force_login(hzq)
    r = client.post(f"/api/payroll/lines/{line.pk}/adjust", json.dumps({"amount": amount, "reason": "补发"}),
                    content_type="application/json")
    assert r.status_code in (400, 422), r.content[:300]
    body = r.json()
    assert body["code"] and "金额" in body["message"] and "金额" in (body.get("field") or "")
    assert (list(RosterLine.objects.values_list("pk", "amount", "adjusted_reason")),
            list(Roster.objects.values_list("pk", "status", "total_amount"))) == before
    assert roster.pk
