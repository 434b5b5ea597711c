"""The portal's limits as dated data (data/portal/params.csv): code length, lifetime, attempts, lockout."""

import datetime as dt
from pathlib import Path

from django.conf import settings

from minzheng.core.dated_rules import rule_int

DATA = Path(settings.DATA_DIR) / "portal"


def param(key: str, on: dt.date) -> int:
    return rule_int(DATA / "params.csv", key, on)
