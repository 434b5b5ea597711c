"""The 社工站 reference data (data/socialwork/): target-group categories and service kinds."""

import csv
import functools

from django.conf import settings

DIR = settings.DATA_DIR / "socialwork"


@functools.cache
def target_groups() -> dict[str, str]:
    """Registry category → the target group it puts a person in."""
    with open(DIR / "target_groups.csv", encoding="utf-8") as f:
        return {r["category"]: r["group"] for r in csv.DictReader(f)}


@functools.cache
def service_kinds() -> dict[str, str]:
    with open(DIR / "services.csv", encoding="utf-8") as f:
        return {r["code"]: r["label"] for r in csv.DictReader(f)}
