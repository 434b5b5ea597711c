"""城乡社区治理's part of the 工作台: bodies whose term has ended with no next term recorded (届满待换届), from the
bodies list's selector, for those who record the 换届."""

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.web.workbench import Item, Task, first

from . import selectors


def tasks(user: User, today: dt.date) -> Iterator[Task]:
    if not user.can(Cap.COMMUNITY_EDIT):
        return
    awaiting = selectors.bodies_awaiting_election(user, today).order_by("term_end", "area__code", "kind", "id")
    url = reverse("community:bodies") + "?status=awaiting"
    yield Task(key="cm_term_ended", title="届满待换届", count=awaiting.count(), url=url, due_label="任期届满",
               items=first(awaiting, lambda b: Item(label=f"{b.area.name}{b.get_kind_display()}",
                                                    url=f"{url}#body-{b.pk}", due=b.term_end,
                                                    note=f"{b.term_start:%Y-%m-%d}起的一届")))
