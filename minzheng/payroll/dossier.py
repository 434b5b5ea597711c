"""一人一档's 发放记录: the person's roster lines (scoped like the roster pages), with the account they are paid to."""

from collections.abc import Iterator

from django.urls import reverse

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.periods import month_label
from minzheng.registry.dossier import ROWS_SHOWN, Row, Section
from minzheng.registry.models import Person
from minzheng.registry.services import mask_account

from . import selectors
from .labels import programme_label
from .models import LineStatus


def sections(user: User, person: Person) -> Iterator[Section]:
    if user.can(Cap.PAYROLL_VIEW):
        shown = list(selectors.person_lines(user, person.pk)[:ROWS_SHOWN])
        facts = {}
        paying = next((ln for ln in shown if ln.bank_account), None)
        if paying is not None:
            facts["发放账号"] = f"{paying.bank_name} {mask_account(paying.bank_account)}".strip()
        yield Section(key="payments", title="救助金发放", facts=facts,
                      headers=("发放名单", "所属月份", "救助项目", "金额（元）", "收款账号", "状态"),
                      rows=[Row(cells=(f"{ln.roster.area.name}{month_label(ln.roster.month)}",
                                       month_label(ln.for_month), programme_label(ln.roster.programme),
                                       f"{ln.amount:,.2f}",
                                       f"{ln.bank_name} {mask_account(ln.bank_account)}".strip() or "—",
                                       LineStatus(ln.status).label),
                                url=reverse("payroll:roster", args=[ln.roster_id])) for ln in shown])
