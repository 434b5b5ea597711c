"""The elderly categories, the 特殊困难 group and the scalar parameters (age limits, visits per month, target),
read from data/eldercare/*.csv. Every row carries its citation and status; code only knows the column names."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings

from minzheng.core.errors import DomainError

DATA = Path(settings.DATA_DIR) / "eldercare"
SOURCES = {"registry": "登记", "enrolment": "救助对象", "assessment": "能力评估", "age": "年龄",
           "disability": "残疾等级"}


@dataclass(frozen=True)
class CategoryRule:
    code: str
    label: str
    source: str          # see SOURCES
    param: str           # registry/enrolment: the code; assessment: levels "3 4"; age: years; disability: max grade
    special: bool        # counts towards 特殊困难老年人
    effective_from: dt.date
    effective_to: dt.date | None
    status: str
    citation: str
    note: str

    @property
    def levels(self) -> list[int]:
        return [int(x) for x in self.param.split()]

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class Param:
    kind: str
    value: Decimal
    unit: str
    status: str
    citation: str
    note: str


def _rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _date(s):
    return dt.date.fromisoformat(s) if s else None


@cache
def categories() -> tuple[CategoryRule, ...]:
    out = []
    for r in _rows("categories.csv"):
        if r["source"] not in SOURCES or r["special_difficulty"] not in ("yes", "no"):
            raise ValueError(f"data/eldercare/categories.csv: {r['code']} source/special_difficulty invalid")
        out.append(CategoryRule(code=r["code"], label=r["label"], source=r["source"], param=r["param"],
                                special=r["special_difficulty"] == "yes", effective_from=_date(r["effective_from"]),
                                effective_to=_date(r["effective_to"]), status=r["status"], citation=r["citation"],
                                note=r["note"]))
    return tuple(out)


def categories_on(on: dt.date) -> list[CategoryRule]:
    return [c for c in categories() if c.in_force(on)]


def category(code: str) -> CategoryRule:
    for c in categories():
        if c.code == code:
            return c
    raise DomainError(f"老年人类别“{code}”无效", code="invalid_category", field="类别")


def category_labels() -> dict[str, str]:
    return {c.code: c.label for c in categories()}


@cache
def _params() -> tuple[dict, ...]:
    return tuple(_rows("params.csv"))


def param(kind: str, on: dt.date, area=None) -> Param:
    """The value of `kind` on `on`: the most specific jurisdiction on the area's path wins (area code prefix),
    falling back to the province row 440000."""
    codes = {"440000"}
    if area is not None:
        codes |= {a.code for a in area.ancestors()}
    rows = [r for r in _params() if r["kind"] == kind and r["jurisdiction"] in codes
            and _date(r["effective_from"]) <= on and (not r["effective_to"] or on <= _date(r["effective_to"]))]
    if not rows:
        raise DomainError(f"参数“{kind}”在{on.isoformat()}没有生效的取值（data/eldercare/params.csv）",
                          code="missing_param", field=kind)
    r = max(rows, key=lambda r: (len(r["jurisdiction"].rstrip("0")), r["effective_from"]))
    return Param(kind=kind, value=Decimal(r["value"]), unit=r["unit"], status=r["status"], citation=r["citation"],
                 note=r["note"])


def param_latest(kind: str, area=None) -> Param:
    """A target stated for a future date (月探访率 100% by end 2025) applies as the figure to compare with now."""
    rows = [r for r in _params() if r["kind"] == kind]
    if not rows:
        raise DomainError(f"参数“{kind}”未载明", code="missing_param", field=kind)
    return param(kind, max(_date(r["effective_from"]) for r in rows), area)


@dataclass(frozen=True)
class VisitMode:
    code: str
    label: str
    counts: bool
    status: str
    note: str


@cache
def visit_modes() -> tuple[VisitMode, ...]:
    return tuple(VisitMode(code=r["code"], label=r["label"], counts=r["counts"] == "yes", status=r["status"],
                           note=r["note"]) for r in _rows("visit_modes.csv"))


@cache
def call_kinds() -> dict[str, str]:
    return {r["code"]: r["label"] for r in _rows("call_kinds.csv")}
