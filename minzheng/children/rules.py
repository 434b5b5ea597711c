"""大儿童保障 rules read from data/children/*.csv: categories and their sources, visit intervals, report priorities
and step deadlines, and the versioned risk-assessment form. Every row carries its citation; code knows columns."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from minzheng.core.errors import DomainError

DATA = Path(settings.DATA_DIR) / "children"
SOURCES = ("orphan_placement", "enrolment", "household_poor", "self", "guardianship", "registry", "any_of")


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(f)]


def _date(s: str) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


@dataclass(frozen=True)
class CategoryRule:
    code: str
    label: str
    group: str
    source: str
    param: str
    max_age: int
    visit_interval_days: int | None
    effective_from: dt.date
    effective_to: dt.date | None
    citation: str

    @property
    def params(self) -> list[str]:
        return self.param.split()

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@cache
def categories() -> tuple[CategoryRule, ...]:
    out = []
    for r in _rows("categories.csv"):
        if r["source"] not in SOURCES:
            raise ValueError(f"data/children/categories.csv: {r['code']} source {r['source']!r} invalid")
        out.append(CategoryRule(
            code=r["code"], label=r["label"], group=r["group"], source=r["source"], param=r["param"],
            max_age=int(r["max_age"]), visit_interval_days=int(r["visit_interval_days"]) if r["visit_interval_days"]
            else None, effective_from=_date(r["effective_from"]) or dt.date(2020, 1, 1),
            effective_to=_date(r["effective_to"]), citation=r["citation"]))
    return tuple(out)


def categories_on(on: dt.date) -> list[CategoryRule]:
    return [c for c in categories() if c.in_force(on)]


def category(code: str) -> CategoryRule:
    for c in categories():
        if c.code == code:
            return c
    raise DomainError(f"儿童类别“{code}”无效", code="invalid_category", field="类别")


def category_labels() -> dict[str, str]:
    return {c.code: c.label for c in categories()}


@cache
def _params() -> dict[str, int]:
    return {r["kind"]: int(r["value"]) for r in _rows("params.csv")}


def param(kind: str) -> int:
    try:
        return _params()[kind]
    except KeyError:
        raise DomainError(f"参数“{kind}”未载明", code="missing_param", field=kind) from None


def child_age_limit() -> int:
    return param("child_age_limit")


@dataclass(frozen=True)
class Priority:
    code: str
    label: str
    verify_workdays: int
    emergency_workdays: int | None


@cache
def priorities() -> dict[str, Priority]:
    return {r["code"]: Priority(r["code"], r["label"], int(r["verify_workdays"]),
                                int(r["emergency_workdays"]) if r["emergency_workdays"] else None)
            for r in _rows("priorities.csv")}


def priority(code: str) -> Priority:
    p = priorities().get(code)
    if p is None:
        raise DomainError(f"紧急程度“{code}”无效，应为{'、'.join(x.label for x in priorities().values())}",
                          field="紧急程度")
    return p


@cache
def step_workdays() -> dict[str, int]:
    return {r["step"]: int(r["workdays"]) for r in _rows("steps.csv")}


@cache
def report_sources() -> dict[str, str]:
    return {r["code"]: r["label"] for r in _rows("sources.csv")}


# --- the risk-assessment form, versioned ----------------------------------------------------------------

@dataclass(frozen=True)
class FormItem:
    code: str
    label: str
    options: dict[int, str]


@dataclass(frozen=True)
class RiskForm:
    code: str
    version: int
    title: str
    effective_from: dt.date
    effective_to: dt.date | None
    citation: str
    items: tuple[FormItem, ...]
    bands: tuple[tuple[int, str, str], ...]   # (min score, level, label), ascending

    @property
    def key(self) -> str:
        return f"{self.code}_v{self.version}"

    def level_for(self, score: int) -> tuple[str, str]:
        level, label = self.bands[0][1], self.bands[0][2]
        for low, lv, lb in self.bands:
            if score >= low:
                level, label = lv, lb
        return level, label

    def level_label(self, level: str) -> str:
        return next((lb for _, lv, lb in self.bands if lv == level), level)


@cache
def forms() -> tuple[RiskForm, ...]:
    out = []
    for r in _rows("assessment_forms/forms.csv"):
        key = f"{r['code']}_v{r['version']}"
        items = tuple(FormItem(i["item"], i["label"], {int(k): v for k, v in
                                                         (o.split(":", 1) for o in i["options"].split("|"))})
                      for i in _rows(f"assessment_forms/{key}.csv"))
        bands = tuple(sorted((int(b["min_score"]), b["level"], b["label"])
                             for b in _rows(f"assessment_forms/{key}_levels.csv")))
        out.append(RiskForm(r["code"], int(r["version"]), r["title"], _date(r["effective_from"]) or dt.date.min,
                            _date(r["effective_to"]), r["citation"], items, bands))
    return tuple(out)


def form_on(on: dt.date, code: str = "risk") -> RiskForm:
    found = [f for f in forms() if f.code == code and f.effective_from <= on
             and (f.effective_to is None or on <= f.effective_to)]
    if not found:
        raise DomainError(f"{on.isoformat()}没有生效的评估表", field="评估表")
    return max(found, key=lambda f: f.version)


def form_by_key(key: str) -> RiskForm:
    for f in forms():
        if f.key == key:
            return f
    raise DomainError(f"评估表版本“{key}”不存在", field="评估表")
