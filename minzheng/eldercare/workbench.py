"""大养老's part of the 工作台: this month's 特殊困难老年人 not yet visited, from the visit list's selector."""

import datetime as dt
from collections.abc import Iterator
from urllib.parse import urlencode

from django.urls import reverse

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.periods import month_end, month_start
from minzheng.web.workbench import Item, Task, first

from . import selectors


def tasks(user: User, today: dt.date) -> Iterator[Task]:
    if not user.can(Cap.ELDER_VISIT):
        return
    month = month_start(today)
    pending = selectors.visit_due_list(user, month=month, pending_only=True)
    url = reverse("eldercare:visits") + "?" + urlencode({"month": f"{month:%Y-%m}", "pending": "1"})
    due = month_end(today)  # 月探访: due within the plan's month
    yield Task(key="elder_visit", title="本月待探访", count=pending.count(), url=url, due_label="探访期限",
               items=first(pending, lambda v: Item(label=f"{v.person.name} · {v.area.name}", note=v.reasons,
                                                   url=reverse("eldercare:elder", args=[v.person_id]), due=due)))
