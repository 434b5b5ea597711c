"""Dates and periods of the bureau: its local date, month arithmetic, ages and birthdays, working days.

Every "today" is the bureau's date in Asia/Shanghai (settings.TIME_ZONE), never the server's or UTC's: at
07:30 in Beijing it is already the 1st while UTC still says the last day of the month before.

Two meanings of "N months later" are named apart, because mixing them moves money by a month:
- `month_plus(day, n)`: first-of-month arithmetic on payment months (a case starting 2027-01 and
  rechecked every 6 months is due in 2027-07); the result is always the 1st.
- `same_day_months_later(day, n)`: a dated deadline (an assessment of 31 August valid 6 months runs to
  28/29 February): the same day of the month, clamped to the month's last day.

Working days follow data/calendar/holidays_cn.csv (法定节假日 and 调休), loaded once.
"""

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from minzheng.core.errors import DomainError

HOLIDAYS_CSV = Path(settings.BASE_DIR) / "data" / "calendar" / "holidays_cn.csv"


# --- the bureau's date ------------------------------------------------------------------------------------------

def local_date(at: dt.datetime | None = None) -> dt.date:
    """The bureau's calendar date (Asia/Shanghai) now, or at the aware moment `at`."""
    return timezone.localdate(at, timezone=timezone.get_default_timezone())


# --- months -----------------------------------------------------------------------------------------------------

def month_start(day: dt.date) -> dt.date:
    """The 1st of the month `day` falls in."""
    return day.replace(day=1)


def month_plus(day: dt.date, months: int) -> dt.date:
    """The 1st of the month `months` after the month of `day` (negative goes back)."""
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, 1)


def next_month_start(day: dt.date) -> dt.date:
    """The 1st of the month after `day`."""
    return month_plus(day, 1)


def previous_month_start(day: dt.date) -> dt.date:
    """The 1st of the month before `day`."""
    return month_plus(day, -1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the month `day` falls in."""
    return next_month_start(day) - dt.timedelta(days=1)


def same_day_months_later(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, clamped to that month's last day (31 Aug + 6 → 28/29 Feb)."""
    first = month_plus(day, months)
    return first.replace(day=min(day.day, month_end(first).day))


# --- ages and birthdays -----------------------------------------------------------------------------------------

def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years (周岁) on `on`; someone born on 29 February turns a year older on 1 March in common years."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def birthday(birth: dt.date, years: int) -> dt.date:
    """The date someone born on `birth` turns `years` (29 Feb → 1 Mar in common years, matching `age_on`)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 3, 1)


def born_on_or_before(on: dt.date, years: int) -> dt.date:
    """The latest birth date of someone aged `years` or more on `on` (age_on(b, on) >= years ⇔ b <= this)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # `on` is 29 Feb and the year `years` back is common: born 28 Feb is the latest
        return dt.date(on.year - years, 2, 28)


# --- working days -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]   # 调休: weekend days that are worked
    first: dt.date
    last: dt.date

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def covered(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


@functools.cache
def calendar(path: Path = HOLIDAYS_CSV) -> Calendar:
    """Monday–Friday unless listed as a `holiday`, plus the weekend days listed as a `workday` (调休上班)."""
    holidays, workdays = set(), set()
    with open(path, encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            try:
                day = dt.date.fromisoformat(row["date"])
            except ValueError:
                raise DomainError(f"{path.name}第{n}行：日期“{row['date']}”无效", field="date") from None
            kind = row["kind"].strip()
            if kind == "holiday":
                holidays.add(day)
            elif kind == "workday":
                if day.weekday() < 5:
                    raise DomainError(f"{path.name}第{n}行：{day}不是周末，不能列为调休上班日", field="kind")
                workdays.add(day)
            else:
                raise DomainError(f"{path.name}第{n}行：类别“{kind}”应为holiday或workday", field="kind")
    years = {d.year for d in holidays | workdays}
    return Calendar(frozenset(holidays), frozenset(workdays), dt.date(min(years), 1, 1), dt.date(max(years), 12, 31))


def is_workday(day: dt.date) -> bool:
    return calendar().is_workday(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (the day of the event itself does not count), n >= 0.

    add_workdays(Friday, 1) is the next Monday; with n == 0 the result is `start` or, if that is a day off,
    the next working day.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    cal = calendar()
    day = start
    if n == 0:
        while not cal.is_workday(day):
            day += dt.timedelta(days=1)
        return day
    while n:
        day += dt.timedelta(days=1)
        if cal.is_workday(day):
            n -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    cal = calendar()
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += cal.is_workday(day)
    return count


# --- the window a record's date may fall in ---------------------------------------------------------------------
# A date before the oldest programme run here (0001-01-01) or a payroll month years ahead (9999-12) is a typo,
# refused with a Chinese message naming the field. The bounds are settings (RECORDS_EARLIEST_DATE, cited there).

def earliest_record_date() -> dt.date:
    return settings.RECORDS_EARLIEST_DATE


def check_not_before_records(value: dt.date, *, field: str, label: str) -> dt.date:
    """Refuse a date before the earliest any record of the platform can carry."""
    first = earliest_record_date()
    if value < first:
        raise DomainError(f"{label}{value.isoformat()}早于本平台可登记的最早日期{first.isoformat()}，请检查是否填错",
                          field=field)
    return value


def month_label(month: dt.date) -> str:
    return f"{month.year:04d}年{month.month:02d}月"  # strftime drops the leading zeros of years before 1000


def check_payroll_month(month: dt.date, *, field: str = "发放月份", today: dt.date | None = None) -> dt.date:
    """A payroll month lies between the earliest record month and PAYROLL_MONTHS_AHEAD months after this one."""
    latest = month_plus(today or local_date(), settings.PAYROLL_MONTHS_AHEAD)
    first = month_start(earliest_record_date())
    if month > latest:
        raise DomainError(f"发放月份{month_label(month)}超出可办理范围：最晚可办理{month_label(latest)}的发放名单",
                          field=field)
    if month < first:
        raise DomainError(f"发放月份{month_label(month)}早于本平台可办理的最早月份{month_label(first)}", field=field)
    return month
