"""资金监管's part of the 工作台: anomalies still to dispose of and rosters waiting for the checker's release,
from the selectors of the anomaly and roster lists."""

import datetime as dt
from collections.abc import Iterator
from urllib.parse import urlencode

from django.urls import reverse

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.periods import local_date, month_label
from minzheng.web.workbench import Item, Task, first

from . import selectors
from .labels import programme_label
from .models import Anomaly, Roster


def tasks(user: User, today: dt.date) -> Iterator[Task]:
    if user.can(Cap.ANOMALY_HANDLE):
        pending = (selectors.anomalies_for(user).filter(status__in=[Anomaly.Status.OPEN, Anomaly.Status.ASSIGNED])
                   .order_by("created_at", "id"))
        url = reverse("payroll:anomalies") + "?" + urlencode({"status": Anomaly.Status.OPEN})
        yield Task(key="pay_anomaly", title="疑点待处置", count=pending.count(), url=url, due_label="",
                   items=first(pending, lambda a: Item(
                       label=f"{a.line.person.name} · {a.roster.area.name}{month_label(a.roster.month)}",
                       url=reverse("payroll:roster", args=[a.roster_id]),
                       note=f"{local_date(a.created_at):%Y-%m-%d}发现 · {a.detail[:40]}")))
    if user.can(Cap.PAYROLL_APPROVE):
        checked = selectors.rosters_for(user).filter(status=Roster.Status.CHECKED).order_by("month", "id")
        yield Task(key="pay_release", title="发放名单待复核发布", count=checked.count(), url=reverse("payroll:list"),
                   due_label="",
                   items=first(checked, lambda r: Item(
                       label=f"{r.area.name}{month_label(r.month)}{programme_label(r.programme)}",
                       url=reverse("payroll:roster", args=[r.pk]))))
