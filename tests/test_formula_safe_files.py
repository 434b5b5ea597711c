"""Nobody's name runs as a formula on a colleague's computer.

A resident registered as “=HYPERLINK("http://e.cn","点")” (or with a name starting with +, -, @, a tab or a
carriage return) must come out of every Excel and CSV file the project writes as exactly that text, never as a
formula: the person list 礼乐街道's officer 李建华 exports, the error report of his import, and the bank file of
江海区's payroll that 黄志强 sends to the bank."""

import ast
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from minzheng.core.idcard import make_id_number
from minzheng.core.tabular import safe_cell, safe_row

HOSTILE = ['=HYPERLINK("http://e.cn","点")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1"]


def workbook_cells(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def assert_no_formula(data: bytes, expected_texts):
    cells = workbook_cells(data)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = {c.value for c in cells}
    for text in expected_texts:
        assert text in values


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_looks_like_a_formula_is_written_as_text(text):
    assert str(safe_cell(text)) == text  # .xlsx keeps the exact text
    assert safe_cell(text, for_csv=True) == "'" + text  # CSV has no types: OWASP's leading apostrophe


def test_numbers_dates_and_ordinary_text_pass_unchanged():
    day = dt.date(2024, 5, 1)
    assert safe_row([12, Decimal("-3.50"), day, "王德明", "-12.50", "+86", ""], for_csv=True) == [
        12, Decimal("-3.50"), day, "王德明", "-12.50", "+86", ""]


def test_the_exported_person_list_holds_the_names_as_text(areas, people, make_person):
    from minzheng.registry.exports import persons_export

    persons = [make_person(name, address=HOSTILE[-1 - i], birth=dt.date(1950, 1, 1 + i))
               for i, name in enumerate(HOSTILE)]
    out, rows = persons_export(actor=people["lile_officer"])
    assert rows == len(HOSTILE)
    # as registered (the registry trims surrounding blanks, so "\t=1+1" is kept as "=1+1")
    assert_no_formula(out.read(), {p.name for p in persons} | {p.address for p in persons})


def test_the_import_error_report_holds_the_rows_text(people):
    from minzheng.registry import importing

    header = list(importing.COLUMNS)
    bad_id = "=1+2"
    values = [{"身份证号": bad_id, "姓名": HOSTILE[0], "户籍地区划代码": "440704003001",
               "居住地区划代码": "440704003001"},
              {"身份证号": make_id_number("440704", dt.date(1950, 1, 1), 11)[:-1] + "0", "姓名": HOSTILE[3],
               "户籍地区划代码": "440704003001", "居住地区划代码": "440704003001"}]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows([[v.get(h, "") for h in header] for v in values])
    job = importing.import_create(actor=people["lile_officer"],
                                  upload=SimpleUploadedFile("名册.csv", buf.getvalue().encode("utf-8-sig")))
    job.refresh_from_db()
    assert job.error_rows == 2
    assert_no_formula(importing.error_report(job), [HOSTILE[0], HOSTILE[3], bad_id])


def test_the_bank_file_never_starts_a_field_with_a_formula_character(areas, people, make_person):
    from minzheng.assistance.models import Case, Entitlement
    from minzheng.payroll import bankfiles, services

    hzq = people["jianghai_approver"]
    month = dt.date(2024, 5, 1)
    for i, name in enumerate(HOSTILE[:4]):
        p = make_person(name, birth=dt.date(1950, 1, 1 + i), bank_name="江门农商银行",
                        bank_account=f"622848008800{i:04d}")
        case = Case.objects.create(programme="dibao", head=p, area=p.residence_area, start_month=month,
                                   urban_rural="rural")
        Entitlement.objects.create(case=case, person=p, component="basic", monthly_amount=Decimal("500.00"),
                                   from_month=month, rule_version="test", explanation="测试核定金额")
    roster = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=month)
    services.roster_check(actor=hzq, roster=roster)
    roster = services.roster_release(actor=people["jianghai_checker"], roster=roster)  # a second person releases
    _, chunks = bankfiles.bank_file_export(actor=hzq, roster=roster)
    fields = [f for row in csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))) for f in row]
    assert [f for f in fields if f[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    assert {"'" + name for name in HOSTILE[:4]} <= set(fields)


def test_every_module_that_writes_a_spreadsheet_or_csv_writes_through_the_helper():
    """The guard for files added later: a module that builds a workbook or a CSV writer also calls safe_row."""
    root = Path(__file__).resolve().parents[1] / "minzheng"
    writers, unguarded = [], []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or path.name == "tabular.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
                 for n in ast.walk(tree) if isinstance(n, ast.Call)}
        if calls & {"Workbook", "writer", "DictWriter"}:
            writers.append(path.name)
            if "safe_row" not in calls and "safe_cell" not in calls:
                unguarded.append(str(path.relative_to(root)))
    assert len(writers) >= 6  # exports, import report and template, statement, monitoring report, bank file, demo
    assert unguarded == []
