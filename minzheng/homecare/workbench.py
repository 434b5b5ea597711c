"""居家养老's part of the 工作台, from the selectors of the order list and the provider's work list: 待派单 for the
town, 待派工/待服务 for a provider, and a resident's own open orders."""

import datetime as dt
from collections.abc import Iterator
from urllib.parse import urlencode

from django.urls import reverse

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap, Role
from minzheng.core.periods import local_date
from minzheng.web.workbench import Item, Task, first

from . import selectors
from .models import OPEN_ORDER, Order, OrderStatus

S = OrderStatus


def _item(url_name: str):
    def item(o: Order) -> Item:
        return Item(label=f"{o.person.name} · {o.item.name}", url=reverse(url_name, args=[o.pk]),
                    due=local_date(o.scheduled_at), note=f"{o.number} · {S(o.status).label}")
    return item


def tasks(user: User, today: dt.date) -> Iterator[Task]:
    if user.can(Cap.HOMECARE_SERVE):
        waiting = selectors.worklist(user, status=S.DISPATCHED)
        yield Task(key="hc_assign", title="待派工", count=waiting.count(), url=reverse("homecare:worklist"),
                   items=first(waiting, _item("homecare:record")), due_label="预约日期")
        serving = selectors.worklist(user).filter(status__in=[S.ASSIGNED, S.IN_SERVICE])
        yield Task(key="hc_serve", title="待上门服务", count=serving.count(), url=reverse("homecare:worklist"),
                   items=first(serving, _item("homecare:record")), due_label="预约日期")
        return
    if user.role == Role.RESIDENT:
        mine = selectors.orders_for(user).filter(status__in=OPEN_ORDER).order_by("scheduled_at", "id")
        yield Task(key="hc_mine", title="我的养老服务订单", count=mine.count(), url=reverse("homecare:mobile"),
                   items=first(mine, _item("homecare:mobile_detail")), due_label="预约日期")
        return
    if user.can(Cap.HOMECARE_DISPATCH):
        placed = selectors.orders_for(user).filter(status=S.PLACED).order_by("scheduled_at", "id")
        url = reverse("homecare:orders") + "?" + urlencode({"status": S.PLACED})
        yield Task(key="hc_dispatch", title="待派单", count=placed.count(), url=url, due_label="预约日期",
                   items=first(placed, lambda o: Item(label=f"{o.person.name} · {o.item.name}",
                                                      url=reverse("homecare:overview"),  # 派单 is done there
                                                      due=local_date(o.scheduled_at), note=o.number)))
