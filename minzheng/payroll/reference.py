"""Reference data the payroll reads: programme labels and fund sources, exclusions between programmes and the
supervision rules' configuration. All of it is data (data/payroll/, data/policy/exclusions.csv), each row with
its citation or a note saying it is a demo assumption."""

import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings

from minzheng.core.errors import DomainError
from minzheng.core.money import fen

from .models import SupervisionRule

RULES_CSV = settings.DATA_DIR / "payroll" / "supervision_rules.csv"
EXCLUSIONS_CSV = settings.DATA_DIR / "policy" / "exclusions.csv"
NEEDS_CSV = settings.DATA_DIR / "payroll" / "programme_needs.csv"


@dataclass(frozen=True)
class Exclusion:
    """Receiving `own_component` (''=any) of this programme excludes `other_component` of `other`."""

    other: str
    own_component: str
    other_component: str
    citation: str


from .labels import (  # noqa: E402,F401  (re-exported: the lookup's home for callers that knew it here)
    DEFAULT_FUND,
    ProgrammeInfo,
    _read,
    _registered,
    programme_choices,
    programme_info,
    programme_label,
    register_programme_lookup,
)


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
    in_data = {key[0] for key in out}
    for other in getattr(prog, "excludes", ()) or ():
        # A data row (with its citation and components) is the rule; the module's declaration only fills a gap.
        if other not in in_data:
            out[(other, "", "")] = Exclusion(other, "", "", f"{programme_info(code).label}的互斥规定")
    return list(out.values())


def need_of(programme: str) -> str | None:
    """The need a programme's money meets (data/payroll/programme_needs.csv), for the charity_double rule."""
    for r in _read(NEEDS_CSV):
        if r["programme"] == programme:
            return r["need"]
    return None


def need_label(need: str) -> str:
    return next((r["need_label"] for r in _read(NEEDS_CSV) if r["need"] == need), need)


def ensure_rules():
    """Create the supervision rules named in the data file that the database does not have yet; keep edits."""

    existing = set(SupervisionRule.objects.values_list("code", flat=True))
    new = [SupervisionRule(code=r["code"], label=r["label"], blocking=r["blocking"] == "1",
                           parameter=Decimal(r["parameter"]) if r["parameter"] else None, note=r["note"])
           for r in _read(RULES_CSV) if r["code"] not in existing]
    if new:
        SupervisionRule.objects.bulk_create(new, ignore_conflicts=True)
    return {r.code: r for r in SupervisionRule.objects.all()}


# --- fund shares (中央/省/市/县) ------------------------------------------------------------------------------

FUND_SHARES_CSV = settings.DATA_DIR / "payroll" / "fund_shares.csv"
SOURCES = ("central", "province", "city", "county")
SOURCE_LABELS = {"central": "中央", "province": "省级", "city": "市级", "county": "县级"}


@dataclass(frozen=True)
class FundShares:
    """Who pays what share (percent) of a programme's money in a jurisdiction, with the row's citation."""

    programme: str
    jurisdiction: str
    percent: dict[str, Decimal]
    citation: str
    assumed: bool


@functools.cache
def _shares_rows() -> dict[tuple[str, str], FundShares]:
    out = {}
    for line, r in enumerate(_read(FUND_SHARES_CSV), start=2):
        where = f"fund_shares.csv第{line}行"
        try:
            percent = {s: Decimal(r[s]) for s in SOURCES}
        except (InvalidOperation, TypeError):
            raise DomainError(f"{where}：分担比例应为数字", field="分担比例") from None
        if any(v < 0 for v in percent.values()) or sum(percent.values()) != 100:
            raise DomainError(f"{where}：中央、省、市、县分担比例合计应为100，现为{sum(percent.values())}",
                              field="分担比例")
        if not r["citation"].strip():
            raise DomainError(f"{where}：缺少出处", field="出处")
        out[(r["programme"], r["jurisdiction"])] = FundShares(r["programme"], r["jurisdiction"], percent,
                                                              r["citation"], r["status"] == "assumed")
    return out


def fund_shares(programme: str, area) -> FundShares:
    """The shares of the nearest jurisdiction (the area itself, then up to the province) that has a row."""
    rows = _shares_rows()
    for code in reversed(list(area.ancestors().values_list("code", flat=True))):
        if (programme, code) in rows:
            return rows[(programme, code)]
    raise DomainError(f"{area.name}没有“{programme_info(programme).label}”的资金分担比例，请先在资金来源数据中录入",
                      field="资金分担比例")


def split_by_source(amount: Decimal, shares: FundShares) -> dict[str, Decimal]:
    """中央, 省 and 市 to the fen (the `fen` rounding row); the county (or, where it pays nothing, the largest payer)
    takes what is left, so the four add up to the amount exactly."""
    rest = remainder_source(shares)
    out = {s: fen(amount * shares.percent[s] / 100) for s in SOURCES if s != rest}
    out[rest] = amount - sum(out.values())
    return out


def remainder_source(shares: FundShares) -> str:
    if shares.percent["county"] > 0:
        return "county"
    return max(SOURCES, key=lambda s: shares.percent[s])
