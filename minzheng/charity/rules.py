"""The numbers 慈善法 (2023年修正) and its rules set, as data (data/charity/law.csv: value, effective date,
citation), and the needs a charity payment can meet (data/charity/needs.csv)."""

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

DIR = settings.DATA_DIR / "charity"


@dataclass(frozen=True)
class LawRule:
    key: str
    value: Decimal
    effective_from: dt.date
    citation: str
    note: str


@functools.cache
def law() -> dict[str, LawRule]:
    with open(DIR / "law.csv", encoding="utf-8") as f:
        return {r["key"]: LawRule(r["key"], Decimal(r["value"]), dt.date.fromisoformat(r["effective_from"]),
                                  r["citation"], r["note"]) for r in csv.DictReader(f)}


def rule(key: str) -> LawRule:
    return law()[key]


@functools.cache
def needs() -> dict[str, str]:
    with open(DIR / "needs.csv", encoding="utf-8") as f:
        return {r["code"]: r["label"] for r in csv.DictReader(f)}
