"""一人一档's 社会救助: the applications and enrolments of the person or of any household they belong(ed) to,
read through the same scoped selectors as the 大救助 pages."""

from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.periods import month_label
from minzheng.registry.dossier import ROWS_SHOWN, Row, Section, household_ids
from minzheng.registry.models import Person

from . import selectors
from .forms import programme_choices
from .models import ApplicationStatus, Case


def sections(user: User, person: Person) -> Iterator[Section]:
    if not user.can(Cap.ASSIST_VIEW):
        return
    labels = dict(programme_choices())
    mine = Q(applicant=person) | Q(household_id__in=household_ids(person))
    apps = selectors.applications_for(user).filter(mine).select_related("applicant").order_by("-created_at", "-id")
    yield Section(key="applications", title="救助申请",
                  headers=("申请编号", "救助项目", "申请人", "状态", "申请日期", "本环节时限"),
                  rows=[Row(cells=(a.number, labels.get(a.programme, a.programme), a.applicant.name,
                                   ApplicationStatus(a.status).label, f"{a.created_at:%Y-%m-%d}",
                                   f"{a.step_due:%Y-%m-%d}" if a.step_due else "—"),
                            url=reverse("assistance:detail", args=[a.pk])) for a in apps[:ROWS_SHOWN]])
    cases = (selectors.cases_for(user).filter(Q(head=person) | Q(household_id__in=household_ids(person)))
             .select_related("head").order_by("-start_month", "-id"))
    yield Section(key="cases", title="救助对象（在保与退出）",
                  headers=("救助项目", "户主/对象", "状态", "起始月份", "终止月份", "下次复核"),
                  rows=[Row(cells=(labels.get(c.programme, c.programme), c.head.name, Case.Status(c.status).label,
                                   month_label(c.start_month), month_label(c.end_month) if c.end_month else "—",
                                   f"{c.next_recheck:%Y-%m-%d}" if c.next_recheck else "—"),
                            url=reverse("assistance:case", args=[c.pk])) for c in cases[:ROWS_SHOWN]])
