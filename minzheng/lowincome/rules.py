"""The monitoring's rules as data (data/lowincome/*.csv): event kinds and their feed layouts (reusing the 核对
source layouts of data/verification/sources.toml where a department's file is the same), dated warning rules,
monitored groups, parameters, and the departments the town window refers to."""

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from minzheng.core.dated_rules import rule as dated_rule
from minzheng.core.errors import DomainError
from minzheng.verification.adapters import SourceLayout, get_source

DATA = Path(settings.DATA_DIR) / "lowincome"


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(f)]


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    department: str
    layout: SourceLayout
    citation: str


@functools.cache
def kinds() -> dict[str, Kind]:
    out = {}
    for r in _rows("kinds.csv"):
        if r["verification_source"]:
            layout = get_source(r["verification_source"])  # the 核对 intake reads the same department file
        else:
            layout = SourceLayout(code=r["code"], name=r["name"], department=r["department"], nature="reference",
                                  id_column=r["id_column"], name_column=r["name_column"],
                                  amount_column=r["amount_column"], period="stock" if r["amount_column"] else "",
                                  date_column=r["date_column"],
                                  detail_columns=tuple(c for c in r["detail_columns"].split(";") if c))
        if not layout.date_column:
            raise ValueError(f"data/lowincome/kinds.csv: {r['code']} needs a date column")
        out[r["code"]] = Kind(r["code"], r["name"], r["department"], layout, r["citation"])
    return out


def get_kind(code: str) -> Kind:
    kind = kinds().get(code or "")
    if kind is None:
        known = "、".join(k.name for k in kinds().values())
        raise DomainError(f"未知的事件类型，可选：{known}", code="unknown_kind", field="事件类型")
    return kind


def kind_label(code: str) -> str:
    k = kinds().get(code)
    return k.name if k else {"discovery": "主动发现"}.get(code, code)


@dataclass(frozen=True)
class Group:
    code: str
    label: str
    source: str
    priority: int
    citation: str


@functools.cache
def groups() -> list[Group]:
    rows = [Group(r["code"], r["label"], r["source"], int(r["priority"]), r["citation"]) for r in _rows("groups.csv")]
    return sorted(rows, key=lambda g: g.priority)


def group_label(code: str) -> str:
    return next((g.label for g in groups() if g.code == code), code)


REGISTRABLE = ("edge", "expenditure")  # groups a town recognises by registration (groups.csv source `register`)


def param(key: str, on: dt.date) -> int:
    return int(dated_rule(DATA / "params.csv", key, on).value)


@dataclass(frozen=True)
class Need:
    code: str
    label: str
    department: str
    accept_workdays: int
    outcome_workdays: int
    citation: str


@functools.cache
def needs() -> dict[str, Need]:
    return {r["code"]: Need(r["code"], r["label"], r["department"], int(r["accept_workdays"]),
                            int(r["outcome_workdays"]), r["citation"]) for r in _rows("referral_needs.csv")}


def load_rules() -> int:
    """Bring the Rule table in line with rules.csv (idempotent: keyed by kind and effective date)."""
    from .models import Rule

    n = 0
    with transaction.atomic():
        for r in _rows("rules.csv"):
            if r["kind"] not in kinds():
                raise ValueError(f"data/lowincome/rules.csv: unknown kind {r['kind']}")
            Rule.objects.update_or_create(
                kind=r["kind"], effective_from=dt.date.fromisoformat(r["effective_from"]),
                defaults={"min_amount": Decimal(r["min_amount"]) if r["min_amount"] else None,
                          "severity": r["severity"], "verify_workdays": int(r["verify_workdays"]),
                          "effective_to": dt.date.fromisoformat(r["effective_to"]) if r["effective_to"] else None,
                          "assumed": r["status"] == "assumed", "citation": r["citation"], "note": r["note"]})
            n += 1
    return n


def param_text(key: str, on: dt.date) -> str:
    return dated_rule(DATA / "params.csv", key, on).value
