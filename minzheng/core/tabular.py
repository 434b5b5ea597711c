"""Tables in and out: reading uploaded tables (.xlsx / .csv) row by row, with Chinese errors for broken files, and
writing cells no spreadsheet runs as a formula.

Shared by every importer (registry, 核对 department files ...): streamed, so memory stays flat. Every Excel or CSV
file the project produces writes its rows through `safe_row`.
"""

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import DomainError


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # numbers typed into Excel cells; long IDs lose digits, the checksum catches it
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def open_csv(path: Path) -> Iterator[list]:
    with open(path, "rb") as raw:
        head = raw.read(65536)
    # Excel in Chinese Windows saves CSV as GB18030/GBK; UTF-8 (with or without BOM) otherwise.
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"
    with open(path, encoding=encoding, newline="") as f:
        try:
            yield from csv.reader(f)
        except (UnicodeDecodeError, csv.Error) as e:
            raise DomainError(f"CSV文件无法解析：{e}", code="bad_file", field="文件") from None


def open_xlsx(path: Path) -> Iterator[tuple]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(path):
        raise DomainError("文件不是有效的Excel(.xlsx)文件，或文件已损坏/不完整，请重新保存后上传", code="bad_file",
                          field="文件")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, BadZipFile, InvalidFileException...)
        raise DomainError("Excel文件已损坏或不是.xlsx格式（不支持.xls，请另存为.xlsx）", code="bad_file",
                          field="文件") from None
    try:
        yield from wb.worksheets[0].iter_rows(values_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError):
        raise DomainError("Excel文件内容不完整（可能上传中断），请重新上传", code="bad_file", field="文件") from None
    finally:
        wb.close()


def read_table(path: Path, file_format: str, *, columns: Iterable[str], required: Iterable[str],
               what: str = "", hint: str = "可下载模板对照") -> Iterator[tuple[int, dict]]:
    """Yield (row number as the user sees it, {header: text}) for the known `columns`; blank rows skipped."""
    if Path(path).stat().st_size == 0:
        raise DomainError("文件为空", code="empty_file", field="文件")
    rows = open_xlsx(path) if file_format == "xlsx" else open_csv(path)
    header, header_row = None, 0
    for header_row, values in enumerate(rows, start=1):  # noqa: B007 (used after the loop)
        cells = [cell_text(v).replace("*", "").replace("＊", "") for v in values]
        if any(cells):
            header = cells
            break
    if header is None:
        raise DomainError("文件为空，没有表头和数据", code="empty_file", field="文件")
    missing = [c for c in required if c not in header]
    if missing:
        raise DomainError(f"{what}缺少必填列：{'、'.join(missing)}（第{header_row}行应为表头，{hint}）",
                          code="bad_header", field="表头")
    columns = set(columns)
    index = {h: i for i, h in enumerate(header) if h in columns}
    clean = (lambda vs: [v.strip() for v in vs]) if file_format == "csv" else (lambda vs: [cell_text(v) for v in vs])
    for number, values in enumerate(rows, start=header_row + 1):
        cells = clean(values)
        if not any(cells):
            continue
        yield number, {h: (cells[i] if i < len(cells) else "") for h, i in index.items()}


# A text cell starting with one of these is read as a formula by Excel, WPS or LibreOffice (OWASP "CSV injection"):
# a name like =HYPERLINK(...) typed by anyone would run on the computer of whoever opens the export.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_LEADS) and not _PLAIN_NUMBER.match(value)


def safe_cell(value, *, for_csv: bool = False):
    """One cell, written so it can only ever be text. In .xlsx the text is kept exactly, as a rich-text string
    (openpyxl writes any str starting with "=" as a formula); CSV has no types, so it gets OWASP's leading
    apostrophe. Numbers, dates and ordinary text pass unchanged."""
    if not formula_like(value):
        return value
    if for_csv:
        return "'" + value
    from openpyxl.cell.rich_text import CellRichText

    return CellRichText(value)


def safe_row(values, *, for_csv: bool = False) -> list:
    return [safe_cell(v, for_csv=for_csv) for v in values]
