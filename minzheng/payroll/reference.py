"""Reference data the payroll reads: programme labels and fund sources, exclusions between programmes and the
supervision rules' configuration. All of it is data (data/payroll/, data/policy/exclusions.csv), each row with
its citation or a note saying it is a demo assumption."""

import csv
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from minzheng.core.errors import DomainError

from .models import SupervisionRule

FUNDS_CSV = settings.DATA_DIR / "payroll" / "funds.csv"
RULES_CSV = settings.DATA_DIR / "payroll" / "supervision_rules.csv"
EXCLUSIONS_CSV = settings.DATA_DIR / "policy" / "exclusions.csv"
DEFAULT_FUND = "市县"


@dataclass(frozen=True)
class ProgrammeInfo:
    code: str
    label: str   # as printed in the bank file's 摘要, e.g. 低保金
    fund: str    # 资金来源: 中央 / 省 / 市县


@dataclass(frozen=True)
class Exclusion:
    """Receiving `own_component` (''=any) of this programme excludes `other_component` of `other`."""

    other: str
    own_component: str
    other_component: str
    citation: str


def _read(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@functools.cache
def _funds() -> dict[str, ProgrammeInfo]:
    return {r["programme"]: ProgrammeInfo(r["programme"], r["label"], r["fund"] or DEFAULT_FUND)
            for r in _read(FUNDS_CSV)}


# The payroll knows no programme (DESIGN.md §5): the assistance app registers its programme look-up here when the
# apps are ready (AssistanceConfig.ready). It returns the programme module (with .label and .excludes) or None.
_programme_lookups: list[Callable[[str], object | None]] = []


def register_programme_lookup(lookup: Callable[[str], object | None]) -> None:
    if lookup not in _programme_lookups:
        _programme_lookups.append(lookup)


def _registered(code: str):
    for lookup in _programme_lookups:
        if (prog := lookup(code)) is not None:
            return prog
    return None


def programme_info(code: str) -> ProgrammeInfo:
    """Label and fund of a programme: a registered programme module or a row of funds.csv; else a Chinese error."""
    prog = _registered(code)
    row = _funds().get(code)
    if prog is None and row is None:
        raise DomainError(f"救助项目“{code}”不存在", code="unknown_programme", field="救助项目")
    label = row.label if row else f"{prog.label}救助金"
    return ProgrammeInfo(code, label, row.fund if row else DEFAULT_FUND)


def programme_label(code: str) -> str:
    """The label of `code` for a page; an unknown code (data of a retired programme) reads as itself."""
    try:
        return programme_info(code).label
    except DomainError:
        return code


def programme_choices() -> list[tuple[str, str]]:
    """(code, label) of every programme the payroll pays (funds.csv), for the 生成发放名单 form."""
    return [(code, info.label) for code, info in _funds().items()]


def exclusions_for(code: str) -> list[Exclusion]:
    """Programmes a recipient of `code` may not receive at the same time, both from the data file (read in both
    directions) and from the programme module's own `excludes`."""
    out: dict[tuple[str, str, str], Exclusion] = {}
    for r in _read(EXCLUSIONS_CSV):
        a, ca, b, cb = r["programme_a"], r["component_a"], r["programme_b"], r["component_b"]
        if a == code:
            out[(b, ca, cb)] = Exclusion(b, ca, cb, r["citation"])
        if b == code:
            out[(a, cb, ca)] = Exclusion(a, cb, ca, r["citation"])
    prog = _registered(code)
    for other in getattr(prog, "excludes", ()) or ():
        out.setdefault((other, "", ""), Exclusion(other, "", "", f"救助项目“{code}”的互斥声明"))
    return list(out.values())


def ensure_rules():
    """Create the supervision rules named in the data file that the database does not have yet; keep edits."""

    existing = set(SupervisionRule.objects.values_list("code", flat=True))
    new = [SupervisionRule(code=r["code"], label=r["label"], blocking=r["blocking"] == "1",
                           parameter=Decimal(r["parameter"]) if r["parameter"] else None, note=r["note"])
           for r in _read(RULES_CSV) if r["code"] not in existing]
    if new:
        SupervisionRule.objects.bulk_create(new, ignore_conflicts=True)
    return {r.code: r for r in SupervisionRule.objects.all()}
