"""The reference data of the 社会组织 app (data/socialorgs/): credit-list grounds with citations and the dates."""

import csv
import datetime as dt
import functools
from dataclasses import dataclass

from django.conf import settings

DIR = settings.DATA_DIR / "socialorgs"


@dataclass(frozen=True)
class Ground:
    code: str
    list_kind: str
    label: str
    citation: str
    valid_from: dt.date


@functools.cache
def grounds() -> dict[str, Ground]:
    with open(DIR / "credit_grounds.csv", encoding="utf-8") as f:
        return {r["code"]: Ground(r["code"], r["list"], r["label"], r["citation"],
                                  dt.date.fromisoformat(r["valid_from"])) for r in csv.DictReader(f)}


@functools.cache
def rules() -> dict[str, int]:
    with open(DIR / "rules.csv", encoding="utf-8") as f:
        return {r["key"]: int(r["value"]) for r in csv.DictReader(f)}


def report_due(year: int) -> dt.date:
    """The day the 年报 for `year` is due (31 May of the next year)."""
    r = rules()
    return dt.date(year + 1, r["annual_report_due_month"], r["annual_report_due_day"])
