"""一人一档's 核对报告: the 经济状况核对 reports of the person's households, scoped like the 核对 pages."""

from collections.abc import Iterator

from django.urls import reverse

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.registry.dossier import ROWS_SHOWN, Row, Section, household_ids
from minzheng.registry.models import Person

from . import selectors


def sections(user: User, person: Person) -> Iterator[Section]:
    if not user.can(Cap.VERIFY_VIEW):
        return
    reports = (selectors.reports_for(user).filter(household_id__in=household_ids(person))
               .order_by("-on", "-id"))
    yield Section(key="reports", title="经济状况核对报告",
                  headers=("报告编号", "核对基准日", "家庭人均月收入（元）", "结论"),
                  rows=[Row(cells=(r.number, f"{r.on:%Y-%m-%d}", f"{r.per_capita_income:,.2f}",
                                   r.get_conclusion_display()),
                            url=reverse("verification:report", args=[r.pk])) for r in reports[:ROWS_SHOWN]])
