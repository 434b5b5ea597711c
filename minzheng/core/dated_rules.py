"""Rule values kept as dated rows in a CSV (key,value,valid_from,source): the newest row on or before a date
applies, and its source is the citation a refusal can quote."""

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from .errors import DomainError


@dataclass(frozen=True)
class DatedValue:
    key: str
    value: str
    valid_from: dt.date
    source: str


@functools.cache
def _rows(path: Path) -> tuple[DatedValue, ...]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = [DatedValue(r["key"], r["value"], dt.date.fromisoformat(r["valid_from"]), r["source"])
                for r in csv.DictReader(f)]
    return tuple(sorted(rows, key=lambda r: r.valid_from))


def rule(path: Path, key: str, on: dt.date) -> DatedValue:
    """The row of `key` in force on `on`; a date before every row is refused in Chinese."""
    found = None
    for r in _rows(path):
        if r.key == key and r.valid_from <= on:
            found = r
    if found is None:
        raise DomainError(f"{on.isoformat()}尚无适用的政策规定，请联系管理员补充", code="no_rule")
    return found


def rule_int(path: Path, key: str, on: dt.date) -> int:
    return int(rule(path, key, on).value)
