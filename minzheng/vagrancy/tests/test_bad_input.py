"""Bad input at the station, each a clear Chinese error naming the field, with nothing written: a return to an
area that does not exist, impossible dates, a malformed 身份证号, a notice carrying an ID number; and the 反复流浪
flag from the person's history (threshold from data/vagrancy/rules.csv)."""

import datetime as dt
import json

import pytest
from django.test import Client

from minzheng.core.errors import DomainError
from minzheng.core.idcard import make_id_number
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.vagrancy import selectors, services
from minzheng.vagrancy.models import Notice, Station, Stay, Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(areas):
    services.stations_load()
    return Station.objects.get(code="440704-JZ")


@pytest.fixture
def huang(people):
    c = Client()
    c.force_login(people["jianghai_approver"])
    return c


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _admit(people, station, **kw):
    today = local_date()
    base = {"channel": "voluntary", "admitted_on": today, "description": "中年男子，穿蓝色外套"}
    return services.stay_admit(actor=people["jianghai_approver"], station=station, today=today, **(base | kw))


def test_a_return_to_an_unknown_area_is_refused_and_nothing_is_written(people, station, make_person, huang):
    wang = make_person("王强", birth=dt.date(1980, 1, 2))
    stay = _admit(people, station, id_number=wang.id_number, name="王强")
    before = AuditEntry.objects.count()
    today = local_date().isoformat()
    r = _post(huang, f"/api/vagrancy/stays/{stay.pk}/transfer",
              {"destination_code": "449999001", "departed_on": today, "escort": "护送乘车"})
    assert r.status_code == 400
    assert r.json() == {"code": "unknown_area", "field": "接收地",
                        "message": "接收地区划代码“449999001”不存在或已失效，请填写接收地镇街的区划代码"}
    county = _post(huang, f"/api/vagrancy/stays/{stay.pk}/transfer",
                   {"destination_code": "445322", "departed_on": today, "escort": "护送乘车"})
    assert county.status_code == 400 and "请填写具体镇街" in county.json()["message"]
    assert not Transfer.objects.exists() and AuditEntry.objects.count() == before
    assert Stay.objects.get(pk=stay.pk).status == Stay.Status.IN_STATION


def test_an_unidentified_person_cannot_be_sent_home(people, station, huang, areas):
    stay = _admit(people, station)
    r = _post(huang, f"/api/vagrancy/stays/{stay.pk}/transfer",
              {"destination_code": areas["lile"].code, "departed_on": local_date().isoformat(), "escort": "护送"})
    assert r.status_code == 400 and r.json()["code"] == "not_identified"


def test_impossible_dates_are_refused_naming_the_field(people, station, huang, make_person, areas):
    today = local_date()
    later = (today + dt.timedelta(days=1)).isoformat()
    r = _post(huang, "/api/vagrancy/stays", {"station_id": station.pk, "channel": "voluntary", "admitted_on": later,
                                             "description": "老年男子"})
    assert r.status_code == 400 and r.json()["field"] == "入站日期" and "晚于今天" in r.json()["message"]
    r = _post(huang, "/api/vagrancy/stays", {"station_id": station.pk, "channel": "voluntary",
                                             "admitted_on": "0001-01-01", "description": "老年男子"})
    assert r.status_code == 400 and r.json()["field"] == "入站日期"
    assert not Stay.objects.exists()

    li = make_person("李明", birth=dt.date(1985, 2, 3))
    stay = _admit(people, station, id_number=li.id_number, name="李明", admitted_on=today - dt.timedelta(days=3))
    before = today - dt.timedelta(days=5)
    r = _post(huang, f"/api/vagrancy/stays/{stay.pk}/care", {"day": before.isoformat(), "meals": 3, "health": "良好"})
    assert r.status_code == 400 and r.json()["field"] == "照料日期" and "早于入站日期" in r.json()["message"]
    r = _post(huang, f"/api/vagrancy/stays/{stay.pk}/transfer",
              {"destination_code": areas["lile"].code, "departed_on": before.isoformat(), "escort": "护送"})
    assert r.status_code == 400 and r.json()["field"] == "启程日期"
    ref = services.referral_create(actor=people["jianghai_approver"], stay=stay, hospital="江海区人民医院",
                                   reason="头晕", referred_on=today - dt.timedelta(days=1), today=today)
    r = _post(huang, f"/api/vagrancy/referrals/{ref.pk}/return",
              {"returned_on": (today - dt.timedelta(days=2)).isoformat(), "outcome": "好转"})
    assert r.status_code == 400 and r.json()["field"] == "返站日期" and "早于送医日期" in r.json()["message"]
    su = make_person("苏平", birth=dt.date(1983, 3, 3))
    other = _admit(people, station, id_number=su.id_number, name="苏平", admitted_on=today - dt.timedelta(days=2))
    t = services.transfer_arrange(actor=people["jianghai_approver"], stay=other, destination_code=areas["lile"].code,
                                  departed_on=today - dt.timedelta(days=1), escort="护送", today=today)
    lile = Client()
    lile.force_login(people["lile_officer"])
    r = _post(lile, f"/api/vagrancy/transfers/{t.pk}/confirm",
              {"arrived_on": (today - dt.timedelta(days=2)).isoformat(), "receiver": "李母"})
    assert r.status_code == 400 and r.json()["field"] == "到达日期" and "早于启程日期" in r.json()["message"]
    assert Transfer.objects.get(pk=t.pk).status == Transfer.Status.PENDING


@pytest.mark.parametrize("number, reason", [
    ("44070419800102123", "应为18位"),
    ("440704198013021234", "出生日期"),
    ("44070419800102123X", "校验码错误"),
])
def test_a_malformed_id_number_is_refused_at_intake_and_at_identification(people, station, huang, number, reason):
    r = _post(huang, "/api/vagrancy/stays", {"station_id": station.pk, "channel": "voluntary",
                                             "admitted_on": local_date().isoformat(), "id_number": number,
                                             "name": "某人"})
    assert r.status_code == 400 and r.json()["field"] == "身份证号" and reason in r.json()["message"]
    assert not Stay.objects.exists()
    stay = _admit(people, station)
    r = _post(huang, f"/api/vagrancy/stays/{stay.pk}/identify",
              {"id_number": number, "name": "某人", "on": local_date().isoformat()})
    assert r.status_code == 400 and reason in r.json()["message"]
    assert Stay.objects.get(pk=stay.pk).id_number == ""


def test_a_name_that_does_not_match_the_registry_is_refused(people, station, make_person):
    wang = make_person("王强", birth=dt.date(1980, 1, 2))
    with pytest.raises(DomainError, match="姓名与身份证号在人员库中的登记不符"):
        _admit(people, station, id_number=wang.id_number, name="王小强")


def test_an_id_number_cannot_go_into_a_public_notice(people, station, huang):
    stay = _admit(people, station)
    number = make_id_number("440704", dt.date(1970, 1, 1), 11)
    r = _post(huang, f"/api/vagrancy/stays/{stay.pk}/notices",
              {"text": f"疑似身份证号{number}，望家属联系", "published_on": local_date().isoformat()})
    assert r.status_code == 400 and r.json()["field"] == "公告内容"
    assert not Notice.objects.exists()


def test_the_public_page_never_shows_an_id_number_or_a_full_name(people, station, make_person):
    """寻亲: a man who gave only his name is shown as 刘某; a woman identified meanwhile is not on the page at all."""
    today = local_date()
    actor = people["jianghai_approver"]
    liu = _admit(people, station, name="刘德明", description="老年男子，拄拐杖")
    services.notice_publish(actor=actor, stay=liu, text="老人自称姓刘，记不清住址", published_on=today, today=today)
    chen = make_person("陈美玲", sex="F", birth=dt.date(1990, 4, 4))
    found = _admit(people, station, description="青年女性，短发")
    services.notice_publish(actor=actor, stay=found, text="女子不愿说话，望家属联系", published_on=today, today=today)
    services.stay_identify(actor=actor, stay=found, id_number=chen.id_number, name="陈美玲", on=today, today=today,
                           via_notice=True)
    page = Client().get("/xunqin/").content.decode()
    api = json.dumps(Client().get("/api/vagrancy/public/notices").json(), ensure_ascii=False)
    for body in (page, api):
        assert "拄拐杖" in body and "刘某" in body
        assert "刘德明" not in body and "陈美玲" not in body and "短发" not in body
        assert chen.id_number not in body and chen.id_number[:14] not in body


def test_a_third_stay_within_a_year_is_flagged_as_repeat_vagrancy(people, station, make_person):
    """rules.csv (assumed): 3 stays within 365 days. 周海 came in 400 and 200 days ago and again today."""
    zhou = make_person("周海", birth=dt.date(1966, 6, 6))
    today = local_date()
    actor = people["jianghai_approver"]
    for days in (400, 200):
        s = _admit(people, station, id_number=zhou.id_number, name="周海", admitted_on=today - dt.timedelta(days=days))
        services.stay_leave(actor=actor, stay=s, kind="left", ended_on=s.admitted_on, note="自行离站", today=today)
    again = _admit(people, station, id_number=zhou.id_number, name="周海")
    assert (again.prior_visits, again.repeat_flag) == (1, False)  # 400 days ago is outside the window
    services.stay_leave(actor=actor, stay=again, kind="left", ended_on=today, note="自行离站", today=today)
    third = _admit(people, station, id_number=zhou.id_number, name="周海")
    assert (third.prior_visits, third.repeat_flag) == (2, True)
    assert third in selectors.open_stays(actor)


def test_the_station_staff_cannot_confirm_their_own_return(people, station, make_person, areas):
    huang = people["jianghai_approver"]
    he = make_person("何军", birth=dt.date(1970, 8, 8))
    stay = _admit(people, station, id_number=he.id_number, name="何军")
    today = local_date()
    t = services.transfer_arrange(actor=huang, stay=stay, destination_code=areas["lile"].code, departed_on=today,
                                  escort="护送乘车", today=today)
    with pytest.raises(DomainError, match="安排接送的人不能自行确认"):
        services.transfer_confirm(actor=huang, transfer=t, arrived_on=today, receiver="何母", today=today)
    done = services.transfer_confirm(actor=people["lile_officer"], transfer=t, arrived_on=today, receiver="何母",
                                     today=today)
    assert done.status == Transfer.Status.CONFIRMED
