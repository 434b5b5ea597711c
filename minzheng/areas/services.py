"""Loading and re-dividing areas. Paths are maintained here and nowhere else."""

import csv
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from minzheng.core import audit
from minzheng.core.errors import DomainError

from .models import Area, CodeSource, Level

if TYPE_CHECKING:  # accounts sits above areas; the type alone is needed here
    from minzheng.accounts.models import User

AREAS_CSV = Path(settings.DATA_DIR) / "areas" / "areas.csv"


def _set_path(area: Area) -> None:
    area.path = (area.parent.path if area.parent else "/") + f"{area.pk}/"
    area.save(update_fields=["path"])


def area_create(*, actor: "User | None", code: str, name: str, level: str, parent: Area | None, code_source: str,
                valid_from: dt.date, valid_to: dt.date | None = None, note: str = "", audited: bool = True) -> Area:
    if level not in Level.values:
        raise DomainError(f"层级“{level}”无效", field="层级")
    if parent is None and level != Level.PROVINCE:
        raise DomainError(f"区划“{name}”缺少上级区划", field="上级区划")
    with transaction.atomic():
        area = Area.objects.create(code=code, name=name, level=level, parent=parent, code_source=code_source,
                                   valid_from=valid_from, valid_to=valid_to, note=note, path="/")
        _set_path(area)
        if audited:
            audit.record(actor=actor, action="area.create", object_type="area", object_id=area.code,
                         object_repr=area.name, area_code=area.code,
                         after={"code": code, "name": name, "level": level, "valid_from": valid_from})
    return area


def load_reference_areas(*, path: Path = AREAS_CSV, actor: "User | None" = None) -> int:
    """Idempotent load of data/areas/areas.csv (rows already present are skipped)."""
    created = 0
    with open(path, encoding="utf-8") as f, transaction.atomic():
        known = {a.code: a for a in Area.objects.current()}
        # Historical rows (valid_to set) are no longer "current"; key the skip on (code, valid_from) so a rerun
        # does not try to create them again.
        present = set(Area.objects.values_list("code", "valid_from"))
        for line_no, row in enumerate(csv.DictReader(f), start=2):
            valid_from = dt.date.fromisoformat(row["valid_from"] or "2020-01-01")
            valid_to = dt.date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None
            if (row["code"], valid_from) in present:
                continue
            parent = known.get(row["parent_code"]) if row["parent_code"] else None
            if row["parent_code"] and parent is None:
                raise DomainError(f"{path.name} 第{line_no}行：上级区划代码“{row['parent_code']}”不存在",
                                  field="parent_code")
            area = area_create(
                actor=actor, code=row["code"], name=row["name"], level=row["level"], parent=parent,
                code_source=row["code_source"], valid_from=valid_from, valid_to=valid_to,
                note=row.get("note", ""), audited=False)
            present.add((area.code, valid_from))
            if valid_to is None:
                known[area.code] = area
            created += 1
        if created:
            audit.record(actor=actor, action="area.load_reference", object_type="area", object_id=path.name,
                         after={"created": created})
    return created


def generate_villages(*, town: Area, count: int, actor: "User | None" = None) -> list[Area]:
    """Demo villages/communities under a town, clearly marked as generated."""
    names = ["东村", "西村", "南村", "北村", "中心社区", "新城社区", "河背村", "石岗村", "塘尾村", "上围村",
             "下围村", "龙岗村", "新安社区", "和平社区", "大坪村"]
    existing = {a.code for a in town.children.all()}
    made = []
    with transaction.atomic():
        for i in range(count):
            code = f"{town.code}{i + 1:03d}" if town.code[0].isdigit() else f"{town.code}V{i + 1:03d}"
            if code in existing:
                continue
            name = names[i % len(names)] + ("" if i < len(names) else str(i // len(names) + 1))
            made.append(area_create(actor=actor, code=code, name=name, level=Level.VILLAGE, parent=town,
                                    code_source=CodeSource.GENERATED, valid_from=town.valid_from,
                                    note="演示数据生成，非真实村居", audited=False))
        if made:
            audit.record(actor=actor, action="area.generate_villages", object_type="area", object_id=town.code,
                         object_repr=town.name, area_code=town.code, after={"created": len(made)})
    return made


def area_by_code(code: str, *, field: str = "区划代码", on: dt.date | None = None) -> Area:
    area = Area.objects.current(on).filter(code=(code or "").strip()).first()
    if area is None:
        raise DomainError(f"{field}“{code}”不存在或已失效", code="unknown_area", field=field)
    return area
