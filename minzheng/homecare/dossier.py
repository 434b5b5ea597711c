"""一人一档's 居家养老服务: the person's orders, scoped like the order list."""

from collections.abc import Iterator

from django.urls import reverse

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.periods import local_date
from minzheng.registry.dossier import ROWS_SHOWN, Row, Section
from minzheng.registry.models import Person

from . import selectors
from .models import OrderStatus


def sections(user: User, person: Person) -> Iterator[Section]:
    if not user.can(Cap.HOMECARE_VIEW):
        return
    orders = selectors.orders_for(user).filter(person=person).order_by("-scheduled_at", "-id")
    yield Section(key="orders", title="居家养老服务订单",
                  headers=("订单号", "服务项目", "预约日期", "服务机构", "状态"),
                  rows=[Row(cells=(o.number, o.item.name, f"{local_date(o.scheduled_at):%Y-%m-%d}",
                                   o.provider.name if o.provider_id else "—", OrderStatus(o.status).label),
                            url=reverse("homecare:orders") + f"?status={o.status}")
                        for o in orders[:ROWS_SHOWN]])
