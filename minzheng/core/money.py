"""Money: exact `Decimal` amounts in 元, and the one way to round them.

How an amount is rounded is policy data (data/policy/rounding.csv, one row per purpose with its citation):
`payment` (assistance amounts, to the unit of the payment_rounding standard in force), `share` (a household
total split per member) and `fen` (derived amounts kept to 0.01 元). Formulas carry their own rounding code
(data/policy/formulas.csv), which minzheng/policy turns into a unit and a mode for `round_to`.
Never float: a float read back from SQLite is converted through its shortest text form.
"""

import csv
import functools
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path

from django.conf import settings

ROUNDING_CSV = Path(settings.BASE_DIR) / "data" / "policy" / "rounding.csv"
FEN = Decimal("0.01")
YUAN = Decimal("1")


class Mode(StrEnum):
    UP = "up"            # 进位: towards +∞ (a floor stated as "不低于" is never broken)
    HALF_UP = "half_up"  # 四舍五入: ties away from zero
    DOWN = "down"        # 舍去: towards −∞


_DECIMAL_MODES = {Mode.UP: ROUND_CEILING, Mode.HALF_UP: ROUND_HALF_UP, Mode.DOWN: ROUND_FLOOR}


@dataclass(frozen=True)
class RoundingRule:
    purpose: str
    unit: Decimal | None  # None: the caller supplies it (payment_rounding standard in force)
    mode: Mode
    status: str
    citation: str
    note: str


@functools.cache
def rules(path: Path = ROUNDING_CSV) -> dict[str, RoundingRule]:
    out = {}
    with open(path, encoding="utf-8", newline="") as f:
        for n, r in enumerate(csv.DictReader(f), start=2):
            if r["mode"] not in Mode.__members__.values():
                raise ValueError(f"{path.name}:{n}: unknown rounding mode {r['mode']!r}")
            out[r["purpose"]] = RoundingRule(r["purpose"], Decimal(r["unit"]) if r["unit"] else None, Mode(r["mode"]),
                                             r["status"], r["citation"], r["note"])
    return out


def amount(value) -> Decimal:
    """An exact Decimal for a stored or computed amount; a float (SQLite) goes through its shortest text form."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_to(value, *, unit: Decimal, mode: Mode | str) -> Decimal:
    """The one rounding primitive: `value` to a whole number of `unit` (0.01, 1, 10 …) by `mode`."""
    unit = amount(unit)
    if unit <= 0:
        raise ValueError("rounding unit must be positive")
    return (amount(value) / unit).quantize(YUAN, rounding=_DECIMAL_MODES[Mode(mode)]) * unit


# The rounding codes data files spell (data/policy/formulas.csv `rounding`, each row with its citation).
CODES: dict[str, tuple[Decimal, Mode] | None] = {
    "yuan_up": (YUAN, Mode.UP), "yuan_half_up": (YUAN, Mode.HALF_UP), "fen_half_up": (FEN, Mode.HALF_UP), "none": None}


def round_by(value, code: str) -> Decimal:
    """`value` rounded as a data file's rounding code says (`none` leaves it exact)."""
    rule = CODES[code]
    return amount(value) if rule is None else round_to(value, unit=rule[0], mode=rule[1])


def round_amount(value, purpose: str, *, unit: Decimal | None = None) -> Decimal:
    """`value` rounded as the policy row for `purpose` says; `unit` is required where the row leaves it open."""
    rule = rules()[purpose]
    unit = unit if unit is not None else rule.unit
    if unit is None:
        raise ValueError(f"rounding for {purpose!r} needs the unit in force")
    return round_to(value, unit=unit, mode=rule.mode)


def round_payment(value, unit: Decimal) -> Decimal:
    """An assistance amount rounded as the `payment` row says, to `unit` (the payment_rounding standard in force)."""
    return round_amount(value, "payment", unit=unit)


def fen(value) -> Decimal:
    """An amount kept to the fen (0.01 元), as the `fen` policy row says."""
    return round_amount(value, "fen")


def split_amount(total: Decimal, n: int, *, unit: Decimal) -> list[Decimal]:
    """Share `total` among n in whole `unit`s, each rounded as the `share` row says; the remainder goes to the first,
    so the shares add up to `total` exactly."""
    if n < 1:
        raise ValueError("n must be >= 1")
    each = round_amount(amount(total) / n, "share", unit=unit)
    return [total - each * (n - 1)] + [each] * (n - 1)
