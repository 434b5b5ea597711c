"""江海区礼乐义工联合会 is a registered 社会团体 of 英南村. Until 江海区's registrar 黄志强 identifies it as a
志愿服务组织 (《志愿服务条例》), 陈小玲 of 英南村 cannot open an activity for it; once identified, its activities
count hours. An activity with no volunteer organisation behind it never counts hours. 梁文杰 of 郁南县 cannot
identify or use 江海区's organisations: the same 404 as for one that does not exist."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.socialorgs import services as socialorgs
from minzheng.timebank import services as timebank
from minzheng.volunteers import services
from minzheng.volunteers.models import Activity, Signup, VolunteerOrg

pytestmark = pytest.mark.django_db
HELD = dt.date(2025, 3, 1)


@pytest.fixture
def vo(areas, people, make_person):
    feng = make_person("冯志明")
    app = socialorgs.establish_apply(actor=people["lile_officer"], area=areas["yingnan"], name="江海区礼乐义工联合会",
                                     form="social_group", legal_rep=feng, capital="30000", domicile="英南村文化楼",
                                     purpose="组织志愿服务")
    app = socialorgs.application_review(actor=people["jianghai_approver"], application=app, approve=True,
                                        opinion="材料齐全")
    org = socialorgs.application_approve(actor=people["jianghai_checker"], application=app)
    lin_user = user_create(actor=None, username="linzq", password="Minzheng#2026", display_name="林志强",
                           role=Role.RESIDENT, areas=[])
    lin = timebank.volunteer_register(actor=people["village_worker"], person=make_person("林志强"), user=lin_user)
    return {"org": org, "huang": people["jianghai_approver"], "chen": people["village_worker"], "lin": lin,
            "lijh": people["lile_officer"], "liang": people["yunan_approver"], "feng": feng}


def test_only_an_identified_volunteer_organisation_opens_activities_whose_hours_count(vo, areas, client: Client):
    kw = {"actor": vo["chen"], "area": areas["yingnan"], "title": "关爱独居老人", "held_on": HELD,
          "content": "上门陪伴"}
    with pytest.raises(DomainError, match="江海区礼乐义工联合会不是已登记的志愿服务组织"):
        services.activity_create(org=vo["org"], **kw)
    with pytest.raises(DomainError, match="须由已登记的志愿服务组织发起"):
        services.activity_create(**kw)
    assert not Activity.objects.exists()

    client.force_login(vo["huang"])
    page = client.get("/volunteers/orgs/").content.decode()
    assert "标识志愿服务组织" in page and "江海区礼乐义工联合会" in page
    body = {"org": vo["org"].pk, "service_fields": ""}
    assert "请填写志愿服务领域" in client.post("/volunteers/orgs/register/", body, follow=True).content.decode()
    assert "请选择社会组织" in client.post("/volunteers/orgs/register/", {"service_fields": "扶老助残"},
                                       follow=True).content.decode()
    assert not VolunteerOrg.objects.exists()
    page = client.post("/volunteers/orgs/register/", {**body, "service_fields": "扶老助残、社区服务"},
                       follow=True).content.decode()
    assert "已将江海区礼乐义工联合会标识为志愿服务组织" in page and "扶老助残、社区服务" in page
    again = client.post("/volunteers/orgs/register/", {**body, "service_fields": "扶老助残"}, follow=True)
    assert "已标识为志愿服务组织" in again.content.decode() and VolunteerOrg.objects.count() == 1
    assert AuditEntry.objects.filter(action="volunteers.org.register").count() == 1

    activity = services.activity_create(org=vo["org"], feeds_timebank=True, **kw)
    s = services.signup(actor=vo["chen"], activity=activity, volunteer=vo["lin"])
    s = services.hours_confirm(actor=vo["chen"], signup=s, hours="2", today=HELD + dt.timedelta(days=1))
    assert s.hours == 2 and s.timebank_report is not None


def test_an_activity_without_a_volunteer_organisation_counts_no_hours(vo, areas):
    """An activity kept from before organisations were identified (no organisation behind it) takes sign-ups but
    its hours are refused, and nothing reaches the time bank."""
    old = Activity.objects.create(title="河道清洁", area=areas["yingnan"], organiser=vo["chen"], held_on=HELD,
                                  content="清理垃圾")
    s = services.signup(actor=vo["chen"], activity=old, volunteer=vo["lin"])
    with pytest.raises(DomainError, match="该活动的服务时长不能记录"):
        services.hours_confirm(actor=vo["chen"], signup=s, hours="2", today=HELD + dt.timedelta(days=1))
    s.refresh_from_db()
    assert s.status == Signup.Status.SIGNED and s.hours is None


def test_an_organisation_on_the_serious_list_or_ended_is_not_identified(vo):
    socialorgs.credit_list(actor=vo["huang"], org=vo["org"], ground="heavy_fine")
    with pytest.raises(DomainError, match="在严重违法失信名单中"):
        services.volunteer_org_register(actor=vo["huang"], org=vo["org"], service_fields="扶老助残")
    assert not VolunteerOrg.objects.exists()


def test_the_api_identifies_and_opens_activities_and_another_county_gets_404(vo, client: Client):
    client.force_login(vo["lijh"])  # a town officer may not identify: the registrar does
    r = client.post("/api/volunteers/orgs", {"org_id": vo["org"].pk, "service_fields": "扶老助残"},
                    content_type="application/json")
    assert r.status_code == 403
    client.force_login(vo["liang"])
    for org_id in (vo["org"].pk, 987654321):
        r = client.post("/api/volunteers/orgs", {"org_id": org_id, "service_fields": "扶老助残"},
                        content_type="application/json")
        assert r.status_code == 404
        page = client.post("/volunteers/orgs/register/", {"org": org_id, "service_fields": "扶老助残"})
        assert page.status_code == 404
    assert not VolunteerOrg.objects.exists()
    client.force_login(vo["huang"])
    r = client.post("/api/volunteers/orgs", {"org_id": vo["org"].pk, "service_fields": "扶老助残"},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["credit_code"] == vo["org"].credit_code
    r = client.post("/api/volunteers/orgs", {"org_id": vo["org"].pk, "service_fields": "扶老助残"},
                    content_type="application/json")
    assert r.status_code == 409 and "已标识" in r.json()["message"]
    vo_id = VolunteerOrg.objects.get().pk
    client.force_login(vo["chen"])
    body = {"volunteer_org_id": vo_id, "area_code": "440704003001", "title": "敬老探访", "held_on": "2025-03-01",
            "content": "探访独居老人"}
    r = client.post("/api/volunteers/activities", body, content_type="application/json")
    assert r.status_code == 201
    assert [o["name"] for o in client.get("/api/volunteers/orgs").json()] == ["江海区礼乐义工联合会"]
    client.force_login(vo["liang"])
    assert client.get("/api/volunteers/orgs").json() == []
    for ident in (vo_id, 987654321):
        r = client.post("/api/volunteers/activities", {**body, "volunteer_org_id": ident},
                        content_type="application/json")
        assert r.status_code == 404
    assert Activity.objects.count() == 1


def test_identifying_twice_is_a_conflict(vo):
    services.volunteer_org_register(actor=vo["huang"], org=vo["org"], service_fields="扶老助残")
    with pytest.raises(Conflict, match="已标识为志愿服务组织"):
        services.volunteer_org_register(actor=vo["huang"], org=vo["org"], service_fields="扶老助残")


def test_the_registrar_revokes_an_identification_and_no_new_activity_opens(vo, areas, client: Client):
    """黄志强 finds the 义工联合会 no longer serves volunteers and revokes its identification on the page reached from
    the top menu: it stays listed as 已撤销 with the reason; 陈小玲 can no longer open an activity for it, and an
    activity it opened for after that day counts no hours; hours served before still count."""
    vorg = services.volunteer_org_register(actor=vo["huang"], org=vo["org"], service_fields="扶老助残")
    kw = {"actor": vo["chen"], "area": areas["yingnan"], "content": "上门陪伴", "org": vo["org"]}
    before = services.activity_create(title="关爱独居老人", held_on=HELD, **kw)
    later = services.activity_create(title="重阳敬老", held_on=local_date() + dt.timedelta(days=30), **kw)
    early, late = (services.signup(actor=vo["chen"], activity=a, volunteer=vo["lin"]) for a in (before, later))

    client.force_login(vo["huang"])
    menu = client.get("/").content.decode()
    assert 'href="/volunteers/orgs/"' in menu and "志愿服务组织" in menu
    r = client.post(f"/volunteers/orgs/{vorg.pk}/revoke/", {"reason": " "}, follow=True)
    assert "请填写撤销原因" in r.content.decode()
    vorg.refresh_from_db()
    assert vorg.revoked_on is None and not AuditEntry.objects.filter(action="volunteers.org.revoke").exists()
    page = client.post(f"/volunteers/orgs/{vorg.pk}/revoke/", {"reason": "连续两年未开展志愿服务"},
                       follow=True).content.decode()
    assert "已撤销江海区礼乐义工联合会的志愿服务组织标识" in page and "已撤销：连续两年未开展志愿服务" in page
    vorg.refresh_from_db()
    entry = AuditEntry.objects.get(action="volunteers.org.revoke")
    assert entry.actor == vo["huang"] and entry.after["reason"] == "连续两年未开展志愿服务"
    with pytest.raises(Conflict, match="标识已于.*撤销"):
        services.volunteer_org_revoke(actor=vo["huang"], vorg=vorg, reason="重复")
    with pytest.raises(Conflict, match="标识已于.*撤销"):
        services.volunteer_org_register(actor=vo["huang"], org=vo["org"], service_fields="扶老助残")

    with pytest.raises(DomainError, match="志愿服务组织标识已于.*撤销，不能发布志愿服务活动"):
        services.activity_create(title="河道清洁", held_on=HELD, **kw)
    assert Activity.objects.count() == 2
    assert services.hours_confirm(actor=vo["chen"], signup=early, hours="2",
                                  today=HELD + dt.timedelta(days=1)).hours == 2
    with pytest.raises(DomainError, match="该活动的服务时长不能记录"):
        services.hours_confirm(actor=vo["chen"], signup=late, hours="2", today=later.held_on)
    late.refresh_from_db()
    assert late.hours is None
    assert client.get("/api/volunteers/orgs").json()[0]["revoke_reason"] == "连续两年未开展志愿服务"


def test_revoking_through_the_api_is_for_the_registrar_of_the_area(vo, client: Client):
    vorg = services.volunteer_org_register(actor=vo["huang"], org=vo["org"], service_fields="扶老助残")
    body = {"reason": "组织已停止活动"}
    client.force_login(vo["lijh"])  # a town officer is not the registrar
    assert client.post(f"/api/volunteers/orgs/{vorg.pk}/revoke", body,
                       content_type="application/json").status_code == 403
    client.force_login(vo["liang"])
    for ident in (vorg.pk, 987654321):
        assert client.post(f"/api/volunteers/orgs/{ident}/revoke", body,
                           content_type="application/json").status_code == 404
        assert client.post(f"/volunteers/orgs/{ident}/revoke/", body).status_code == 404
    vorg.refresh_from_db()
    assert vorg.revoked_on is None
    client.force_login(vo["huang"])
    r = client.post(f"/api/volunteers/orgs/{vorg.pk}/revoke", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["revoked_on"] is not None
    assert client.post(f"/api/volunteers/orgs/{vorg.pk}/revoke", body,
                       content_type="application/json").status_code == 409
