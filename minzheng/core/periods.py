"""The window of dates a record may carry. A date before the oldest programme run here (0001-01-01) or a payroll
month years ahead (9999-12) is a typo, refused with a Chinese message naming the field. Bounds are settings."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .errors import DomainError


def earliest_date() -> dt.date:
    return settings.RECORDS_EARLIEST_DATE


def check_not_before_records(value: dt.date, *, field: str, label: str) -> dt.date:
    """Refuse a date before the earliest any record of the platform can carry."""
    first = earliest_date()
    if value < first:
        raise DomainError(f"{label}{value.isoformat()}早于本平台可登记的最早日期{first.isoformat()}，请检查是否填错",
                          field=field)
    return value


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_label(month: dt.date) -> str:
    return f"{month.year:04d}年{month.month:02d}月"  # strftime drops leading zeros of years before 1000


def check_payroll_month(month: dt.date, *, field: str = "发放月份", today: dt.date | None = None) -> dt.date:
    """A payroll month lies between the earliest record month and PAYROLL_MONTHS_AHEAD months after this one."""
    today = today or timezone.localdate()
    latest = add_months(today.replace(day=1), settings.PAYROLL_MONTHS_AHEAD)
    first = earliest_date().replace(day=1)
    if month > latest:
        raise DomainError(f"发放月份{month_label(month)}超出可办理范围：最晚可办理{month_label(latest)}的发放名单",
                          field=field)
    if month < first:
        raise DomainError(f"发放月份{month_label(month)}早于本平台可办理的最早月份{month_label(first)}", field=field)
    return month
