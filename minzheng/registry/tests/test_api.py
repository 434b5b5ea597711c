"""The registry API, told as stories of the bureau's staff.

英南村 (礼乐街道, 江海区) has the 王 family (王德明 and his grandson 王小明), the 李 family (李秀英),
and two people both called 张伟 born the same day. 都城镇 in 郁南县 and 外海街道 have people of their own.
"""

import datetime as dt

import pytest

from minzheng.core.idcard import make_id_number
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.registry import services
from minzheng.registry.models import DuplicateReview, Household, Membership, Person, PersonCategory

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)

PHONE = "13812345678"
ACCOUNT = "6222020202020202"


@pytest.fixture
def world(areas, people, make_person):
    hzq = people["jianghai_approver"]
    wang = make_person("王德明", birth=dt.date(1948, 5, 1), phone=PHONE, bank_name="农村信用社", bank_account=ACCOUNT)
    grandson = make_person("王小明", birth=dt.date(2012, 9, 1))
    li = make_person("李秀英", birth=dt.date(1960, 2, 2), sex="F")
    zhang1 = make_person("张伟")
    zhang2 = make_person("张伟")
    waihai_person = make_person("赵六", area=areas["waihai_village"], birth=dt.date(1970, 1, 1))
    ducheng_person = make_person("梁志", area=areas["ducheng_village"], birth=dt.date(1980, 1, 1))
    wang_home = services.household_create(actor=hzq, area=areas["yingnan"], head=wang, address="英南村一巷1号",
                                          start_date=dt.date(2020, 1, 1))
    services.household_add_member(actor=hzq, household=wang_home, person=grandson, relation="grandchild",
                                  start_date=dt.date(2020, 1, 1))
    li_home = services.household_create(actor=hzq, area=areas["yingnan"], head=li, start_date=dt.date(2020, 1, 1))
    elderly = services.category_add(actor=hzq, person=wang, category="elderly", valid_from=dt.date(2008, 5, 1))
    return {
        "wang": wang, "grandson": grandson, "li": li, "zhang1": zhang1, "zhang2": zhang2,
        "waihai_person": waihai_person, "ducheng_person": ducheng_person,
        "wang_home": wang_home, "li_home": li_home, "elderly": elderly,
    }


def call(client, method, url, body=None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body if body is not None else {}, content_type="application/json")


def as_user(client, user):
    client.force_login(user)
    return client


def state():
    """Everything a refused request must leave untouched."""
    return (
        AuditEntry.objects.exclude(action="access.denied").count(),
        list(Person.objects.order_by("pk").values_list("name", "phone", "residence_area_id", "death_date")),
        list(Household.objects.order_by("pk").values_list("head_id", "dissolved_on")),
        list(Membership.objects.order_by("pk").values_list("person_id", "household_id", "relation", "end_date")),
        list(PersonCategory.objects.order_by("pk").values_list("category", "valid_to")),
        DuplicateReview.objects.count(),
    )


def personal_endpoints(w):
    """Every endpoint that reads or writes one 英南村 person or household, with a request that would succeed."""
    wang, grandson, zhang1 = w["wang"].pk, w["grandson"].pk, w["zhang1"].pk
    home, cat = w["wang_home"].pk, w["elderly"].pk
    return [
        ("get", f"/api/persons/{wang}", None),
        ("post", f"/api/persons/{wang}/full", {"purpose": "核对"}),
        ("patch", f"/api/persons/{wang}", {"phone": "13900001111"}),
        ("post", "/api/persons", {"id_number": make_id_number("440704", dt.date(1990, 1, 1), 71), "name": "新人",
                                  "hukou_area_code": "440704003001", "residence_area_code": "440704003001"}),
        ("post", f"/api/persons/{wang}/categories", {"category": "elderly_alone", "valid_from": "2024-01-01"}),
        ("post", f"/api/persons/{wang}/categories/{cat}/end", {"valid_to": "2025-01-01"}),
        ("get", f"/api/households/{home}", None),
        ("post", "/api/households", {"area_code": "440704003001", "head_id": zhang1}),
        ("post", f"/api/households/{home}/members", {"person_id": zhang1, "relation": "other"}),
        ("post", f"/api/households/{home}/members/{grandson}/remove", {"reason": "外出务工"}),
        ("post", f"/api/households/{home}/head", {"new_head_id": grandson, "old_head_relation": "grandparent"}),
        ("post", f"/api/households/{home}/split", {"member_ids": [grandson], "new_head_id": grandson}),
        ("post", f"/api/households/{home}/merge", {"target_id": w["li_home"].pk}),
        ("post", "/api/duplicates/review",
         {"person_a_id": zhang1, "person_b_id": w["zhang2"].pk, "decision": "different"}),
    ]


LISTS = ["/api/persons", "/api/persons?q=王", "/api/households", "/api/duplicates"]


# --- nobody outside gets in ----------------------------------------------------------------

def test_without_login_every_endpoint_answers_401_and_writes_nothing(client, world):
    before = state()
    for method, url, body in personal_endpoints(world) + [("get", u, None) for u in LISTS]:
        r = call(client, method, url, body)
        assert r.status_code == 401, (method, url, r.content)
        assert r.json() == {"code": "unauthenticated", "message": "请先登录"}
    assert state() == before


@pytest.mark.parametrize("outsider", ["yunan_approver", "waihai_officer"])
def test_user_of_another_area_gets_404_and_nothing(client, world, people, outsider):
    """梁文杰 of 郁南县 and 赵玉兰 of 外海街道 both have full registry rights — but not over 英南村."""
    as_user(client, people[outsider])
    before = state()
    for method, url, body in personal_endpoints(world):
        r = call(client, method, url, body)
        assert r.status_code == 404, (method, url, r.content)
        assert r.json()["code"] == "not_found"
        for secret in ("王德明", "王小明", "张伟", "李秀英", world["wang"].id_number[-4:]):
            assert secret not in r.content.decode(), (url, secret)
    assert state() == before


def test_out_of_scope_looks_exactly_like_absent(client, world, people):
    as_user(client, people["yunan_approver"])
    hidden = client.get(f"/api/persons/{world['wang'].pk}")
    absent = client.get("/api/persons/987654")
    assert (hidden.status_code, hidden.json()) == (absent.status_code, absent.json())
    hidden = client.get(f"/api/households/{world['wang_home'].pk}")
    absent = client.get("/api/households/987654")
    assert (hidden.status_code, hidden.json()) == (absent.status_code, absent.json())


@pytest.mark.parametrize("outsider", ["yunan_approver", "waihai_officer"])
def test_lists_of_another_area_show_nothing(client, world, people, outsider):
    as_user(client, people[outsider])
    persons = client.get("/api/persons?page_size=100").json()
    names = {p["name"] for p in persons["items"]}
    assert names and not names & {"王德明", "王小明", "李秀英", "张伟"}
    for q in ("王", "wdm"):
        assert client.get("/api/persons", {"q": q}).json()["count"] == 0
    assert call(client, "post", "/api/persons/search", {"q": world["wang"].id_number[:14]}).json()["count"] == 0
    assert client.get("/api/households").json()["count"] == 0
    assert client.get("/api/duplicates").json() == []
    # Filtering by an area outside one's own is refused like any other out-of-scope record.
    assert client.get("/api/persons?area=440704003").status_code == 404


def test_provider_without_registry_rights_is_refused_everything(client, world, people):
    """何丽 runs a care home in 江海区: the area is hers, the registry is not."""
    as_user(client, people["provider"])
    before = state()
    for method, url, body in personal_endpoints(world) + [("get", u, None) for u in LISTS]:
        r = call(client, method, url, body)
        assert r.status_code == 403, (method, url, r.content)
        assert r.json() == {"code": "forbidden", "message": "您的角色无权查看人员信息"}
    assert state() == before


def test_auditor_may_read_but_every_write_is_refused(client, world, people):
    """吴敏 audits 江海区: she reads (and may see the full record, audited) but changes nothing."""
    as_user(client, people["auditor"])
    assert client.get(f"/api/persons/{world['wang'].pk}").status_code == 200
    before = state()
    writes = [e for e in personal_endpoints(world) if e[0] != "get" and not e[1].endswith("/full")]
    for method, url, body in writes:
        r = call(client, method, url, body)
        assert r.status_code == 403, (method, url, r.content)
        assert r.json()["code"] == "forbidden" and r.json()["message"].startswith("您的角色无权")
    assert state() == before


def test_village_worker_cannot_run_household_operations_nor_see_full_ids(client, world, people):
    """陈小玲 registers people in 英南村, but household changes are the 镇街's job and full IDs are not for her."""
    as_user(client, people["village_worker"])
    before = state()
    refused = [e for e in personal_endpoints(world)
               if e[0] != "get" and ("/households" in e[1] or e[1].endswith("/full") or "duplicates" in e[1])]
    assert len(refused) == 8
    for method, url, body in refused:
        r = call(client, method, url, body)
        assert r.status_code == 403, (method, url, r.content)
    assert state() == before
    # What is hers to do she can do.
    r = call(client, "patch", f"/api/persons/{world['wang'].pk}", {"address": "英南村一巷2号"})
    assert r.status_code == 200 and r.json()["address"] == "英南村一巷2号"


# --- reading -------------------------------------------------------------------------------

def test_search_by_name_id_prefix_and_initials_masks_personal_data(client, world, people):
    as_user(client, people["lile_officer"])
    wang = world["wang"]
    for q in ("王德", "wdm", "WDM"):
        body = client.get("/api/persons", {"q": q}).json()
        assert [p["name"] for p in body["items"]] == ["王德明"], q
    body = call(client, "post", "/api/persons/search", {"q": wang.id_number[:10]}).json()
    assert [p["name"] for p in body["items"]] == ["王德明"]
    item = client.get("/api/persons", {"q": "王德明"}).json()["items"][0]
    assert item["id_number_masked"] == wang.id_number[:4] + "*" * 14
    assert item["phone_masked"] == "138****5678"
    assert item["residence_area"] == {"code": "440704003001", "name": "英南村"}
    listing = client.get("/api/persons?page_size=100").content.decode()
    for p in Person.objects.all():
        assert p.id_number not in listing
    assert PHONE not in listing


def test_search_pages_and_filters_by_area_and_category(client, world, people, areas, make_person):
    make_person("向东一号", area=areas["xiangdong"], birth=dt.date(1975, 1, 1))
    as_user(client, people["jianghai_approver"])
    first = client.get("/api/persons?page_size=2&page=1").json()
    second = client.get("/api/persons?page_size=2&page=2").json()
    assert first["count"] == second["count"] == 7  # 6 in 礼乐 + 1 in 外海; 郁南's 梁志 is not counted
    assert len(first["items"]) == 2 and not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}
    assert [p["name"] for p in client.get("/api/persons?area=440704003002").json()["items"]] == ["向东一号"]
    assert [p["name"] for p in client.get("/api/persons?category=elderly").json()["items"]] == ["王德明"]
    r = client.get("/api/persons?category=rich")
    assert r.status_code == 400 and r.json()["field"] == "类别"


def test_detail_is_masked_and_shows_categories_and_household(client, world, people):
    as_user(client, people["lile_officer"])
    d = client.get(f"/api/persons/{world['wang'].pk}").json()
    assert d["name"] == "王德明" and d["sex_label"] == "男" and d["birth_date"] == "1948-05-01"
    assert d["id_number_masked"].count("*") == 14
    assert d["phone_masked"] == "138****5678" and d["bank_account_masked"] == "************0202"
    assert [c["category_label"] for c in d["categories"]] == ["老年人"]
    assert d["household"] == {"id": world["wang_home"].pk, "number": world["wang_home"].number}
    raw = client.get(f"/api/persons/{world['wang'].pk}").content.decode()
    assert world["wang"].id_number not in raw and PHONE not in raw and ACCOUNT not in raw


def test_full_record_is_returned_and_every_view_is_audited(client, world, people):
    as_user(client, people["lile_officer"])
    wang = world["wang"]
    r = call(client, "post", f"/api/persons/{wang.pk}/full", {"purpose": "低保入户核对"})
    assert r.status_code == 200
    assert r.json() == {"id": wang.pk, "name": "王德明", "id_number": wang.id_number, "phone": PHONE,
                        "bank_name": "农村信用社", "bank_account": ACCOUNT}
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor, entry.object_id) == ("person.view_full", people["lile_officer"], str(wang.pk))
    assert entry.after["purpose"] == "低保入户核对"
    # A bare POST without a body works too (and is audited all the same).
    assert client.post(f"/api/persons/{wang.pk}/full", content_type="application/json").status_code == 200
    assert AuditEntry.objects.filter(action="person.view_full", object_id=str(wang.pk)).count() == 2


# --- writing -------------------------------------------------------------------------------

def test_officer_registers_and_edits_a_person(client, world, people):
    as_user(client, people["lile_officer"])
    new_id = make_id_number("440704", dt.date(1985, 6, 15), 22)
    r = call(client, "post", "/api/persons", {
        "id_number": new_id, "name": "何秀梅", "hukou_area_code": "445322100001",
        "residence_area_code": "440704003002", "birth_date": "1985-06-15", "sex": "F", "phone": "13700001234"})
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["hukou_area"]["name"] == "都城社区" and created["residence_area"]["name"] == "向东村"
    assert created["id_number_masked"] != new_id
    assert AuditEntry.objects.order_by("-seq").first().action == "person.create"

    r = call(client, "patch", f"/api/persons/{created['id']}",
             {"phone": "13700005678", "disability_category": "physical", "disability_grade": 3})
    assert r.status_code == 200, r.content
    assert r.json()["disability_grade"] == 3 and r.json()["phone_masked"] == "137****5678"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "person.update" and set(entry.after) == {"phone", "disability_category", "disability_grade"}


def test_an_id_number_cannot_be_changed_through_patch(client, world, people):
    as_user(client, people["lile_officer"])
    before = state()
    r = call(client, "patch", f"/api/persons/{world['wang'].pk}",
             {"id_number": make_id_number("440704", dt.date(1948, 5, 1), 99), "phone": "13900000000"})
    assert r.status_code == 422 and "请求参数有误" in r.json()["message"]
    assert state() == before


def test_officer_cannot_move_a_person_out_of_her_town(client, world, people):
    """李建华 of 礼乐 may not move 王德明 to 外海: that area is not hers."""
    as_user(client, people["lile_officer"])
    before = state()
    r = call(client, "patch", f"/api/persons/{world['wang'].pk}", {"residence_area_code": "440704002001"})
    assert r.status_code == 404
    assert state() == before


def test_categories_are_added_and_ended(client, world, people):
    as_user(client, people["lile_officer"])
    wang = world["wang"]
    r = call(client, "post", f"/api/persons/{wang.pk}/categories",
             {"category": "elderly_alone", "valid_from": "2024-03-01", "note": "子女在外地"})
    assert r.status_code == 201 and r.json()["category_label"] == "独居老人"
    cat_id = r.json()["id"]
    r = call(client, "post", f"/api/persons/{wang.pk}/categories", {"category": "elderly_alone",
                                                                    "valid_from": "2024-04-01"})
    assert r.status_code == 409 and r.json()["field"] == "类别"
    r = call(client, "post", f"/api/persons/{wang.pk}/categories/{cat_id}/end",
             {"valid_to": "2025-01-31", "reason": "与子女同住"})
    assert r.status_code == 200 and r.json()["valid_to"] == "2025-01-31"
    before = state()
    again = call(client, "post", f"/api/persons/{wang.pk}/categories/{cat_id}/end", {"valid_to": "2025-06-30"})
    assert again.status_code == 409 and "已于2025-01-31终止" in again.json()["message"]
    # A category id of another person is not reachable through this person.
    other = call(client, "post", f"/api/persons/{world['li'].pk}/categories/{world['elderly'].pk}/end",
                 {"valid_to": "2025-01-31"})
    assert other.status_code == 404
    assert state() == before
    actions = list(AuditEntry.objects.filter(object_id=str(wang.pk)).values_list("action", flat=True))
    assert actions[-2:] == ["person.category_add", "person.category_end"]


def test_household_operations_through_the_api(client, world, people):
    """李建华 runs each household operation on the 英南村 families; each leaves its audit entry."""
    as_user(client, people["lile_officer"])
    wang, grandson, zhang1, zhang2 = world["wang"], world["grandson"], world["zhang1"], world["zhang2"]
    home = world["wang_home"]

    d = client.get(f"/api/households/{home.pk}").json()
    assert d["head_name"] == "王德明" and d["member_count"] == 2
    assert [(m["name"], m["relation_label"]) for m in d["members"]] == [("王德明", "户主"), ("王小明", "孙子女")]
    assert all("*" in m["id_number_masked"] for m in d["members"])

    listing = client.get("/api/households", {"q": "wdm"}).json()
    assert [h["number"] for h in listing["items"]] == [home.number] and listing["items"][0]["member_count"] == 2

    r = call(client, "post", "/api/households", {"area_code": "440704003001", "head_id": zhang1.pk,
                                                 "address": "英南村三巷8号"})
    assert r.status_code == 201, r.content
    zhang_home = r.json()["id"]

    r = call(client, "post", f"/api/households/{zhang_home}/members", {"person_id": zhang2.pk, "relation": "sibling"})
    assert r.status_code == 200 and r.json()["member_count"] == 2

    r = call(client, "post", f"/api/households/{home.pk}/head",
             {"new_head_id": grandson.pk, "old_head_relation": "grandparent"})
    assert r.status_code == 200 and r.json()["head_name"] == "王小明"

    r = call(client, "post", f"/api/households/{home.pk}/split", {"member_ids": [wang.pk], "new_head_id": wang.pk,
                                                                  "address": "英南村一巷3号"})
    assert r.status_code == 201 and r.json()["head_name"] == "王德明" and r.json()["number"] != home.number
    assert client.get(f"/api/households/{home.pk}").json()["member_count"] == 1

    r = call(client, "post", f"/api/households/{zhang_home}/members/{zhang2.pk}/remove", {"reason": "迁往外地"})
    assert r.status_code == 200 and [m["name"] for m in r.json()["members"]] == ["张伟"]
    gone = Membership.objects.get(person=zhang2, household_id=zhang_home)
    assert (gone.end_date, gone.end_reason) == (local_date(), "迁往外地")

    r = call(client, "post", f"/api/households/{zhang_home}/merge", {"target_id": world["li_home"].pk})
    assert r.status_code == 200 and {m["name"] for m in r.json()["members"]} == {"李秀英", "张伟"}
    assert client.get(f"/api/households/{zhang_home}").json()["dissolved_on"] == local_date().isoformat()
    assert client.get("/api/households", {"q": "zw"}).json()["count"] == 0
    dissolved = client.get("/api/households", {"q": "zw", "include_dissolved": "true"}).json()["items"]
    assert [h["id"] for h in dissolved] == [zhang_home] and dissolved[0]["member_count"] == 0

    actions = list(AuditEntry.objects.filter(actor=people["lile_officer"]).values_list("action", flat=True))
    assert actions == ["household.create", "household.add_member", "household.change_head", "household.split",
                       "household.create", "household.remove_member", "household.merge_out", "household.merge_in"]


def test_probable_duplicates_are_listed_and_reviewed_never_merged(client, world, people):
    as_user(client, people["jianghai_approver"])
    pairs = client.get("/api/duplicates").json()
    assert len(pairs) == 1
    assert {pairs[0]["a"]["name"], pairs[0]["b"]["name"]} == {"张伟"} and "出生日期相同" in pairs[0]["reason"]
    assert "*" in pairs[0]["a"]["id_number_masked"]
    r = call(client, "post", "/api/duplicates/review", {"person_a_id": world["zhang2"].pk,
                                                        "person_b_id": world["zhang1"].pk, "decision": "different",
                                                        "note": "已入户核实为两人"})
    assert r.status_code == 200 and r.json()["decision_label"] == "确认为不同人员"
    assert client.get("/api/duplicates").json() == []
    assert Person.objects.filter(name="张伟").count() == 2
    assert AuditEntry.objects.order_by("-seq").first().action == "person.duplicate_review"


# --- bad input: a clear Chinese message naming the field, and nothing written -------------

def _create_body(**overrides):
    return {"id_number": make_id_number("440704", dt.date(1990, 1, 1), 31), "name": "新登记",
            "hukou_area_code": "440704003001", "residence_area_code": "440704003001"} | overrides


GOOD = make_id_number("440704", dt.date(1990, 1, 1), 31)
FUTURE = local_date() + dt.timedelta(days=400)


@pytest.mark.parametrize("overrides, status, field, words", [
    ({"id_number": "44070419900101"}, 400, "身份证号", "应为18位"),
    ({"id_number": "44070419900101A031"}, 400, "身份证号", "前17位应为数字"),
    ({"id_number": GOOD[:17] + ("0" if GOOD[17] != "0" else "1")}, 400, "身份证号", "校验码错误"),
    ({"id_number": make_id_number("440704", FUTURE, 31)}, 400, "身份证号", "晚于今天"),
    ({"birth_date": FUTURE.isoformat()}, 400, "出生日期", "晚于今天"),
    ({"birth_date": "1991-01-01"}, 400, "出生日期", "不一致"),
    ({"residence_area_code": "440704999999"}, 400, "居住地", "不存在"),
    ({"hukou_area_code": "999999"}, 400, "户籍地", "不存在"),
    ({"name": "  "}, 400, "姓名", "不能为空"),
    ({"phone": "call me"}, 400, "联系电话", "格式不正确"),
], ids=["short-id", "letter-in-id", "checksum", "future-birth-in-id", "future-birth-date", "birth-mismatch",
        "unknown-residence", "unknown-hukou", "blank-name", "bad-phone"])
def test_bad_person_input_is_named_in_chinese_and_nothing_is_written(client, world, people, overrides, status, field,
                                                                      words):
    as_user(client, people["lile_officer"])
    before = state()
    r = call(client, "post", "/api/persons", _create_body(**overrides))
    assert r.status_code == status, r.content
    body = r.json()
    assert body["field"] == field and words in body["message"], body
    assert state() == before


def test_an_id_number_is_registered_only_once(client, world, people):
    as_user(client, people["lile_officer"])
    before = state()
    r = call(client, "post", "/api/persons", _create_body(id_number=world["wang"].id_number))
    assert r.status_code == 409 and r.json()["field"] == "身份证号" and "已登记" in r.json()["message"]
    assert world["wang"].id_number not in r.content.decode()
    assert state() == before


def test_a_member_cannot_join_two_households_at_once(client, world, people):
    """王小明 lives with his grandfather; adding him to the 李 household must wait for 迁出."""
    as_user(client, people["lile_officer"])
    before = state()
    r = call(client, "post", f"/api/households/{world['li_home'].pk}/members",
             {"person_id": world["grandson"].pk, "relation": "other"})
    assert r.status_code == 409
    assert r.json()["field"] == "成员" and f"已是家庭{world['wang_home'].number}的成员" in r.json()["message"]
    r = call(client, "post", "/api/households", {"area_code": "440704003001", "head_id": world["grandson"].pk})
    assert r.status_code == 409 and r.json()["field"] == "成员"
    assert state() == before


def test_bad_household_input_is_refused_and_nothing_is_written(client, world, people):
    as_user(client, people["lile_officer"])
    home = world["wang_home"]
    before = state()
    cases = [
        (f"/api/households/{home.pk}/members", {"person_id": world["zhang1"].pk, "relation": "cousin"}, "与户主关系"),
        (f"/api/households/{home.pk}/members/{world['wang'].pk}/remove", {}, "成员"),
        (f"/api/households/{home.pk}/head", {"new_head_id": world["grandson"].pk, "old_head_relation": "boss"},
         "与户主关系"),
        (f"/api/households/{home.pk}/split", {"member_ids": [world["grandson"].pk], "new_head_id": world["wang"].pk},
         "新户主"),
        (f"/api/households/{home.pk}/merge", {"target_id": home.pk}, "目标家庭"),
        ("/api/households", {"area_code": "440704003999", "head_id": world["zhang1"].pk}, "所在村居"),
    ]
    for url, body, field in cases:
        r = call(client, "post", url, body)
        assert 400 <= r.status_code < 500 and r.json()["field"] == field, (url, r.content)
    assert state() == before


def test_malformed_request_bodies_answer_422_in_chinese(client, world, people):
    as_user(client, people["lile_officer"])
    before = state()
    r = call(client, "post", f"/api/persons/{world['wang'].pk}/categories",
             {"category": "elderly_alone", "valid_from": "去年"})
    assert r.status_code == 422 and r.json()["code"] == "invalid" and "请求参数有误" in r.json()["message"]
    assert "valid_from" in r.json()["message"]
    r = client.post("/api/persons", "{not json", content_type="application/json")
    assert r.status_code in (400, 422)
    assert state() == before


# --- documentation -------------------------------------------------------------------------

def test_api_documentation_loads(client, people):
    as_user(client, people["lile_officer"])
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert {"/api/persons", "/api/households/{household_id}/merge", "/api/duplicates/review"} <= set(schema["paths"])
    props = schema["components"]["schemas"]["PersonCreateIn"]["properties"]
    assert props["id_number"]["description"].startswith("18位身份证号")
