"""Issue 10 point 10: careless or hostile input never gets a 500, on SQLite and on PostgreSQL alike.

黄志强 approves for 江海区. He (or a script using his session) sends the kinds of bad input that used to crash the
server: an upload without its multipart boundary, a NUL byte in a search or a name, page numbers and years far out
of range, an address longer than the register keeps, a body above the size limit. Each time the API answers
400/413/422 in its usual shape — a code, a Chinese message and the field at fault — the pages answer in Chinese,
and nothing is written.
"""

import json

import pytest

from minzheng.core.models import AuditEntry
from minzheng.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def huang(client, people):
    client.force_login(people["jianghai_approver"])
    return client


@pytest.fixture
def chen_dehua(make_person):
    return make_person("陈德华", address="英南村东街3号")


def problem(r, status: int) -> dict:
    """The API's error shape: a machine code, a Chinese message and (where one is at fault) the field."""
    assert r.status_code == status, r.content[:300]
    body = r.json()
    assert set(body) >= {"code", "message"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body["message"]
    return body


def snapshot():
    return (AuditEntry.objects.count(), list(Person.objects.order_by("pk").values_list("pk", "name", "address")))


# --- multipart without a boundary -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/imports", "/api/households"])
def test_a_multipart_body_without_its_boundary_is_a_clear_400(huang, path):
    before = snapshot()
    r = huang.post(path, data=b"--x\r\n", content_type="multipart/form-data")
    body = problem(r, 400)
    assert body["code"] == "bad_request" and "分隔" in body["message"]
    assert snapshot() == before


def test_a_page_form_posted_without_its_boundary_is_a_chinese_400_page(huang):
    r = huang.post("/persons/new/", data=b"--x\r\n", content_type="multipart/form-data")
    assert r.status_code == 400
    assert "分隔" in r.content.decode()


# --- NUL bytes ---------------------------------------------------------------------------------------------------

def test_a_nul_byte_in_a_search_names_the_parameter(huang, chen_dehua):
    body = problem(huang.get("/api/persons", {"q": "陈\x00"}), 400)
    assert body["field"] == "q" and "不可见" in body["message"]


def test_a_nul_byte_in_a_search_page_answers_in_chinese(huang, chen_dehua):
    r = huang.get("/persons/", {"q": "陈\x00"})
    assert r.status_code == 400 and "不可见" in r.content.decode()


def test_a_nul_byte_in_a_name_is_refused_and_nothing_is_written(huang, chen_dehua):
    before = snapshot()
    r = huang.patch(f"/api/persons/{chen_dehua.pk}", json.dumps({"name": "陈德\x00华"}),
                    content_type="application/json")
    body = problem(r, 400)
    assert body["field"] == "name"
    assert snapshot() == before


def test_a_nul_byte_inside_a_nested_list_names_its_path(huang):
    r = huang.post("/api/households", json.dumps({"members": [{"relation": "\x00"}]}),
                   content_type="application/json")
    assert problem(r, 400)["field"] == "members.0.relation"


# --- numbers out of range --------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["4201972600080268001280", "-1", "0"])
def test_a_page_number_out_of_range_is_a_422_naming_page(huang, chen_dehua, page):
    body = problem(huang.get("/api/persons", {"page": page}), 422)
    assert body["details"][0]["field"] == "page"


def test_a_page_number_on_the_households_list_too(huang):
    body = problem(huang.get("/api/households", {"page": "4201972600080268001280", "page_size": 11}), 422)
    assert body["details"][0]["field"] == "page"


@pytest.mark.parametrize("year", ["-111089", "0", "100000"])
def test_a_training_year_out_of_range_is_a_422(huang, year):
    body = problem(huang.get("/api/carefacility/trainings", {"year": year}), 422)
    assert body["details"][0]["field"] == "year"


def test_a_huge_page_on_a_list_page_shows_the_last_page(huang, chen_dehua):
    r = huang.get("/persons/", {"page": "4201972600080268001280"})
    assert r.status_code == 200 and "陈德华" in r.content.decode()


# --- text longer than the register keeps -------------------------------------------------------------------------

def test_an_address_longer_than_its_column_is_refused_by_name(huang, chen_dehua):
    before = snapshot()
    r = huang.patch(f"/api/persons/{chen_dehua.pk}", json.dumps({"address": "英南村" * 100}),
                    content_type="application/json")
    body = problem(r, 400)
    assert body["field"] == "居住地址" and "200" in body["message"]
    assert snapshot() == before


# --- a body above the size limit -----------------------------------------------------------------------------------

def test_a_body_over_the_size_limit_is_413(huang, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = snapshot()
    r = huang.post("/api/households", json.dumps({"address": "英" * 2000}), content_type="application/json")
    body = problem(r, 413)
    assert body["code"] == "too_large"
    assert snapshot() == before


def test_a_page_form_over_the_size_limit_is_413_in_chinese(huang, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = huang.post("/persons/new/", {"name": "英" * 2000})
    assert r.status_code == 413 and "过大" in r.content.decode()


def test_a_nul_byte_in_a_path_parameter_is_a_400(huang):
    body = problem(huang.get("/api/areas/440704%00"), 400)
    assert "不可见" in body["message"]


@pytest.mark.parametrize("roster", ["-5300191213882720075837865984", "0", str(2**63)])
def test_an_anomaly_filter_by_a_roster_id_out_of_range_is_a_422(huang, roster):
    """Found by the fuzzer: a roster id beyond 64 bits reached SQLite, which cannot bind it."""
    body = problem(huang.get("/api/payroll/anomalies", {"rule": "missing_account", "roster": roster}), 422)
    assert body["details"][0]["field"] == "roster"


@pytest.mark.parametrize("day", ["0001-10-18", "9999-12-31"])
def test_a_day_outside_the_bureaus_years_is_a_422_naming_it(huang, chen_dehua, day):
    # the fuzzer's 500 on PostgreSQL: year 1 minus a data source's validity window is before the calendar begins
    body = problem(huang.get(f"/api/verification/persons/{chen_dehua.pk}/records", {"on": day}), 422)
    assert body["details"][0]["field"] == "on"
    assert problem(huang.get("/api/payroll/totals", {"month": day}), 422)["details"][0]["field"] == "month"
    assert huang.get(f"/api/verification/persons/{chen_dehua.pk}/records", {"on": "2026-12-01"}).status_code == 200
