"""Reference data the payroll reads: programme labels and fund sources, exclusions between programmes and the
supervision rules' configuration. All of it is data (data/payroll/, data/policy/exclusions.csv), each row with
its citation or a note saying it is a demo assumption."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

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
