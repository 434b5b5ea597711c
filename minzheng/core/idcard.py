"""居民身份证号码 (GB 11643-1999): structure, checksum, birth date and sex."""

import datetime as dt
from dataclasses import dataclass

from .errors import DomainError
from .periods import local_date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province-level prefixes of GB/T 2260 (incl. 71 台湾, 81 香港, 82 澳门).
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
EARLIEST_BIRTH = dt.date(1890, 1, 1)


@dataclass(frozen=True)
class IdInfo:
    number: str
    region_code: str
    birth_date: dt.date
    sex: str  # "M" / "F"


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=False)) % 11]


def normalize(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def parse_id_number(value: str, *, today: dt.date | None = None, field: str = "身份证号") -> IdInfo:
    """Validate an 18-digit ID number; raise DomainError naming the field and the reason."""
    number = normalize(value)
    today = today or local_date()

    def fail(reason: str):
        raise DomainError(f"{field}“{value}”无效：{reason}", code="invalid_id_number", field=field)

    if not number:
        raise DomainError(f"{field}不能为空", code="required", field=field)
    if len(number) == 15 and number.isdigit():
        fail("为15位旧号码，请填写18位身份证号")
    if len(number) != 18:
        fail(f"应为18位，实际为{len(number)}位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        fail("前17位应为数字，末位应为数字或X")
    if number[:2] not in PROVINCE_PREFIXES:
        fail(f"地址码“{number[:6]}”不是有效的省级行政区划代码")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        fail(f"出生日期“{number[6:14]}”不是有效日期")
    if birth > today:
        fail(f"出生日期{birth.isoformat()}晚于今天")
    if birth < EARLIEST_BIRTH:
        fail(f"出生日期{birth.isoformat()}早于{EARLIEST_BIRTH.year}年")
    expected = check_char(number[:17])
    if number[17] != expected:
        fail("校验码错误")
    return IdInfo(number=number, region_code=number[:6], birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def check_consistency(info: IdInfo, *, birth_date: dt.date | None = None, sex: str | None = None) -> None:
    """The birth date and sex stated elsewhere must agree with those encoded in the number."""
    if birth_date is not None and birth_date != info.birth_date:
        raise DomainError(
            f"出生日期{birth_date.isoformat()}与身份证号中的出生日期{info.birth_date.isoformat()}不一致",
            code="id_mismatch",
            field="出生日期",
        )
    if sex is not None and sex != info.sex:
        raise DomainError(
            f"性别“{SEX_LABELS.get(sex, sex)}”与身份证号中的性别“{SEX_LABELS[info.sex]}”不一致",
            code="id_mismatch",
            field="性别",
        )


SEX_LABELS = {"M": "男", "F": "女"}


def make_id_number(region_code: str, birth_date: dt.date, sequence: int) -> str:
    """Build a valid number (for demo data and tests): sequence 0-999, odd = male."""
    first17 = f"{region_code[:6]}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def mask(number: str) -> str:
    """4419**********123X — keeps the prefecture and the last four."""
    if not number or len(number) < 8:
        return "*" * len(number or "")
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
