"""The service menu that applies in an area on a day."""

import datetime as dt

from minzheng.areas.models import Area

from ..models import (
    ServiceItem,
)


def catalogue_for(area: Area, on: dt.date) -> tuple[Area | None, list[ServiceItem]]:
    """The menu that applies in `area` on a day: the nearest jurisdiction with items, latest version per code."""
    # One query over the area and all its ancestors (their ids are the area's path), nearest first in Python.
    ids = [int(x) for x in area.path.strip("/").split("/")]
    by_area: dict[int, list[ServiceItem]] = {}
    for it in (ServiceItem.objects.filter(area_id__in=ids, valid_from__lte=on).exclude(valid_to__lte=on)
               .select_related("area").order_by("code", "-valid_from")):
        by_area.setdefault(it.area_id, []).append(it)
    for a in reversed(ids):
        if a in by_area:
            latest: dict[str, ServiceItem] = {}
            for it in by_area[a]:
                latest.setdefault(it.code, it)
            return by_area[a][0].area, sorted(latest.values(), key=lambda i: (i.is_package, i.category, i.code))
    return None, []
