from typing import TYPE_CHECKING

from django.db.models import QuerySet

from minzheng.core.errors import NotFound
from minzheng.core.scope import path_q, user_area_paths

from .models import Area

if TYPE_CHECKING:  # accounts sits above areas; the type alone is needed here
    from minzheng.accounts.models import User


def areas_for(user: "User", *, parent_code: str | None = None) -> QuerySet[Area]:
    """Areas the user works in and below (current ones). Area names are not personal data, but scope them too."""
    if not user_area_paths(user):
        return Area.objects.none()
    qs = Area.objects.current().filter(path_q(user, "path"))
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    return qs.order_by("path")


def area_get(user: "User", code: str) -> Area:
    area = areas_for(user).filter(code=code).first()
    if area is None:
        raise NotFound(f"行政区划“{code}”不存在或不在您的管辖范围内")
    return area


def top_areas(user: "User") -> list[Area]:
    return [a.area for a in user.area_assignments.select_related("area").order_by("area__path")]
