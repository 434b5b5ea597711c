"""黄志强 of 江海区民政局 takes in the departments' data; bad files are refused whole, each problem named by row."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.core.errors import DomainError, Forbidden
from minzheng.core.idcard import make_id_number
from minzheng.core.models import AuditEntry
from minzheng.verification.adapters import sources
from minzheng.verification.models import DepartmentBatch, DepartmentRecord, StagingRow
from minzheng.verification.services import department_batch_import, department_batch_push

from .conftest import AS_OF, write_csv

SAMPLE = {
    "户籍地址": "礼乐街道英南村1号", "与户主关系": "户主", "死亡日期": "2024-03-01", "注销原因": "死亡",
    "养老金项目": "企业职工基本养老保险", "月发放金额(元)": "1,200.50", "发放机构": "江门市社会保险基金管理局",
    "工作单位": "江门市礼乐五金厂", "月应发工资(元)": "3000",
    "参保险种": "职工基本养老保险", "缴费基数(元/月)": "4000", "参保单位": "江门市礼乐五金厂",
    "所得项目": "工资薪金所得", "年度收入额(元)": "36000",
    "个人账号": "GJJ0001", "缴存单位": "江门市礼乐五金厂", "账户余额(元)": "12000",
    "账号": "6228480000001111", "开户银行": "农业银行江门分行", "存款余额(元)": "8000",
    "不动产权证号": "粤(2020)江门市不动产权第0000001号", "坐落": "礼乐街道英南村1号", "建筑面积(㎡)": "89.5",
    "房屋用途": "住宅", "号牌号码": "粤J12345", "车辆类型": "小型轿车", "评估价值(元)": "60000",
    "企业名称": "江门市英南贸易有限公司", "统一社会信用代码": "91440704MA4W000001", "认缴出资额(万元)": "5",
    "登记状态": "存续",
}
# source → (type, amount, monthly amount) as stored
EXPECTED = {
    "police_hukou": ("hukou", None, None),
    "police_death": ("death", None, None),
    "hrss_pension": ("pension", "1200.50", "1200.50"),
    "hrss_wage": ("wage", "3000.00", "3000.00"),
    "hrss_insurance": ("insurance_base", "4000.00", "4000.00"),
    "tax_income": ("wage", "36000.00", "3000.00"),          # annual ÷ 12
    "housing_fund": ("money", "12000.00", None),
    "bank_deposit": ("money", "8000.00", None),
    "property": ("property", "89.50", None),
    "vehicle": ("vehicle", "60000.00", None),
    "company": ("business", "50000.00", None),              # 5 万元 = 50000 元
}


def row_for(layout, person, **overrides):
    values = dict(SAMPLE, **{layout.id_column: person.id_number})
    if layout.name_column:
        values[layout.name_column] = person.name
    values.update(overrides)
    return [values.get(c, "") for c in layout.columns]


def csv_file(tmp_path, source, rows, name="data.csv"):
    return write_csv(tmp_path / name, sources()[source].columns, rows)


def nothing_written():
    return not DepartmentBatch.objects.exists() and not DepartmentRecord.objects.exists() \
        and not StagingRow.objects.exists()


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_a_good_file_from_each_department_is_taken_in(w, tmp_path, source):
    layout = sources()[source]
    path = csv_file(tmp_path, source, [row_for(layout, w.chenbo), row_for(layout, w.linshen)])
    batch = department_batch_import(actor=w.huang, source=source, as_of=AS_OF, path=path, period="2024-05")
    assert (batch.total_rows, batch.matched_rows, batch.unmatched_rows) == (2, 2, 0)
    assert batch.area == w.jianghai and batch.source_name == layout.name
    rec = DepartmentRecord.objects.get(batch=batch, person=w.chenbo)
    type_code, amount, monthly = EXPECTED[source]
    assert rec.type_code == type_code and rec.nature == layout.nature and rec.as_of == AS_OF
    assert rec.amount == (Decimal(amount) if amount else None)
    assert rec.monthly_amount == (Decimal(monthly) if monthly else None)
    assert not StagingRow.objects.exists()
    entry = AuditEntry.objects.get(action="verification.intake")
    assert entry.after["records"] == 2 and entry.actor == w.huang


def test_an_excel_file_is_read_the_same_way(w, tmp_path):
    from openpyxl import Workbook

    layout = sources()["bank_deposit"]
    wb = Workbook()
    ws = wb.active
    ws.append(layout.columns)
    ws.append(row_for(layout, w.chenbo, **{"存款余额(元)": 8000.5}))  # a number cell, as banks send it
    wb.save(tmp_path / "存款.xlsx")
    batch = department_batch_import(actor=w.huang, source="bank_deposit", as_of=AS_OF, path=tmp_path / "存款.xlsx")
    assert DepartmentRecord.objects.get(batch=batch).amount == Decimal("8000.50")


def test_a_gbk_csv_saved_by_excel_is_read(w, tmp_path):
    layout = sources()["hrss_pension"]
    path = write_csv(tmp_path / "养老金.csv", layout.columns, [row_for(layout, w.chenbo)], encoding="gb18030")
    batch = department_batch_import(actor=w.huang, source="hrss_pension", as_of=AS_OF, path=path)
    assert DepartmentRecord.objects.get(batch=batch).item == "企业职工基本养老保险"


def test_a_file_whose_ids_match_nobody_is_an_error_and_nothing_is_written(w, tmp_path):
    layout = sources()["hrss_pension"]
    strangers = [make_id_number("440704", dt.date(1960, 1, 1), 901), make_id_number("440704", dt.date(1961, 1, 1), 903)]
    rows = [row_for(layout, w.chenbo, **{"身份证号": s, "姓名": "外人"}) for s in strangers]
    with pytest.raises(DomainError) as e:
        department_batch_import(actor=w.huang, source="hrss_pension", as_of=AS_OF,
                                path=csv_file(tmp_path, "hrss_pension", rows))
    assert e.value.code == "no_match"
    assert "2行数据的身份证号在本辖区人员库中均未找到" in e.value.message and "第2行" in e.value.message
    assert nothing_written() and not AuditEntry.objects.filter(action="verification.intake").exists()


def test_unmatched_rows_beside_matched_ones_are_reported_on_the_batch(w, tmp_path):
    layout = sources()["hrss_pension"]
    # 何叔 is registered, but in 郁南县: for 江海区 he is nobody
    rows = [row_for(layout, w.chenbo), row_for(layout, w.heshu)]
    batch = department_batch_import(actor=w.huang, source="hrss_pension", as_of=AS_OF,
                                    path=csv_file(tmp_path, "hrss_pension", rows))
    assert (batch.matched_rows, batch.unmatched_rows) == (1, 1)
    assert batch.unmatched == [{"row": 3, "id": w.heshu.masked_id}]
    assert not DepartmentRecord.objects.filter(person=w.heshu).exists()


def test_the_same_id_twice_with_different_amounts_names_both_rows_and_writes_nothing(w, tmp_path):
    layout = sources()["hrss_pension"]
    rows = [row_for(layout, w.chenbo), row_for(layout, w.linshen),
            row_for(layout, w.chenbo, **{"月发放金额(元)": "1500"})]
    with pytest.raises(DomainError) as e:
        department_batch_import(actor=w.huang, source="hrss_pension", as_of=AS_OF,
                                path=csv_file(tmp_path, "hrss_pension", rows))
    assert e.value.code == "conflicting_rows"
    assert "第2行与第4行" in e.value.message and "重复但内容不一致" in e.value.message
    assert "1200.50" in e.value.message and "1500.00" in e.value.message
    assert nothing_written()


def test_every_conflicting_key_is_named_in_row_order_beside_harmless_repeats(w, tmp_path):
    """林婶's row repeats harmlessly; 陈伯's first and last rows disagree, and so do 何叔's two rows (何叔 lives
    in 郁南县, but a conflict is a conflict wherever the person lives)."""
    layout = sources()["hrss_pension"]
    rows = [row_for(layout, w.chenbo), row_for(layout, w.linshen), row_for(layout, w.linshen),
            row_for(layout, w.heshu), row_for(layout, w.heshu, **{"月发放金额(元)": "900"}),
            row_for(layout, w.chenbo), row_for(layout, w.chenbo, **{"月发放金额(元)": "1500"})]
    with pytest.raises(DomainError) as e:
        department_batch_import(actor=w.huang, source="hrss_pension", as_of=AS_OF,
                                path=csv_file(tmp_path, "hrss_pension", rows))
    assert e.value.code == "conflicting_rows"
    named = [d["message"].split("的")[0] for d in e.value.details]
    assert named == ["第2行与第8行", "第5行与第6行", "第7行与第8行"]
    assert nothing_written()


def test_repeats_of_several_keys_are_kept_once_each_and_counted(w, tmp_path):
    layout = sources()["hrss_pension"]
    rows = [row_for(layout, w.chenbo), row_for(layout, w.linshen), row_for(layout, w.chenbo),
            row_for(layout, w.linshen), row_for(layout, w.chenbo, 养老金项目="城乡居民基本养老保险基础养老金"),
            row_for(layout, w.chenbo)]
    batch = department_batch_import(actor=w.huang, source="hrss_pension", as_of=AS_OF,
                                    path=csv_file(tmp_path, "hrss_pension", rows))
    assert (batch.total_rows, batch.matched_rows, batch.duplicate_rows) == (6, 3, 3)
    assert sorted(DepartmentRecord.objects.values_list("row_number", flat=True)) == [2, 3, 6]


def test_an_identical_repeated_row_is_kept_once_and_counted(w, tmp_path):
    layout = sources()["hrss_pension"]
    rows = [row_for(layout, w.chenbo), row_for(layout, w.chenbo)]
    batch = department_batch_import(actor=w.huang, source="hrss_pension", as_of=AS_OF,
                                    path=csv_file(tmp_path, "hrss_pension", rows))
    assert (batch.matched_rows, batch.duplicate_rows) == (1, 1)


def test_two_deposits_of_one_person_in_different_accounts_are_two_records(w, tmp_path):
    layout = sources()["bank_deposit"]
    rows = [row_for(layout, w.chenbo), row_for(layout, w.chenbo, 账号="6228480000002222", **{"存款余额(元)": "100"})]
    batch = department_batch_import(actor=w.huang, source="bank_deposit", as_of=AS_OF,
                                    path=csv_file(tmp_path, "bank_deposit", rows))
    assert batch.matched_rows == 2


@pytest.mark.parametrize("column,value,expected", [
    ("身份证号", "440704195003080119", "第3行：身份证号“440704195003080119”无效：校验码错误"),
    ("身份证号", "44070419500308", "应为18位"),
    ("月发放金额(元)", "一千二", "第3行：月发放金额(元)“一千二”不是有效数字"),
    ("月发放金额(元)", "-300", "第3行：月发放金额(元)“-300”不能为负数"),
    ("月发放金额(元)", "", "第3行：月发放金额(元)不能为空"),
    ("养老金项目", "", "第3行：养老金项目不能为空"),
])
def test_a_bad_row_is_named_and_nothing_is_written(w, tmp_path, column, value, expected):
    layout = sources()["hrss_pension"]
    rows = [row_for(layout, w.chenbo), row_for(layout, w.linshen, **{column: value})]
    with pytest.raises(DomainError) as e:
        department_batch_import(actor=w.huang, source="hrss_pension", as_of=AS_OF,
                                path=csv_file(tmp_path, "hrss_pension", rows))
    assert expected in e.value.message and "未写入任何数据" in e.value.message
    assert e.value.details[0]["row"] == 3
    assert nothing_written()


def test_an_unknown_source_a_missing_column_and_a_wrong_file_type_are_refused(w, tmp_path):
    layout = sources()["hrss_pension"]
    path = csv_file(tmp_path, "hrss_pension", [row_for(layout, w.chenbo)])
    with pytest.raises(DomainError, match="未知的数据来源“民航”"):
        department_batch_import(actor=w.huang, source="民航", as_of=AS_OF, path=path)
    bad = write_csv(tmp_path / "少列.csv", ["身份证号", "姓名"], [[w.chenbo.id_number, "陈伯"]])
    with pytest.raises(DomainError, match="缺少必填列：养老金项目、月发放金额"):
        department_batch_import(actor=w.huang, source="hrss_pension", as_of=AS_OF, path=bad)
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(DomainError, match="不支持的文件类型"):
        department_batch_import(actor=w.huang, source="hrss_pension", as_of=AS_OF, path=tmp_path / "x.pdf")
    empty = write_csv(tmp_path / "空.csv", layout.columns, [])
    with pytest.raises(DomainError, match="没有数据行"):
        department_batch_import(actor=w.huang, source="hrss_pension", as_of=AS_OF, path=empty)
    assert nothing_written()


def test_an_api_push_is_checked_like_a_file(w):
    good = [{"身份证号": w.chenbo.id_number, "姓名": "陈伯", "养老金项目": "企业职工基本养老保险",
             "月发放金额(元)": 1200}]
    batch = department_batch_push(actor=w.huang, source="hrss_pension", as_of=AS_OF, records=good)
    assert batch.channel == "api" and DepartmentRecord.objects.get(batch=batch).monthly_amount == Decimal("1200.00")
    bad = good + [{"身份证号": w.linshen.id_number, "养老金项目": "企业职工基本养老保险", "月发放金额(元)": "-1"}]
    with pytest.raises(DomainError, match="第2条：月发放金额\\(元\\)“-1”不能为负数"):
        department_batch_push(actor=w.huang, source="hrss_pension", as_of=AS_OF, records=bad)
    assert DepartmentBatch.objects.count() == 1


def test_only_county_level_roles_take_in_department_data(w, tmp_path):
    layout = sources()["hrss_pension"]
    path = csv_file(tmp_path, "hrss_pension", [row_for(layout, w.chenbo)])
    for who in (w.li, w.chen, w.wu, w.he):
        with pytest.raises(Forbidden, match="无权导入部门核对数据"):
            department_batch_import(actor=who, source="hrss_pension", as_of=AS_OF, path=path)
    assert nothing_written()
