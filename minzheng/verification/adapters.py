"""Department feeds: the declared column layouts (data/verification/sources.toml) and parsing one row.

A layout says which column holds the 身份证号, which the figure, its unit and period, and whether it is income,
an asset, a status or reference only. Reading files reuses the registry importer's streaming readers (CSV in
UTF-8 or GB18030, .xlsx in read-only mode), so memory stays flat whatever the file size.
"""

import datetime as dt
import functools
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings

from minzheng.core.errors import DomainError
from minzheng.core.idcard import parse_id_number
from minzheng.core.money import fen
from minzheng.core.tabular import cell_text, read_table

from .models import Nature

SOURCES_FILE = Path(settings.DATA_DIR) / "verification" / "sources.toml"
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
PERIOD_LABELS = {"monthly": "每月", "quarterly": "每季度", "annual": "每年", "stock": "余额/价值"}
UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10000), "㎡": Decimal(1)}
MAX_AMOUNT = Decimal("99999999999999")


@dataclass(frozen=True)
class SourceLayout:
    code: str
    name: str
    department: str
    nature: str
    id_column: str
    name_column: str = ""
    key_columns: tuple[str, ...] = ()
    item_column: str = ""
    amount_column: str = ""
    amount_unit: str = "元"
    period: str = ""
    type: str = ""
    item_types: dict = field(default_factory=dict)
    overlap_group: str = ""
    date_column: str = ""
    detail_columns: tuple[str, ...] = ()
    validity_days: int = 400

    @property
    def required_columns(self) -> list[str]:
        cols = [self.id_column, *self.key_columns, self.item_column, self.amount_column, self.date_column]
        return list(dict.fromkeys(c for c in cols if c))

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(c for c in [self.id_column, self.name_column, *self.required_columns,
                                              *self.detail_columns] if c))

    def type_for(self, item: str) -> str:
        return self.item_types.get(item, self.type)

    def monthly(self, amount: Decimal) -> Decimal | None:
        """元/月 for an income (or a monthly reference figure); None for stocks."""
        months = PERIOD_MONTHS.get(self.period)
        return None if months is None else fen(amount / months)

    @property
    def conversion(self) -> str:
        if self.period in ("quarterly", "annual"):
            return f"{PERIOD_LABELS[self.period]}金额÷{PERIOD_MONTHS[self.period]}折算为月收入"
        if self.amount_unit == "万元":
            return "万元×10000折算为元"
        return ""


def _layout(code: str, raw: dict) -> SourceLayout:
    where = f"核对数据来源配置[{code}]"
    try:
        layout = SourceLayout(code=code, key_columns=tuple(raw.pop("key_columns", ())),
                              detail_columns=tuple(raw.pop("detail_columns", ())), **raw)
    except TypeError as e:
        raise DomainError(f"{where}有未知或缺少的配置项：{e}", code="bad_source_config") from None
    if layout.nature not in Nature.values:
        raise DomainError(f"{where}：性质“{layout.nature}”无效", code="bad_source_config")
    if layout.nature in (Nature.INCOME, Nature.ASSET) and not layout.amount_column:
        raise DomainError(f"{where}：收入或财产来源必须声明金额列", code="bad_source_config")
    if layout.amount_column and layout.amount_unit not in UNIT_FACTORS:
        raise DomainError(f"{where}：金额单位“{layout.amount_unit}”无效", code="bad_source_config")
    if layout.nature == Nature.INCOME and layout.period not in PERIOD_MONTHS:
        raise DomainError(f"{where}：收入来源的期间应为monthly/quarterly/annual", code="bad_source_config")
    return layout


@functools.cache
def sources() -> dict[str, SourceLayout]:
    with open(SOURCES_FILE, "rb") as f:
        data = tomllib.load(f)
    return {code: _layout(code, dict(raw)) for code, raw in data.get("sources", {}).items()}


def get_source(code: str) -> SourceLayout:
    layout = sources().get(code or "")
    if layout is None:
        known = "、".join(f"{c}（{s.name}）" for c, s in sources().items())
        raise DomainError(f"未知的数据来源“{code}”，可用的来源：{known}", code="unknown_source", field="数据来源")
    return layout


# --- reading ----------------------------------------------------------------------------------

def read_file(path: Path, file_format: str, layout: SourceLayout) -> Iterator[tuple[int, dict]]:
    """Yield (row number as the user sees it, {column: text}) for the layout's columns."""
    yield from read_table(path, file_format, columns=layout.columns, required=layout.required_columns,
                          what=f"{layout.name}文件", hint=f"应包含：{'、'.join(layout.columns)}")


def read_push(records: list, layout: SourceLayout) -> Iterator[tuple[int, dict]]:
    """An API push: a JSON list of objects keyed by the same column names as the file layout."""
    if not isinstance(records, list):
        raise DomainError("推送数据应为JSON列表", code="bad_push", field="records")
    for number, obj in enumerate(records, start=1):
        if not isinstance(obj, dict):
            raise DomainError(f"第{number}条应为JSON对象", code="bad_push", field="records")
        yield number, {c: cell_text(obj.get(c)) for c in layout.columns}


# --- one row ----------------------------------------------------------------------------------

def _amount(text: str, column: str, unit: str) -> Decimal:
    cleaned = text.replace(",", "").replace("，", "").strip()
    if not cleaned:
        raise DomainError(f"{column}不能为空", field=column)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise DomainError(f"{column}“{text}”不是有效数字", field=column) from None
    if not value.is_finite():
        raise DomainError(f"{column}“{text}”不是有效数字", field=column)
    if value < 0:
        raise DomainError(f"{column}“{text}”不能为负数", field=column)
    value = fen(value * UNIT_FACTORS[unit])
    if value > MAX_AMOUNT:
        raise DomainError(f"{column}“{text}”超出合理范围", field=column)
    return value


def _date(text: str, column: str) -> dt.date:
    t = text.strip().replace("/", "-").replace(".", "-")
    if len(t) == 8 and t.isdigit():
        t = f"{t[:4]}-{t[4:6]}-{t[6:]}"
    try:
        return dt.date.fromisoformat(t[:10])
    except ValueError:
        raise DomainError(f"{column}“{text}”不是有效日期（格式如2024-05-31）", field=column) from None


@dataclass
class ParsedRow:
    id_number: str
    name: str
    key: str
    sig: str
    type_code: str
    item: str
    amount: Decimal | None
    monthly_amount: Decimal | None
    event_date: dt.date | None
    detail: str


def parse_row(layout: SourceLayout, raw: dict, *, today: dt.date) -> tuple[ParsedRow | None, list[tuple[str, str]]]:
    """Check one row; return the parsed row or the (column, Chinese reason) problems."""
    errors: list[tuple[str, str]] = []
    id_number = ""
    try:
        id_number = parse_id_number(raw.get(layout.id_column, ""), today=today, field=layout.id_column).number
    except DomainError as e:
        errors.append((e.field or layout.id_column, e.message))
    amount = monthly = event_date = None
    if layout.amount_column:
        try:
            amount = _amount(raw.get(layout.amount_column, ""), layout.amount_column, layout.amount_unit)
            monthly = layout.monthly(amount)
        except DomainError as e:
            errors.append((e.field, e.message))
    if layout.date_column:
        text = raw.get(layout.date_column, "")
        if not text:
            errors.append((layout.date_column, f"{layout.date_column}不能为空"))
        else:
            try:
                event_date = _date(text, layout.date_column)
                if event_date > today:
                    errors.append((layout.date_column, f"{layout.date_column}{event_date}晚于今天"))
            except DomainError as e:
                errors.append((e.field, e.message))
    for col in layout.key_columns:
        if not raw.get(col):
            errors.append((col, f"{col}不能为空"))
    if errors:
        return None, errors
    item = raw.get(layout.item_column, "")[:200] if layout.item_column else ""
    detail = "；".join(f"{c}：{raw[c]}" for c in layout.detail_columns if raw.get(c))[:300]
    key = "|".join([id_number, *(raw[c] for c in layout.key_columns)])[:400]
    sig = "|".join(str(v) for v in (amount, event_date, item, *(raw.get(c, "") for c in layout.detail_columns)))
    return ParsedRow(id_number=id_number, name=raw.get(layout.name_column, "")[:64] if layout.name_column else "",
                     key=key, sig=sig[:600], type_code=layout.type_for(item), item=item, amount=amount,
                     monthly_amount=monthly, event_date=event_date, detail=detail), []
