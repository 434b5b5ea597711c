"""The service menu that applies in an area on a day."""

import datetime as dt

from minzheng.areas.models import Area

from ..models import (
    ServiceItem,
)


def catalogue_for(area: Area, on: dt.date) -> tuple[Area | None, list[ServiceItem]]:
    """The menu that applies in `area` on a day: the nearest jurisdiction with items, latest version per code."""
    ancestors = list(area.ancestors())
    for a in reversed(ancestors):
        items = list(ServiceItem.objects.filter(area=a, valid_from__lte=on).exclude(valid_to__lte=on)
                     .order_by("code", "-valid_from"))
        if items:
            latest = {}
            for it in items:
                latest.setdefault(it.code, it)
            return a, sorted(latest.values(), key=lambda i: (i.is_package, i.category, i.code))
    return None, []
