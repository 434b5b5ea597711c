"""The shared pickers' endpoints (issue 16 point 4): the area picker lists only what the user may choose and the road
to it; the person search offers only persons in the user's areas that the form's own lookup would accept; a forged
choice posted to a form is refused like an unknown 身份证号 and writes nothing.

李建华 works for 礼乐街道 (江海区, 江门市); 外海街道 is his neighbour town, 郁南县 another county of another city."""

import datetime as dt

import pytest

from minzheng.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PICK = "/areas/pick/"
PERSONS = "/persons/pick/"


def _areas(client, **params):
    r = client.get(PICK, params)
    assert r.status_code == 200
    return [(a["name"], a["selectable"]) for a in r.json()["areas"]]


def test_li_jianhua_reaches_his_villages_through_the_areas_above_him_and_sees_no_other_branch(client, people, areas):
    client.force_login(people["lile_officer"])
    assert _areas(client) == [("江门市", False)]                        # not 云浮市
    assert _areas(client, parent="440700") == [("江海区", False)]
    assert _areas(client, parent="440704") == [("礼乐街道", True)]      # not 外海街道
    assert _areas(client, parent="440704003") == [("英南村", True), ("向东村", True)]
    # another branch, asked for directly, is empty: neither its names nor its existence
    assert _areas(client, parent="440704002") == []
    assert _areas(client, parent="445322") == []
    assert _areas(client, parent="999999") == []
    # reopening a value: the chain of codes for his own area, nothing for another's
    assert client.get(PICK, {"chain": "440704003001"}).json() == {"chain": ["440700", "440704", "440704003",
                                                                            "440704003001"]}
    assert client.get(PICK, {"chain": "440704002001"}).json() == {"chain": []}
    assert client.get(PICK, {"chain": "440704"}).json() == {"chain": []}   # above him: not his to choose


def test_a_county_approver_chooses_his_county_and_below(client, people, areas):
    client.force_login(people["yunan_approver"])
    assert _areas(client) == [("云浮市", False)]
    assert _areas(client, parent="445300") == [("郁南县", True)]
    assert _areas(client, parent="440704") == []


def test_the_public_tree_is_for_everyone_and_the_scoped_one_needs_a_login(client, areas):
    assert _areas(client, public="1") == [("江门市", True), ("云浮市", True)]
    assert _areas(client, public="1", parent="440704") == [("外海街道", True), ("礼乐街道", True)]
    assert client.get(PICK, {"chain": "440704002001", "public": "1"}).json()["chain"][-1] == "440704002001"
    r = client.get(PICK)
    assert r.status_code == 401 and r.json()["message"] == "请先登录"
    assert client.post(PICK).status_code == 405


def test_a_user_without_areas_is_offered_nothing(client, areas):
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create

    nobody = user_create(actor=None, username="nobody", password="Minzheng#2026", display_name="无区域",
                         role=Role.TOWN, areas=[])
    client.force_login(nobody)
    assert _areas(client) == [] and _areas(client, parent="440704") == []


@pytest.fixture
def wangs(make_person, areas):
    return {
        "yingnan": make_person("王大明", area=areas["yingnan"]),
        "xiangdong": make_person("王小红", area=areas["xiangdong"], sex="F", birth=dt.date(1961, 1, 1)),
        "waihai": make_person("王德明", area=areas["waihai_village"], birth=dt.date(1955, 5, 5)),
        "yunan": make_person("王桂芳", area=areas["ducheng_village"], sex="F"),
    }


def _persons(client, q, purpose="registry"):
    r = client.post(PERSONS, {"q": q, "purpose": purpose})
    assert r.status_code == 200, r.content
    return r.json()["persons"]


def test_the_person_search_offers_only_persons_of_his_areas_masked(client, people, wangs):
    client.force_login(people["lile_officer"])
    found = _persons(client, "王")
    assert [p["name"] for p in found] == ["王大明", "王小红"]
    dm = found[0]
    assert dm == {"id": wangs["yingnan"].pk, "name": "王大明", "masked_id": wangs["yingnan"].masked_id,
                  "area": "礼乐街道/英南村"}
    assert wangs["yingnan"].id_number not in str(found)
    assert _persons(client, "王德") == [] and _persons(client, "王桂") == []
    assert [p["name"] for p in _persons(client, "wdm")] == ["王大明"]          # pinyin initials
    assert _persons(client, wangs["waihai"].id_number) == []                  # a full number of another town
    assert _persons(client, "") == []


def test_the_person_search_is_a_post_and_needs_a_known_purpose_and_a_login(client, people, wangs):
    assert client.post(PERSONS, {"q": "王", "purpose": "registry"}).status_code == 302     # to the login page
    client.force_login(people["lile_officer"])
    assert client.get(PERSONS, {"q": wangs["yingnan"].id_number}).status_code == 405
    r = client.post(PERSONS, {"q": "王", "purpose": "everything"})
    assert r.status_code == 400 and r.json()["message"] == "人员选择的用途不正确"


def test_the_candidates_follow_the_forms_right(client, people, wangs):
    """何丽, a care provider of 江海区, holds no registry right: the search offers her nobody, for any purpose her
    forms don't have either."""
    client.force_login(people["provider"])
    for purpose in ("registry", "facility", "retrofit", "lowincome", "elder", "charity", "charity_spending"):
        assert _persons(client, "王", purpose) == [], purpose


# --- the forms take the choice, and refuse a forged one like an unknown number ------------------------------------

def test_a_chosen_applicant_starts_the_application_and_a_forged_one_is_refused(client, people, wangs):
    from minzheng.assistance.models import Application
    from minzheng.registry.services import household_create

    client.force_login(people["lile_officer"])
    before = (AuditEntry.objects.count(), Application.objects.count())
    r = client.post("/assistance/new/", {"person": wangs["waihai"].pk, "id_number": "王德明（已选）",
                                         "programme": "dibao"})
    assert r.status_code == 400 and "未找到所选申请人，或其不在您的管辖范围内" in r.content.decode()
    assert wangs["waihai"].masked_id not in r.content.decode() and "data-person-chosen" not in r.content.decode()
    # shown again after an error, the form keeps a choice he may make (masked), never a forged one
    r = client.post("/assistance/new/", {"person": wangs["yingnan"].pk, "programme": ""})
    assert r.status_code == 400
    assert f'data-person-chosen="{wangs["yingnan"].pk}"' in r.content.decode()
    assert f'data-person-chosen-label="王大明（{wangs["yingnan"].masked_id}）"' in r.content.decode()
    r = client.post("/assistance/new/", {"person": "1 OR 1=1", "programme": "dibao"})
    assert r.status_code == 400
    assert (AuditEntry.objects.count(), Application.objects.count()) == before
    household_create(actor=people["jianghai_approver"], area=wangs["yingnan"].residence_area, head=wangs["yingnan"])
    r = client.post("/assistance/new/", {"person": wangs["yingnan"].pk, "programme": "dibao"})
    assert r.status_code == 302
    assert Application.objects.get().applicant == wangs["yingnan"]


def test_a_referral_and_a_relative_filing_take_the_choice_and_refuse_a_forged_one(client, people, wangs):
    from minzheng.lowincome.models import Referral
    from minzheng.payroll.models import StaffRelative

    client.force_login(people["jianghai_approver"])
    before = AuditEntry.objects.count()
    r = client.post("/payroll/relatives/", {"staff": people["lile_officer"].pk, "person": wangs["yunan"].pk,
                                            "relation": "配偶"})
    assert r.status_code == 400 and "未找到所选近亲属，或其不在您的管辖范围内" in r.content.decode()
    assert "data-person-chosen" not in r.content.decode() and wangs["yunan"].masked_id not in r.content.decode()
    assert AuditEntry.objects.count() == before and not StaffRelative.objects.exists()
    r = client.post("/payroll/relatives/", {"staff": people["lile_officer"].pk, "person": wangs["yingnan"].pk,
                                            "relation": "配偶"})
    assert r.status_code == 302 and StaffRelative.objects.get().person == wangs["yingnan"]

    client.force_login(people["lile_officer"])
    if not people["lile_officer"].can("lowincome.view"):
        return
    r = client.post("/lowincome/referrals/", {"person": wangs["waihai"].pk, "need": "housing", "request": "房屋漏雨"})
    assert r.status_code == 400 and "该人员未在本辖区人员库中登记" in r.content.decode()
    assert not Referral.objects.exists()
