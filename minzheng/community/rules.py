"""城乡社区治理 reference data (data/community/): 议事协商 participant kinds, and the 村（社区）基本公共服务目录 and
印章使用范围清单 per jurisdiction with the document each comes from."""

import csv
import functools
from typing import Any

from django.conf import settings

from minzheng.areas.models import Area

DIR = settings.DATA_DIR / "community"
LISTS = {"services": "村（社区）基本公共服务目录", "seals": "印章使用范围清单"}


def _rows(name: str) -> list[dict[str, str]]:
    with open(DIR / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@functools.cache
def participant_kinds() -> dict[str, str]:
    return {r["code"]: r["label"] for r in _rows("consultation_participants.csv")}


def participant_counts(participants: dict[str, int]) -> list[tuple[str, int]]:
    """(label, count) in the catalogue's order: PostgreSQL's jsonb does not keep the order the keys were stored in."""
    return [(label, participants[k]) for k, label in participant_kinds().items() if participants.get(k)]


def village_kind(area: Area) -> str:
    """村 or 社区: the area tree does not mark it, the name does (…村、…村委会 are villages; …社区、…居委会 not)."""
    return "community" if area.name.endswith(("社区", "居委会", "居民委员会")) else "village"


def catalogue(area: Area, which: str) -> dict[str, Any]:
    """The list (`services` or `seals`) that applies to a village: the nearest jurisdiction above it that has one
    for its kind (村/社区), else the default list, with the document, its declared item count and the items."""
    kind = village_kind(area)
    codes = [a.code for a in reversed(list(area.ancestors()))] + ["default"]
    docs = [r for r in _rows("catalogue_documents.csv") if r["list"] == which and r["kind"] in (kind, "both")]
    for code in codes:
        doc = next((r for r in docs if r["jurisdiction"] == code), None)
        if doc is None:
            continue
        items = [r for r in _rows("catalogue_items.csv")
                 if r["jurisdiction"] == code and r["list"] == which and r["kind"] in (kind, "both")]
        declared = int(doc["declared_items"]) if doc["declared_items"] else None
        return {"list": LISTS[which], "jurisdiction": code, "document": doc["document"], "declared": declared,
                "effective_from": doc["effective_from"], "citation": doc["citation"],
                "items": [{"category": r["category"], "item": r["item"],
                           "demo": "演示条目" in r["citation"]} for r in items]}
    raise LookupError(which)  # the default rows guarantee a list


@functools.cache
def term_years() -> dict[str, tuple[int, str]]:
    """Years of one term (届) by kind of body, with the article it rests on (data/community/terms.csv)."""
    return {r["kind"]: (int(r["term_years"]), r["citation"]) for r in _rows("terms.csv")}
