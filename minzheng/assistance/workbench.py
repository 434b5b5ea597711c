"""大救助's part of the 工作台: the steps waiting for this user's role, from the selectors the list pages use."""

import datetime as dt
from collections.abc import Iterator
from urllib.parse import urlencode

from django.urls import reverse

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.web.workbench import Item, Task, first

from . import selectors
from .forms import programme_choices
from .models import OPEN_STATUSES, Application, ApplicationStatus, Publicity

S = ApplicationStatus

# (task key, title, statuses, the capability that acts on them): the steps of available_actions, one task each.
STEPS = (
    ("assist_accept", "待受理", (S.SUBMITTED,), Cap.ASSIST_ACCEPT),
    ("assist_verify", "待核对", (S.ACCEPTED, S.VERIFYING), Cap.ASSIST_ACCEPT),
    ("assist_investigate", "待入户调查", (S.INVESTIGATING,), Cap.ASSIST_ACCEPT),
    ("assist_review", "待审核", (S.REVIEWING,), Cap.ASSIST_REVIEW),
    ("assist_approve", "待审批", (S.APPROVING,), Cap.ASSIST_APPROVE),
)


def _list_url(**params) -> str:
    return reverse("assistance:list") + "?" + urlencode(params)


def _app_item(labels: dict[str, str]):
    def item(a: Application) -> Item:
        return Item(label=f"{a.applicant.name} · {labels.get(a.programme, a.programme)}",
                    url=reverse("assistance:detail", args=[a.pk]), due=a.step_due, note=a.number)
    return item


def tasks(user: User, today: dt.date) -> Iterator[Task]:
    labels = dict(programme_choices())
    if user.can(Cap.ASSIST_APPLY_ONLINE) and not user.can(Cap.ASSIST_VIEW):
        mine = selectors.my_applications(user).filter(status__in=OPEN_STATUSES).select_related("applicant")
        yield Task(key="assist_mine", title="我的救助申请（办理中）", count=mine.count(),
                   url=reverse("portal:home"),
                   items=first(mine, lambda a: Item(label=f"{labels.get(a.programme, a.programme)} · "
                                                          f"{S(a.status).label}",
                                                    url=reverse("portal:application", args=[a.pk]), due=a.step_due,
                                                    note=a.number)),
                   due_label="本环节办理时限")
        return
    if not user.can(Cap.ASSIST_VIEW):
        return
    for key, title, statuses, cap in STEPS:
        if not user.can(cap):
            continue
        qs = selectors.applications_for(user).filter(status__in=statuses).select_related("applicant")
        qs = qs.order_by("step_due", "id")
        url = _list_url(status=statuses[0]) if len(statuses) == 1 else reverse("assistance:list")
        yield Task(key=key, title=title, count=qs.count(), url=url, items=first(qs, _app_item(labels)))
    if user.can(Cap.ASSIST_REVIEW):
        # 公示 over (its last day has passed) and waiting for the county to close it.
        ended = (selectors.applications_for(user)
                 .filter(status=S.PUBLICIZING, publicities__status=Publicity.Status.OPEN,
                         publicities__end_date__lt=today)
                 .select_related("applicant").order_by("step_due", "id").distinct())
        yield Task(key="assist_publicity_due", title="公示到期", count=ended.count(),
                   url=_list_url(status=S.PUBLICIZING), items=first(ended, _app_item(labels)))
    late = selectors.overdue(user, today=today)
    yield Task(key="assist_overdue", title="超期未办", count=late.count(), url=reverse("assistance:overdue"),
               items=first(late, _app_item(labels)))
    if user.can(Cap.ASSIST_REVIEW):
        due = selectors.recheck_tasks(user)  # the scheduler opens a task only once it is due
        yield Task(key="assist_recheck", title="复核到期", count=due.count(), url=reverse("assistance:rechecks"),
                   items=first(due, lambda t: Item(label=f"{t.case.head.name} · "
                                                         f"{labels.get(t.case.programme, t.case.programme)}",
                                                   url=reverse("assistance:recheck", args=[t.pk]),
                                                   due=t.due_date)),
                   due_label="应复核日期")
