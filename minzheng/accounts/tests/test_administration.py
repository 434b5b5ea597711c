"""Accounts are made and kept by administrators, each inside their own areas (issue 17 item 5).

苏卫国 administers the accounts of 江海区; 邓海燕 those of 郁南县. 苏卫国 opens an account for 礼乐街道's new officer
林晓东 and cannot open one for 郁南县's 都城镇; he resets passwords, changes roles and areas, deactivates and
unlocks accounts of 江海区 — every step in the audit trail, and 邓海燕 sees none of 江海区's accounts."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.accounts import services as accounts
from minzheng.accounts.models import LoginThrottle, User
from minzheng.accounts.roles import Role
from minzheng.accounts.services import login_attempt, user_create
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.models import AuditEntry

pytestmark = pytest.mark.django_db
FIRST = "Lile#Start2026"
OWN = "Xiaodong@Own2027"


@pytest.fixture
def admins(areas, people):
    mk = lambda u, n, a: user_create(actor=None, username=u, password="Admin#Pass2026", display_name=n,  # noqa: E731
                                     role=Role.ADMIN, areas=[a])
    return {"su": mk("suwg", "苏卫国", areas["jianghai"]), "deng": mk("denghy", "邓海燕", areas["yunan"]),
            "city": mk("jm_admin", "江门市管理员", areas["jiangmen"])}


@pytest.fixture
def lin(admins, areas):
    return accounts.account_create(actor=admins["su"], username="linxd", display_name="林晓东", role=Role.TOWN,
                                   area_codes=["440704003"], password=FIRST)


def test_a_county_admin_opens_a_town_account_inside_the_county_and_it_is_audited(admins, lin):
    assert lin.role == Role.TOWN and lin.must_change_password
    assert list(lin.area_assignments.values_list("area__code", flat=True)) == ["440704003"]
    entry = AuditEntry.objects.get(action="user.create", object_id=str(lin.pk))
    assert entry.actor == admins["su"] and entry.area_code == "440704003"
    assert entry.after["areas"] == ["440704003"] and FIRST not in str(entry.after)


def test_the_county_admin_is_refused_an_account_outside_the_county(admins, areas):
    before = (User.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError) as e:
        accounts.account_create(actor=admins["su"], username="dcz", display_name="都城镇干部", role=Role.TOWN,
                                area_codes=["445322100"], password=FIRST)
    assert e.value.field == "管辖区域" and "不在您的管辖范围内" in e.value.message
    with pytest.raises(DomainError):  # nor the city above him
        accounts.account_create(actor=admins["su"], username="jmc", display_name="市局干部", role=Role.CITY,
                                area_codes=["440700"], password=FIRST)
    assert (User.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("field,kw,message", [
    ("密码", {"password": "abcdefgh"}, "至少包含"),
    ("密码", {"password": "Ab#1"}, "太短"),
    ("用户名", {"username": "lin xd"}, "用户名"),
    ("用户名", {"username": "chenxl"}, "已被使用"),
    ("角色", {"role": "superuser"}, "角色无效"),
    ("姓名", {"display_name": " "}, "姓名"),
    ("管辖区域", {"area_codes": []}, "至少指定"),
])
def test_bad_account_details_are_named_and_nothing_is_written(admins, field, kw, message):
    args = {"username": "newone", "display_name": "新同事", "role": Role.VILLAGE, "area_codes": ["440704003001"],
            "password": FIRST} | kw
    before = User.objects.count()
    with pytest.raises(DomainError) as e:
        accounts.account_create(actor=admins["su"], **args)
    assert e.value.field == field and message in e.value.message
    assert User.objects.count() == before


def test_a_new_account_must_change_its_first_password_before_anything_else(lin):
    c = Client()
    c.post("/login/", {"username": "linxd", "password": FIRST})
    assert c.get("/").url == "/account/password/"
    r = c.get("/api/areas")
    assert r.status_code == 403 and r.json()["code"] == "password_expired"
    r = c.post("/account/password/", {"old_password": FIRST, "new_password": "linxd" + "#A1"})
    assert r.status_code == 400 and "用户名" in r.content.decode()
    assert c.post("/account/password/", {"old_password": FIRST, "new_password": OWN}).status_code == 200
    assert c.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="user.change_password", object_id=str(lin.pk)).exists()


def test_a_password_older_than_the_policy_allows_must_be_changed(people, settings):
    """陈小玲 last changed her password 91 days ago; the bureau's policy allows 90."""
    settings.PASSWORD_MAX_AGE_DAYS = 90
    chen = people["village_worker"]
    c = Client()
    c.force_login(chen)
    User.objects.filter(pk=chen.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=89))
    assert c.get("/").status_code == 200
    User.objects.filter(pk=chen.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    assert c.get("/").url == "/account/password/"
    settings.PASSWORD_MAX_AGE_DAYS = 0  # a deployment that switches expiry off
    assert c.get("/").status_code == 200


def test_a_deactivated_user_cannot_log_in_and_their_open_session_ends(admins, people):
    chen = people["village_worker"]
    session = Client()
    session.force_login(chen)
    with pytest.raises(DomainError):
        accounts.account_deactivate(actor=admins["su"], user=chen, reason="")
    accounts.account_deactivate(actor=admins["su"], user=chen, reason="调离英南村")
    with pytest.raises(DomainError) as e:
        login_attempt(request=None, username="chenxl", password="Minzheng#2026")
    assert e.value.code == "bad_credentials"
    assert session.get("/").status_code == 302  # back to the login page
    entry = AuditEntry.objects.get(action="user.deactivate")
    assert entry.after["reason"] == "调离英南村" and entry.before["is_active"] is True
    accounts.account_reactivate(actor=admins["su"], user=chen)
    assert login_attempt(request=None, username="chenxl", password="Minzheng#2026") == chen


def test_an_unlock_clears_a_lockout(admins, people, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        with pytest.raises(DomainError):
            login_attempt(request=None, username="chenxl", password="wrong")
    with pytest.raises(DomainError) as e:
        login_attempt(request=None, username="chenxl", password="Minzheng#2026")
    assert e.value.code == "locked"
    c = Client()
    c.force_login(admins["su"])
    assert c.get(f"/api/accounts/users/{people['village_worker'].pk}").json()["locked"] is True
    r = c.post(f"/api/accounts/users/{people['village_worker'].pk}/unlock")
    assert r.status_code == 200 and r.json() == {"cleared": 1}
    assert not LoginThrottle.objects.filter(key__startswith="acct:", key__endswith="|chenxl").exists()
    assert login_attempt(request=None, username="chenxl", password="Minzheng#2026") == people["village_worker"]
    assert AuditEntry.objects.filter(action="user.unlock", actor=admins["su"]).exists()


def test_reset_role_and_areas_change_only_inside_the_county(admins, lin):
    accounts.account_reset_password(actor=admins["su"], user=lin, password="Reset#Pass2026")
    lin.refresh_from_db()
    assert lin.must_change_password and lin.check_password("Reset#Pass2026")
    accounts.account_set_role(actor=admins["su"], user=lin, role=Role.COUNTY)
    accounts.account_set_areas(actor=admins["su"], user=lin, area_codes=["440704002", "440704003"])
    assert sorted(lin.area_assignments.values_list("area__code", flat=True)) == ["440704002", "440704003"]
    with pytest.raises(DomainError):
        accounts.account_set_areas(actor=admins["su"], user=lin, area_codes=["445322100"])
    assert AuditEntry.objects.filter(object_type="user", object_id=str(lin.pk)).count() == 4
    with pytest.raises(DomainError) as e:
        accounts.account_deactivate(actor=admins["su"], user=admins["su"], reason="试一试")
    assert e.value.code == "self_action"


def test_another_countys_admin_sees_and_changes_none_of_the_countys_accounts(admins, lin):
    deng = admins["deng"]
    for act, kw in [(accounts.account_set_role, {"role": Role.CITY}), (accounts.account_unlock, {}),
                    (accounts.account_deactivate, {"reason": "越权"}),
                    (accounts.account_reset_password, {"password": "Other#Pass2026"})]:
        with pytest.raises(NotFound):
            act(actor=deng, user=lin, **kw)
    # the city's admin, above both counties, may
    accounts.account_set_role(actor=admins["city"], user=lin, role=Role.VILLAGE)

    c = Client()
    c.force_login(deng)
    for url in (f"/accounts/{lin.pk}/", f"/api/accounts/users/{lin.pk}"):
        assert c.get(url).status_code == 404
    assert c.post(f"/accounts/{lin.pk}/deactivate/", {"reason": "越权"}).status_code == 404
    assert "linxd" not in c.get("/accounts/").content.decode()
    assert sorted(u["username"] for u in c.get("/api/accounts/users").json()) == ["denghy", "liangwj"]
    lin.refresh_from_db()
    assert lin.is_active


def test_staff_without_the_administrator_role_are_refused(people, lin):
    c = Client()
    c.force_login(people["jianghai_approver"])
    assert c.get("/accounts/").status_code == 403
    r = c.post("/api/accounts/users", {"username": "x", "display_name": "某", "role": "town", "areas": ["440704003"],
                                      "password": FIRST}, content_type="application/json")
    assert r.status_code == 403 and "管理用户账号" in r.json()["message"]


def test_the_pages_walk_an_administrator_through_a_new_account(admins):
    c = Client()
    c.force_login(admins["su"])
    assert "新建账号" in c.get("/accounts/").content.decode()
    r = c.post("/accounts/new/", {"username": "zhaoq", "display_name": "赵琪", "role": "village",
                                  "areas": "445322100001", "password": FIRST})
    assert r.status_code == 400 and "不在您的管辖范围内" in r.content.decode()
    r = c.post("/accounts/new/", {"username": "zhaoq", "display_name": "赵琪", "role": "village",
                                  "areas": "440704002001", "password": FIRST})
    zhao = User.objects.get(username="zhaoq")
    assert r.url == f"/accounts/{zhao.pk}/"
    page = c.post(f"/accounts/{zhao.pk}/deactivate/", {"reason": "借调"}).content.decode()
    assert "账号已停用" in page
    r = c.post("/api/accounts/users", {"username": "qianl", "display_name": "钱立", "role": "town",
                                       "areas": ["440704002"], "password": FIRST}, content_type="application/json")
    assert r.status_code == 201 and r.json()["areas"] == [{"code": "440704002", "name": "外海街道"}]
