"""Stories of signing in, the home page of one's area, the audit log page and the 403/404 pages."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from minzheng.core.models import AuditEntry
from minzheng.registry.services import category_add, household_create

PASSWORD = "Minzheng#2026"


def test_li_jianhua_signs_in_and_lands_on_his_street(client, people, make_person, areas):
    make_person("王大明", area=areas["yingnan"])
    response = client.post(reverse("web:login"), {"username": "lijh", "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "礼乐街道" in page and "李建华" in page and "镇街民政办/社工站" in page
    assert "退出" in page


def test_a_wrong_password_says_how_many_tries_are_left(client, people):
    response = client.post(reverse("web:login"), {"username": "lijh", "password": "wrong-password"})
    assert response.status_code == 400
    assert f"用户名或密码错误，还可尝试{settings.LOGIN_MAX_FAILURES - 1}次" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_locks_after_repeated_failures_even_for_the_right_password(client, people):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        client.post(reverse("web:login"), {"username": "chenxl", "password": "guess"})
    last = client.post(reverse("web:login"), {"username": "chenxl", "password": "guess"}).content.decode()
    assert f"密码连续错误{settings.LOGIN_MAX_FAILURES}次，账号已锁定" in last

    response = client.post(reverse("web:login"), {"username": "chenxl", "password": PASSWORD})
    assert response.status_code == 400
    assert "账号因多次密码错误已被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="user.lockout", object_repr="chenxl").count() == 1


def test_login_does_not_redirect_to_another_site(client, people):
    response = client.post(reverse("web:login") + "?next=https://evil.example/", {"username": "lijh",
                                                                                   "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("web:home")


def test_pages_ask_strangers_to_sign_in(client, db):
    response = client.get(reverse("web:person_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_logout_needs_a_post_and_ends_the_session(client, people):
    client.force_login(people["lile_officer"])
    assert client.get(reverse("web:logout")).status_code == 405
    client.post(reverse("web:logout"))
    assert client.get(reverse("web:home")).status_code == 302


def test_huang_zhiqiang_sees_his_district_counted_by_street_and_category(client, people, make_person, areas):
    a = make_person("王大明", area=areas["yingnan"])
    make_person("李小红", area=areas["xiangdong"], sex="F")
    b = make_person("赵伯", area=areas["waihai_village"])
    make_person("郁南人", area=areas["ducheng_village"])
    approver = people["jianghai_approver"]
    category_add(actor=approver, person=a, category="dibao", valid_from=dt.date(2025, 1, 1))
    category_add(actor=approver, person=b, category="dibao", valid_from=dt.date(2025, 1, 1))
    household_create(actor=approver, area=areas["yingnan"], head=a)
    client.force_login(approver)

    response = client.get(reverse("web:home"))
    ctx = response.context
    assert ctx["person_count"] == 3 and ctx["household_count"] == 1
    assert {area.name: (p, h) for area, p, h in ctx["below"]} == {"礼乐街道": (2, 1), "外海街道": (1, 0)}
    assert dict((label, n) for _, label, n in ctx["categories"])["低保对象"] == 2
    assert "郁南" not in response.content.decode()


def test_chen_xiaoling_sees_only_her_village(client, people, make_person, areas):
    make_person("王大明", area=areas["yingnan"])
    make_person("李小红", area=areas["xiangdong"], sex="F")
    client.force_login(people["village_worker"])
    ctx = client.get(reverse("web:home")).context
    assert ctx["person_count"] == 1
    assert [(area.name, p) for area, p, _ in ctx["below"]] == [("英南村", 1)]


def test_he_li_the_care_provider_has_a_home_but_no_registry(client, people, make_person):
    make_person("王大明")
    client.force_login(people["provider"])
    home = client.get(reverse("web:home")).content.decode()
    assert "不能查看人员信息" in home and "王大明" not in home
    response = client.get(reverse("web:person_list"))
    assert response.status_code == 403
    assert "您的角色无权查看人员信息" in response.content.decode()


def test_wu_min_reads_the_audit_log_of_jianghai_only(client, people, make_person, areas):
    make_person("王大明", area=areas["yingnan"])
    make_person("郁南人", area=areas["ducheng_village"])
    client.force_login(people["auditor"])
    response = client.get(reverse("web:audit_log"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "王大明" in page and "登记人员" in page
    assert "郁南人" not in page


@pytest.mark.parametrize("persona", ["lile_officer", "village_worker", "provider"])
def test_the_audit_log_is_closed_to_roles_without_audit_rights(client, people, persona):
    client.force_login(people[persona])
    response = client.get(reverse("web:audit_log"))
    assert response.status_code == 403
    assert "您的角色无权查看审计日志" in response.content.decode()


def test_an_unknown_address_gets_the_chinese_404_page(client, people):
    client.force_login(people["lile_officer"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404 · 未找到" in response.content.decode()


def test_htmx_is_vendored_and_the_stylesheet_is_local(client, people):
    from django.contrib.staticfiles import finders

    assert finders.find("web/htmx.min.js") and finders.find("web/app.css")
    client.force_login(people["lile_officer"])
    page = client.get(reverse("web:home")).content.decode()
    assert "/static/web/htmx.min.js" in page and "http://" not in page and "https://" not in page


def test_the_admin_login_counts_and_locks_like_the_front_door(client, people):
    """A stranger guesses at the superuser through /admin/login/: the fifth wrong password locks that door too,
    and the right one no longer opens it — the front door counted the same attempts."""
    from minzheng.accounts.models import User

    User.objects.create_superuser(username="root", password=PASSWORD, display_name="系统管理员")
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        page = client.post("/admin/login/", {"username": "root", "password": "guess"}).content.decode()
        assert "用户名或密码错误，还可尝试" in page
    last = client.post("/admin/login/", {"username": "root", "password": "guess"}).content.decode()
    assert f"密码连续错误{settings.LOGIN_MAX_FAILURES}次，账号已锁定" in last

    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert "账号因多次密码错误已被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("web:login"), {"username": "root", "password": PASSWORD})
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="user.lockout", object_repr="root").count() == 1


def test_the_admin_login_still_lets_the_superuser_in(client, people):
    from minzheng.accounts.models import User

    User.objects.create_superuser(username="root", password=PASSWORD, display_name="系统管理员")
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"]
