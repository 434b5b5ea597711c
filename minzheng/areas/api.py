from ninja import Router, Schema

from minzheng.areas.selectors import area_get, areas_for

router = Router(tags=["行政区划"])


class AreaOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    code_source: str
    valid_from: str
    valid_to: str | None

    @staticmethod
    def from_area(a):
        return AreaOut(code=a.code, name=a.name, level=a.level, parent_code=a.parent.code if a.parent_id else None,
                       code_source=a.code_source, valid_from=a.valid_from.isoformat(),
                       valid_to=a.valid_to.isoformat() if a.valid_to else None)


@router.get("", response=list[AreaOut], summary="管辖范围内的行政区划")
def list_areas(request, parent: str | None = None):
    return [AreaOut.from_area(a) for a in areas_for(request.user, parent_code=parent).select_related("parent")]


@router.get("/{code}", response=AreaOut, summary="单个行政区划")
def get_area(request, code: str):
    return AreaOut.from_area(area_get(request.user, code))
