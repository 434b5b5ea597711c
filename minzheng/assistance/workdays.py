"""Working days (法定节假日 and 调休) and the workflow's time limits, both read from data files.

A working day is Monday–Friday unless the calendar lists it as a `holiday`, plus any Saturday/Sunday the
calendar lists as a `workday` (调休上班). Time limits (in working days), the publicity period, the spot-check
share and the 先救助后说明 cap come from data/policy/workflow.csv, each with its citation.
"""

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal, overload

from django.conf import settings

from minzheng.areas.models import Area
from minzheng.core.errors import DomainError

DATA = Path(settings.BASE_DIR) / "data"
HOLIDAYS_CSV = DATA / "calendar" / "holidays_cn.csv"
WORKFLOW_CSV = DATA / "policy" / "workflow.csv"


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]   # 调休: weekend days that are worked
    first: dt.date
    last: dt.date

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def covered(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


@functools.cache
def calendar(path: Path = HOLIDAYS_CSV) -> Calendar:
    holidays, workdays = set(), set()
    with open(path, encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            try:
                day = dt.date.fromisoformat(row["date"])
            except ValueError:
                raise DomainError(f"{path.name}第{n}行：日期“{row['date']}”无效", field="date") from None
            kind = row["kind"].strip()
            if kind == "holiday":
                holidays.add(day)
            elif kind == "workday":
                if day.weekday() < 5:
                    raise DomainError(f"{path.name}第{n}行：{day}不是周末，不能列为调休上班日", field="kind")
                workdays.add(day)
            else:
                raise DomainError(f"{path.name}第{n}行：类别“{kind}”应为holiday或workday", field="kind")
    years = {d.year for d in holidays | workdays}
    return Calendar(frozenset(holidays), frozenset(workdays), dt.date(min(years), 1, 1), dt.date(max(years), 12, 31))


def is_workday(day: dt.date) -> bool:
    return calendar().is_workday(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (the day of the event itself does not count), n >= 0.

    add_workdays(Friday, 1) is the next Monday; with n == 0 the result is `start` or, if that is a day off,
    the next working day.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    cal = calendar()
    day = start
    if n == 0:
        while not cal.is_workday(day):
            day += dt.timedelta(days=1)
        return day
    while n:
        day += dt.timedelta(days=1)
        if cal.is_workday(day):
            n -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    cal = calendar()
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += cal.is_workday(day)
    return count


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
