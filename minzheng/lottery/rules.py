"""The numbers 福彩 work to, as data (data/charity/lottery.csv: value, effective date, the area a plan sets it for
— empty for every area — and the citation)."""

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from minzheng.areas.models import Area


@dataclass(frozen=True)
class LotteryRule:
    key: str
    value: Decimal
    effective_from: dt.date
    area_code: str  # "" = every area
    citation: str

    def applies(self, area: Area, on: dt.date) -> bool:
        """In force on the date, for this area or one inside the area the plan speaks for."""
        if on < self.effective_from:
            return False
        if not self.area_code:
            return True
        return any(a.code == self.area_code for a in area.ancestors())


@functools.cache
def rules() -> dict[str, LotteryRule]:
    with open(settings.DATA_DIR / "charity" / "lottery.csv", encoding="utf-8") as f:
        return {r["key"]: LotteryRule(r["key"], Decimal(r["value"]), dt.date.fromisoformat(r["effective_from"]),
                                      r["area_code"].strip(), r["citation"]) for r in csv.DictReader(f)}


def rule(key: str) -> LotteryRule:
    return rules()[key]
