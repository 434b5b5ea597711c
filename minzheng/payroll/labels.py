"""Programme labels and fund sources the payroll reads (data/payroll/funds.csv) and the look-up the assistance app
registers. Apart from reference.py because the models name a roster by its programme's label."""

import csv
import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from minzheng.core.errors import DomainError

FUNDS_CSV = settings.DATA_DIR / "payroll" / "funds.csv"
DEFAULT_FUND = "市县"


@dataclass(frozen=True)
class ProgrammeInfo:
    code: str
    label: str   # as printed in the bank file's 摘要, e.g. 低保金
    fund: str    # 资金来源: 中央 / 省 / 市县


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


