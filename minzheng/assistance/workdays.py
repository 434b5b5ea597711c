"""The workflow's time limits, counted in working days (core/periods.py: 法定节假日 and 调休), read from data.

Time limits (in working days), the publicity period, the spot-check
share and the 先救助后说明 cap come from data/policy/workflow.csv, each with its citation.
"""

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal, overload

from django.conf import settings

from minzheng.areas.models import Area
from minzheng.core.errors import DomainError
from minzheng.core.periods import add_workdays, is_workday, workdays_between  # noqa: F401  (re-exported: generic)

DATA = Path(settings.BASE_DIR) / "data"
WORKFLOW_CSV = DATA / "policy" / "workflow.csv"


# --- workflow parameters -------------------------------------------------------------------------

@dataclass(frozen=True)
class Param:
    key: str
    value: Decimal
    unit: str
    status: str
    citation: str
    note: str

    @property
    def explanation(self) -> str:
        tag = "（演示假设值，规划未载明）" if self.status == "assumed" else ""
        return f"{self.note}：{self.value.normalize():f}{self.unit}{tag}，依据：{self.citation}"


@functools.cache
def _workflow_rows(path: Path = WORKFLOW_CSV) -> tuple[dict, ...]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = []
        for n, row in enumerate(csv.DictReader(f), start=2):
            try:
                row["value"] = Decimal(row["value"])
            except Exception:
                raise DomainError(f"{path.name}第{n}行：数值“{row['value']}”无效", field="value") from None
            rows.append(row)
        return tuple(rows)


@overload
def workflow_param(key: str, *, programme: str = "", area: Area | None = None, required: Literal[True] = True
                   ) -> Param: ...
@overload
def workflow_param(key: str, *, programme: str = "", area: Area | None = None, required: bool) -> Param | None: ...
def workflow_param(key: str, *, programme: str = "", area: Area | None = None, required: bool = True) -> Param | None:
    """The most specific row for key: the nearest jurisdiction (area code up the tree, then '*'), and the
    programme's own row before the '*' row."""
    codes = [a.code for a in reversed(list(area.ancestors()))] if area is not None else []
    codes.append("*")
    candidates = [r for r in _workflow_rows() if r["key"] == key and r["programme"] in (programme, "*")]
    for code in codes:
        for prog in (programme, "*"):
            for r in candidates:
                if r["jurisdiction"] == code and r["programme"] == prog:
                    return Param(key, r["value"], r["unit"], r["status"], r["citation"], r["note"])
    if required:
        raise DomainError(f"流程参数“{key}”未配置（data/policy/workflow.csv）", code="no_workflow_param")
    return None


def step_days(step: str, *, programme: str = "", area=None) -> int | None:
    p = workflow_param(f"step_days.{step}", programme=programme, area=area, required=False)
    return int(p.value) if p else None
