"""The child register as Excel, always masked (身份证号, guardians' numbers never leave in full: children's records
are 敏感个人信息), written row by row to a temporary file; the export itself is audited."""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import IO

from django.db import transaction
from openpyxl import Workbook

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.areas.selectors import top_areas
from minzheng.core import audit
from minzheng.core.periods import age_on
from minzheng.core.scope import require
from minzheng.core.tabular import safe_row

from . import rules, selectors

HEADERS = ["姓名", "性别", "出生日期", "年龄", "身份证号（脱敏）", "居住地", "类别", "就读学校", "最近走访"]


def children_export(*, actor: User, on: dt.date, query: str = "", area: Area | None = None, category: str = ""
                    ) -> tuple[IO[bytes], int]:
    require(actor, Cap.CHILD_VIEW)
    qs = selectors.child_search(actor, on=on, query=query, area=area, category=category).select_related(
        "child_file")
    labels = rules.category_labels()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("儿童名单")
    ws.append(safe_row(HEADERS))
    rows = 0
    for p in qs.iterator(chunk_size=2000):
        cats = [labels[r.code] for r in rules.categories_on(on) if getattr(p, f"cat_{r.code}", False)]
        f = getattr(p, "child_file", None)
        last = p.child_visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
        ws.append(safe_row([p.name, p.get_sex_display(), p.birth_date, age_on(p.birth_date, on), p.masked_id,
                            p.residence_area.name, "、".join(cats), f.school if f else "", last]))
        rows += 1
    out = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(out)
    out.seek(0)
    tops = top_areas(actor)
    with transaction.atomic():
        audit.record(actor=actor, action="children.export", object_type="child_list", object_id="-",
                     object_repr=f"儿童名单（{rows}人）",
                     area_code=area.code if area is not None else (tops[0].code if tops else ""),
                     after={"on": on, "area": area.code if area is not None else None, "category": category,
                            "rows": rows, "masked": True})
    return out, rows
