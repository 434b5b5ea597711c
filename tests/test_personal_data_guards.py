"""Personal data that can't be pieced together, exported in bulk, or left in a URL.

英南村 (礼乐街道, 江海区) has ten residents. 陈小玲, its village worker, sees them masked; 李建华 of 礼乐街道 and
黄志强 of 江海区 work their cases; 江门市's 周主任 oversees the city; none of them should be able to rebuild a number
from a list, take every full number home without saying why, or leave one in a server log."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minzheng.core.idcard import make_id_number, mask
from minzheng.core.models import AuditEntry

BIRTHS = [dt.date(1940 + 7 * i % 60, 1 + i % 12, 1 + 3 * i % 28) for i in range(10)]


@pytest.fixture
def yingnan(areas, make_person):
    return [make_person(f"居民{i}", birth=b, sex="M" if i % 2 else "F", phone=f"1381234{i:04d}",
                        bank_name="江门农商银行", bank_account=f"62284800880{i:05d}")
            for i, b in enumerate(BIRTHS)]


@pytest.fixture
def city_head(areas):
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create

    return user_create(actor=None, username="zhouzr", password="Minzheng#2026", display_name="周主任",
                       role=Role.CITY, areas=[areas["jiangmen"]])


def candidates(masked: str, region: str, birth: dt.date, sex: str) -> list[str]:
    """Every valid number the attacker can't rule out from what a list row shows beside the masked one."""
    parity = 1 if sex == "M" else 0
    return [n for seq in range(parity, 1000, 2) if mask(n := make_id_number(region, birth, seq)) == masked]


# --- point 4: a masked number beside birth date, sex and area can't be rebuilt ----------------------------------

def test_chen_xiaoling_cannot_rebuild_a_number_from_the_list_she_is_shown(client, people, yingnan):
    client.force_login(people["village_worker"])
    items = client.get("/api/persons?page_size=100").json()["items"]
    assert len(items) == len(yingnan)
    for item in items:
        left = candidates(item["id_number_masked"], item["residence_area"]["code"][:6],
                          dt.date.fromisoformat(item["birth_date"]), item["sex"])
        assert len(left) >= 100, item["name"]  # one of 500 numbers, not the number


def test_nor_from_her_export_nor_the_page(client, people, yingnan):
    client.force_login(people["village_worker"])
    response = client.post(reverse("web:person_export"))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    by_name = {p.name: p for p in yingnan}
    for name, _sex, birth, masked, *_ in rows[1:]:
        p = by_name[name]
        assert len(candidates(masked, p.residence_area.code[:6], birth.date(), p.sex)) >= 100
    page = client.get(reverse("web:person_list")).content.decode()
    shown = re.findall(r"4407[0-9X*]{14}", page)
    assert len(shown) == len(yingnan) and all(s == "4407" + "*" * 14 for s in shown)


def test_she_cannot_learn_the_hidden_digits_by_searching_leading_digits(client, people, yingnan):
    """A prefix search would answer digit by digit; she finds a person by the complete number only."""
    target = yingnan[3]
    client.force_login(people["village_worker"])

    def found(q):
        return client.post("/api/persons/search", {"q": q}, content_type="application/json").json()["count"]

    assert [found(target.id_number[:n]) for n in (6, 14, 15, 16, 17)] == [0, 0, 0, 0, 0]
    assert found(target.id_number) == 1
    client.force_login(people["lile_officer"])  # 礼乐街道 may see full numbers, so may search by their start
    assert found(target.id_number[:14]) == 1


# --- point 5: bulk export masked by default; full numbers with a purpose, for the case-working levels ---------

def export_rows(response):
    assert response.status_code == 200, response.content[:300]
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


def test_the_export_is_a_post_and_masked_unless_full_numbers_are_asked_for(client, people, yingnan):
    client.force_login(people["lile_officer"])
    assert client.get(reverse("web:person_export")).status_code == 405
    rows = export_rows(client.post(reverse("web:person_export")))
    assert {r[3] for r in rows[1:]} == {p.masked_id for p in yingnan}
    flat = str(rows)
    assert not any(p.id_number in flat or p.phone in flat or p.bank_account in flat for p in yingnan)
    assert AuditEntry.objects.get(action="person.export").after["full_id_numbers"] is False


def test_huang_zhiqiang_exports_full_numbers_only_with_a_purpose_and_it_is_audited(client, people, yingnan):
    client.force_login(people["jianghai_approver"])
    refused = client.post(reverse("web:person_export"), {"full": "1", "purpose": " "}, follow=True)
    assert "导出完整信息须填写用途" in refused.content.decode()
    assert not AuditEntry.objects.filter(action="person.export").exists()
    rows = export_rows(client.post(reverse("web:person_export"), {"full": "1", "purpose": "低保年度复核"}))
    assert {(r[3], r[7], r[11]) for r in rows[1:]} == {(p.id_number, p.phone, p.bank_account) for p in yingnan}
    entry = AuditEntry.objects.get(action="person.export")
    assert entry.after["full_id_numbers"] is True and entry.after["purpose"] == "低保年度复核"
    assert entry.after["rows"] == len(yingnan)


@pytest.mark.parametrize("persona", ["village_worker", "auditor", "city_head"])
def test_roles_that_oversee_get_masked_lists_only(client, people, city_head, yingnan, persona):
    user = city_head if persona == "city_head" else people[persona]
    client.force_login(user)
    response = client.post(reverse("web:person_export"), {"full": "1", "purpose": "年度检查抽查"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="person.export").exists()
    rows = export_rows(client.post(reverse("web:person_export")))
    assert {r[3] for r in rows[1:]} == {p.masked_id for p in yingnan}


# --- point 12: a search by ID number never puts the number in a URL ---------------------------------------------

def test_li_jianhua_searches_by_id_and_the_number_stays_out_of_every_address(client, people, yingnan):
    target = yingnan[5]
    client.force_login(people["lile_officer"])
    response = client.post(reverse("web:person_list"), {"q": target.id_number})
    address = response["Location"]
    assert response.status_code == 302 and target.id_number not in address and "s=" in address
    page = client.get(address).content.decode()
    assert target.name in page and yingnan[4].name not in page
    # the live search (htmx) pushes the same kind of address into the browser history
    live = client.post(reverse("web:person_list"), {"q": target.id_number[:16]}, headers={"HX-Request": "true"})
    assert target.name in live.content.decode()
    assert target.id_number[:16] not in live["HX-Push-Url"] and "s=" in live["HX-Push-Url"]
    # names still search by address, so a search can be bookmarked
    by_name = client.post(reverse("web:person_list"), {"q": target.name})
    assert by_name["Location"].endswith(f"?q={target.name}") or "q=%E5" in by_name["Location"]


def test_a_number_typed_into_an_address_is_not_searched(client, people, yingnan):
    target = yingnan[5]
    client.force_login(people["lile_officer"])
    response = client.get(reverse("web:person_list"), {"q": target.id_number})
    assert response.status_code == 400 and target.name not in response.content.decode()
    api = client.get("/api/persons", {"q": target.id_number})
    assert api.status_code == 400 and api.json()["code"] == "id_in_url"
    found = client.post("/api/persons/search", {"q": target.id_number}, content_type="application/json").json()
    assert [p["name"] for p in found["items"]] == [target.name]


def test_a_search_token_is_no_use_to_anyone_else(client, people, yingnan):
    target = yingnan[5]
    client.force_login(people["lile_officer"])
    address = client.post(reverse("web:person_list"), {"q": target.id_number})["Location"]
    client.force_login(people["jianghai_approver"])  # a new session: the token means nothing there
    response = client.get(address)
    assert response.status_code == 200 and response.context["q"] == ""
    assert target.id_number not in response.content.decode()


def test_a_household_is_found_by_its_heads_number_by_post_only(client, people, areas, yingnan):
    from minzheng.registry.services import household_create

    head = yingnan[2]
    home = household_create(actor=people["jianghai_approver"], area=areas["yingnan"], head=head, address="英南村1号")
    client.force_login(people["lile_officer"])
    api = client.get("/api/households", {"q": head.id_number})
    assert api.status_code == 400 and api.json()["code"] == "id_in_url"
    found = client.post("/api/households/search", {"q": head.id_number}, content_type="application/json").json()
    assert [h["number"] for h in found["items"]] == [home.number]
    client.force_login(people["village_worker"])  # no full view: leading digits tell her nothing
    assert client.post("/api/households/search", {"q": head.id_number[:16]},
                       content_type="application/json").json()["count"] == 0
