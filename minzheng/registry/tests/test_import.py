"""李建华 of 礼乐街道 imports the street's registry from Excel and CSV files."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook

from minzheng.core.audit import verify_chain
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.idcard import make_id_number
from minzheng.core.models import AuditEntry
from minzheng.registry import importing
from minzheng.registry.models import Household, ImportJob, Membership, Person

HEADER = list(importing.COLUMNS)
YINGNAN, XIANGDONG, DUCHENG = "440704003001", "440704003002", "445322100001"


def row(id_number, name, *, area=YINGNAN, hh="", rel="", **extra):
    values = {"身份证号": id_number, "姓名": name, "户籍地区划代码": area, "居住地区划代码": area,
              "家庭编号": hh, "与户主关系": rel} | extra
    return [values.get(h, "") for h in HEADER]


def pid(seq, birth=dt.date(1948, 5, 1)):
    return make_id_number("440704", birth, seq)


def xlsx(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def upload(user, content: bytes, name="名册.xlsx") -> ImportJob:
    job = importing.import_create(actor=user, upload=SimpleUploadedFile(name, content))
    job.refresh_from_db()
    return job


@pytest.fixture
def officer(people):
    return people["lile_officer"]


GOOD_FAMILY = [
    row(pid(11), "梁国强", hh="LL-1", rel="户主", 联系电话="13800138000"),
    row(pid(20, dt.date(1950, 2, 3)), "梁陈氏", hh="LL-1", rel="配偶"),
    row(pid(31, dt.date(2012, 9, 9)), "梁小明", hh="LL-1", rel="孙子女", 残疾类别="肢体残疾", 残疾等级="2"),
]
BAD_ROWS = [
    row("440704194805011234", "校验码错", hh="LL-2", rel="户主"),   # checksum
    row(pid(41), "未知村", area="440704999999"),                       # unknown area
    row(pid(51), "外县人", area=DUCHENG),                              # outside 礼乐
    row(pid(61, dt.date(1960, 1, 1)), "", ),                           # no name
    row(pid(71, dt.date(1961, 1, 1)), "重复甲"),
    row(pid(71, dt.date(1961, 1, 1)), "重复乙"),                        # same ID twice in the file
    row(pid(81, dt.date(1962, 1, 1)), "孤儿行", hh="LL-2", rel="子女"),  # its head row is bad
]


def test_valid_rows_mode_imports_the_good_family_and_reports_each_bad_row(officer):
    job = upload(officer, xlsx(GOOD_FAMILY + BAD_ROWS))
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.total_rows, job.error_rows) == (10, 7)
    errors = {(e.row_number, e.field): e.message for e in job.errors.all()}
    assert "校验码错误" in errors[(5, "身份证号")]
    assert "不存在" in errors[(6, "居住地区划代码")]
    assert "不在您的管辖范围内" in errors[(7, "居住地区划代码")]
    assert errors[(8, "姓名")] == "不能为空"
    assert "在文件中重复出现" in errors[(9, "身份证号")] and (10, "身份证号") in errors
    assert "户主行有错误" in errors[(11, "家庭编号")]
    assert Person.objects.count() == 0, "validation writes nothing"

    importing.import_apply(actor=officer, job=job, mode=ImportJob.Mode.VALID_ROWS)
    job.refresh_from_db()
    assert (job.status, job.applied_rows, job.applied_households) == (ImportJob.Status.APPLIED, 3, 1)
    family = Household.objects.get(number="LL-1")
    assert family.head.name == "梁国强"
    assert sorted(Membership.objects.filter(household=family).values_list("relation", flat=True)) == [
        "grandchild", "head", "spouse"]
    child = Person.objects.get(name="梁小明")
    assert (child.disability_category, child.disability_grade, child.name_initials) == ("physical", 2, "lxm")
    assert AuditEntry.objects.filter(action="import.apply").get().after["persons"] == 3
    assert verify_chain()[1] is None


def test_all_or_nothing_mode_writes_nothing_when_any_row_is_bad(officer):
    job = upload(officer, xlsx(GOOD_FAMILY + BAD_ROWS[:1]))
    with pytest.raises(Conflict, match="1行错误"):
        importing.import_apply(actor=officer, job=job, mode=ImportJob.Mode.ALL_OR_NOTHING)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DISCARDED
    assert Person.objects.count() == Household.objects.count() == 0


def test_all_or_nothing_mode_imports_a_clean_file(officer):
    job = upload(officer, csv_bytes(GOOD_FAMILY), name="名册.csv")
    importing.import_apply(actor=officer, job=job, mode=ImportJob.Mode.ALL_OR_NOTHING)
    assert Person.objects.count() == 3


def test_gbk_csv_from_excel_is_read(officer):
    job = upload(officer, csv_bytes(GOOD_FAMILY, encoding="gb18030"), name="名册.csv")
    assert (job.status, job.error_rows) == (ImportJob.Status.VALIDATED, 0)


@pytest.mark.parametrize("content,name,message", [
    (b"", "empty.xlsx", "文件为空"),
    (b"this is not excel at all", "fake.xlsx", "不是有效的Excel"),
    (None, "truncated.xlsx", "不是有效的Excel"),
    (b"\xef\xbb\xbf\xe5\xa7\x93\xe5\x90\x8d\r\n", "header_only.csv", "缺少必填列"),
    (None, "only_header.csv", "没有数据行"),
    (b"a,b", "people.xls", "不支持的文件类型"),
])
def test_broken_files_are_refused_with_a_chinese_reason_and_nothing_written(officer, content, name, message):
    if name == "truncated.xlsx":
        content = xlsx(GOOD_FAMILY)[:900]
    if name == "only_header.csv":
        content = csv_bytes([])
    try:
        job = upload(officer, content, name=name)
    except DomainError as e:
        assert message in e.message
        return
    assert job.status == ImportJob.Status.FAILED
    assert message in job.message
    assert job.rows.count() == 0 and Person.objects.count() == 0


def test_ten_thousand_rows_with_some_bad(officer):
    rows = []
    for i in range(10_000):
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=i // 400)
        rows.append(row(make_id_number("440704", birth, i % 400 * 2 + 1), f"村民{i}", area=XIANGDONG))
    for i in (17, 4242, 9999):
        rows[i][0] = rows[i][0][:-1] + ("0" if rows[i][0][-1] != "0" else "1")  # break the checksum
    rows[5000][2] = "000000"
    job = upload(officer, csv_bytes(rows), name="大名册.csv")
    assert (job.total_rows, job.processed_rows, job.error_rows) == (10_000, 10_000, 4)
    assert sorted(job.errors.values_list("row_number", flat=True)) == [19, 4244, 5002, 10001]
    importing.import_apply(actor=officer, job=job, mode=ImportJob.Mode.VALID_ROWS)
    assert Person.objects.count() == 9_996
    report = importing.error_report(job)
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(report)).active
    lines = list(ws.iter_rows(values_only=True))
    assert lines[0] == ("行号", "字段", "错误说明", "身份证号", "姓名") and len(lines) == 5
    assert lines[1][0] == 19 and "校验码错误" in lines[1][2]


def test_ids_already_registered_and_existing_households(officer, make_person, areas):
    zhang = make_person("张伯", area=areas["yingnan"])
    from minzheng.registry.services import household_create
    home = household_create(actor=officer, area=areas["yingnan"], head=zhang)
    job = upload(officer, xlsx([
        row(zhang.id_number, "张伯"),
        row(pid(91), "张伯孙", hh=home.number, rel="孙子女"),
        row(pid(93), "抢户主", hh=home.number, rel="户主"),
    ]))
    errors = {e.row_number: e.message for e in job.errors.all()}
    assert "已登记" in errors[2] and "已有户主" in errors[4] and 3 not in errors
    importing.import_apply(actor=officer, job=job, mode=ImportJob.Mode.VALID_ROWS)
    assert home.memberships.filter(end_date__isnull=True).count() == 2


def test_who_may_import(people):
    with pytest.raises(Forbidden):
        importing.import_create(actor=people["auditor"], upload=SimpleUploadedFile("a.csv", csv_bytes(GOOD_FAMILY)))
    job = upload(people["lile_officer"], csv_bytes(GOOD_FAMILY), name="a.csv")
    with pytest.raises(DomainError):
        importing.import_apply(actor=people["waihai_officer"], job=job, mode=ImportJob.Mode.VALID_ROWS)
    assert Person.objects.count() == 0


def test_applying_twice_is_refused(officer):
    job = upload(officer, xlsx(GOOD_FAMILY))
    importing.import_apply(actor=officer, job=job, mode=ImportJob.Mode.VALID_ROWS)
    with pytest.raises(Conflict):
        importing.import_apply(actor=officer, job=job, mode=ImportJob.Mode.VALID_ROWS)
    assert Person.objects.count() == 3


def test_import_pages_walk_from_upload_to_applied(client, officer):
    client.force_login(officer)
    assert client.get("/imports/").status_code == 200
    resp = client.post("/imports/", {"file": SimpleUploadedFile("名册.xlsx", xlsx(GOOD_FAMILY + BAD_ROWS[:2]))})
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and resp["Location"].endswith(f"/imports/{job.pk}/")
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "校验码错误" in page and "只导入 3 行正确数据" in page
    assert client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"}).content.decode().startswith("<div")
    report = client.get(f"/imports/{job.pk}/errors.xlsx")
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    client.post(f"/imports/{job.pk}/apply/", {"mode": "valid_rows"})
    assert Person.objects.count() == 3
    assert "已导入3人" in client.get(f"/imports/{job.pk}/").content.decode()


def test_import_pages_refuse_other_users_and_roles(client, people, officer):
    job = upload(officer, xlsx(GOOD_FAMILY))
    client.force_login(people["waihai_officer"])
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/apply/", {"mode": "valid_rows"}).status_code == 404
    assert client.get(f"/imports/{job.pk}/errors.xlsx").status_code == 404
    client.force_login(people["auditor"])
    assert client.get("/imports/").status_code == 403
    assert Person.objects.count() == 0


def test_import_api_in_both_modes(client, officer, people):
    client.force_login(officer)
    resp = client.post("/api/imports", {"file": SimpleUploadedFile("a.xlsx", xlsx(GOOD_FAMILY + BAD_ROWS[:1]))})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["status"], body["error_rows"], body["valid_rows"]) == ("validated", 1, 3)
    errors = client.get(f"/api/imports/{body['id']}/errors").json()
    assert errors[0]["field"] == "身份证号" and "校验码错误" in errors[0]["message"]
    refused = client.post(f"/api/imports/{body['id']}/apply", {"mode": "all_or_nothing"},
                          content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "has_errors"
    assert Person.objects.count() == 0
    second = client.post("/api/imports", {"file": SimpleUploadedFile("b.csv", csv_bytes(GOOD_FAMILY))}).json()
    done = client.post(f"/api/imports/{second['id']}/apply", {"mode": "valid_rows"}, content_type="application/json")
    assert done.json()["applied_rows"] == 3
    bad = client.post("/api/imports", {"file": SimpleUploadedFile("c.xlsx", b"PK\x03\x04broken")})
    assert bad.status_code == 201 and bad.json()["status"] == "failed" and "Excel" in bad.json()["message"]
    client.force_login(people["waihai_officer"])
    assert client.get(f"/api/imports/{body['id']}").status_code == 404


def test_the_downloaded_template_imports_as_is_in_the_users_own_village(client, officer):
    client.force_login(officer)
    template = client.get("/imports/template.xlsx").content
    job = upload(officer, template)
    assert (job.status, job.total_rows, job.error_rows) == (ImportJob.Status.VALIDATED, 1, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics exist on PostgreSQL only")
def test_a_first_import_into_an_empty_registry_refreshes_the_statistics_it_is_checked_with(officer):
    """礼乐街道's first registry goes into an empty table that autovacuum has just analysed as holding 0 rows: the
    import refreshes the statistics inside its own transaction, so the joins and the foreign-key checks at COMMIT
    are planned for the rows it wrote, not for an empty table."""
    assert Person.objects.count() == 0
    with connection.cursor() as cur:
        cur.execute("ANALYZE registry_person")  # what autovacuum records for the empty table
        cur.execute("ANALYZE registry_household")
    rows = []
    for i in range(3_000):
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=i // 400)
        head = i % 3 == 0
        rows.append(row(make_id_number("440704", birth, i % 400 * 2 + 1), f"村民{i}", area=XIANGDONG,
                        hh=f"XD-{i // 3}", rel="户主" if head else "子女"))
    job = upload(officer, csv_bytes(rows), name="首次建档.csv")
    assert job.error_rows == 0
    importing.import_apply(actor=officer, job=job, mode=ImportJob.Mode.ALL_OR_NOTHING)
    assert Person.objects.count() == 3_000 and Household.objects.count() == 1_000
    assert Membership.objects.count() == 3_000
    with connection.cursor() as cur:
        cur.execute("SELECT relname, reltuples FROM pg_class "
                    "WHERE relname IN ('registry_person', 'registry_household')")
        stats = dict(cur.fetchall())
    assert stats == {"registry_person": 3_000, "registry_household": 1_000}
