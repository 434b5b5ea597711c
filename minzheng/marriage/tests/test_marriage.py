"""婚姻登记 stories at 江海区婚姻登记处, whose registrar 黄志强 (江海区民政局) works the desk.

陈志明 (26) and 李晓燕 (23) of 英南村 book a day on the public page, marry and get their 结婚证; 张小华 (21) is
refused as under age and 陈志明 cannot marry again while the office's records show him married. 何家豪 and 林美玲
apply for a divorce, let both windows pass and the daily job withdraws the application with the clock moved on;
周建国 and 吴丽 come back after the 冷静期 and are divorced.
"""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count

from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.models import AuditEntry
from minzheng.marriage import selectors, services
from minzheng.marriage.models import (
    Appointment,
    Certificate,
    DivorceApplication,
    MaritalRecord,
    Office,
    OfficeDay,
    Registration,
)

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 9, 21)  # the day the couple books, a working Monday


@pytest.fixture
def office(areas):
    return Office.objects.create(name="江海区婚姻登记处", code="440704", area=areas["jianghai"], daily_capacity=2)


@pytest.fixture
def registrar(people):
    return people["jianghai_approver"]


@pytest.fixture
def couple(make_person):
    return (make_person("陈志明", birth=dt.date(2000, 3, 1), sex="M"),
            make_person("李晓燕", birth=dt.date(2003, 6, 15), sex="F"))


def _book(office, person_a, person_b, day, *, today=MONDAY, kind="marriage"):
    return services.appointment_book(office=office, day=day, kind=kind, name_a=person_a.name,
                                     id_number_a=person_a.id_number, name_b=person_b.name,
                                     id_number_b=person_b.id_number, phone="13800000001", today=today)


def _marry(office, registrar, man, woman, on=dt.date(2026, 9, 24), **kw):
    return services.marriage_register(actor=registrar, office=office, man=man, woman=woman, on=on,
                                      declaration_signed=True, **kw)


def test_a_couple_books_registers_and_gets_two_numbered_certificates(office, registrar, couple):
    man, woman = couple
    appt = _book(office, man, woman, dt.date(2026, 9, 24))
    reg = _marry(office, registrar, man, woman, appointment=appt)

    certs = list(reg.certificates.order_by("serial"))
    assert [c.number for c in certs] == ["J440704-2026-000001", "J440704-2026-000002"]
    assert {c.holder for c in certs} == {man, woman}
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.SERVED
    assert MaritalRecord.objects.get(person=man).status == MaritalRecord.Status.MARRIED
    assert MaritalRecord.objects.get(person=woman).spouse == man
    assert AuditEntry.objects.filter(action="marriage.register", object_id=str(reg.pk)).exists()
    # the public check of a certificate number says only whether it is valid
    assert selectors.certificate_verify("j440704-2026-000002").void is False
    stats = selectors.monthly_statistics(registrar, year=2026)
    assert stats[8] == {"month": 9, "marriage": 1, "divorce": 0, "reissue": 0}


def test_numbers_run_per_office_and_year(office, registrar, make_person, areas):
    a = _marry(office, registrar, make_person("甲男", birth=dt.date(1990, 1, 1)),
               make_person("甲女", birth=dt.date(1990, 1, 1), sex="F"), on=dt.date(2026, 12, 30))
    b = _marry(office, registrar, make_person("乙男", birth=dt.date(1990, 1, 1)),
               make_person("乙女", birth=dt.date(1990, 1, 1), sex="F"), on=dt.date(2027, 1, 4))
    assert a.certificates.order_by("serial").last().number == "J440704-2026-000002"
    assert b.certificates.order_by("serial").first().number == "J440704-2027-000001"


def test_under_age_is_refused_naming_the_law_and_the_birthday_and_nothing_is_written(office, registrar,
                                                                                      make_person, couple):
    zhang = make_person("张小华", birth=dt.date(2005, 1, 10), sex="M")  # 21 on the day
    before = Registration.objects.count(), Certificate.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as e:
        _marry(office, registrar, zhang, couple[1])
    assert "男方张小华未达法定婚龄（男不得早于22周岁，《中华人民共和国民法典》第1047条）" in e.value.message
    assert "于2027-01-10年满22周岁" in e.value.message
    assert e.value.field == "男方"
    assert (Registration.objects.count(), Certificate.objects.count(), AuditEntry.objects.count()) == before
    assert not MaritalRecord.objects.exists()


def test_a_person_married_in_the_registry_cannot_marry_again(office, registrar, couple, make_person):
    man, woman = couple
    _marry(office, registrar, man, woman)
    other = make_person("王丽", birth=dt.date(1998, 2, 2), sex="F")
    with pytest.raises(DomainError) as e:
        _marry(office, registrar, man, other, on=dt.date(2026, 10, 12))
    assert "男方陈志明在婚姻登记档案中为已婚（2026-09-24登记）" in e.value.message
    assert "第1042条" in e.value.message
    assert not MaritalRecord.objects.filter(person=other).exists()


def test_no_signed_declaration_no_registration(office, registrar, couple):
    with pytest.raises(DomainError, match="签署无配偶"):
        services.marriage_register(actor=registrar, office=office, man=couple[0], woman=couple[1],
                                   on=dt.date(2026, 9, 24), declaration_signed=False)


def test_booking_a_full_or_closed_day_is_refused(office, couple, make_person):
    man, woman = couple
    day = dt.date(2026, 9, 24)
    _book(office, man, woman, day)
    _book(office, make_person("甲", birth=dt.date(1990, 1, 1)), make_person("乙", birth=dt.date(1990, 1, 1), sex="F"),
          day)
    third = make_person("丙", birth=dt.date(1990, 1, 1)), make_person("丁", birth=dt.date(1990, 1, 1), sex="F")
    with pytest.raises(Conflict) as e:
        _book(office, *third, day)
    assert e.value.message == "2026-09-24的预约已满（2个），请选择其他日期"
    with pytest.raises(DomainError, match="2026-10-01不可预约：当日为法定节假日或周末"):
        _book(office, *third, dt.date(2026, 10, 1))  # 国庆节
    OfficeDay.objects.create(office=office, date=dt.date(2026, 9, 28), closed=True, note="登记系统升级，暂停办理")
    with pytest.raises(DomainError, match="2026-09-28不可预约：登记系统升级"):
        _book(office, *third, dt.date(2026, 9, 28))
    with pytest.raises(DomainError, match="可预约2026-09-22至2026-10-21之间的日期"):
        _book(office, *third, dt.date(2026, 11, 2))
    assert Appointment.objects.count() == 2
    days = {d["date"]: d for d in selectors.open_days(office, today=MONDAY)}
    assert days[day]["left"] == 0 and not days[dt.date(2026, 10, 1)]["bookable"]
    assert days[dt.date(2026, 9, 23)]["left"] == 2


def test_a_good_day_can_take_more_couples(office, registrar, make_person):
    services.office_day_set(actor=registrar, office=office, day=dt.date(2026, 10, 20), closed=False, capacity=3,
                            note="好日子加开")
    for n in range(3):
        _book(office, make_person(f"男{n}", birth=dt.date(1990, 1, 1)),
              make_person(f"女{n}", birth=dt.date(1990, 1, 1), sex="F"), dt.date(2026, 10, 20))
    assert Appointment.objects.filter(date=dt.date(2026, 10, 20)).count() == 3


def test_reissue_voids_the_lost_certificate(office, registrar, couple):
    reg = _marry(office, registrar, *couple)
    new = services.certificate_reissue(actor=registrar, office=office, person=couple[1], on=dt.date(2026, 11, 2))
    assert new.number == "J440704-2026-000003"
    lost = reg.certificates.get(holder=couple[1])
    assert lost.void and not new.void


@pytest.fixture
def married(office, registrar, make_person):
    def mk(man, woman):
        m, w = make_person(man, birth=dt.date(1988, 1, 1)), make_person(woman, birth=dt.date(1990, 1, 1), sex="F")
        _marry(office, registrar, m, w, on=dt.date(2020, 5, 20))
        return m, w
    return mk


def test_divorce_left_unconfirmed_is_withdrawn_by_the_daily_job_once_both_windows_pass(office, registrar, married):
    he, lin = married("何家豪", "林美玲")
    app = services.divorce_apply(actor=registrar, office=office, party_a=he, party_b=lin, on=dt.date(2026, 3, 2))
    assert (app.cooling_ends, app.confirm_by) == (dt.date(2026, 4, 1), dt.date(2026, 5, 1))

    with time_machine.travel(dt.datetime(2026, 5, 1, 18, 0, tzinfo=dt.UTC)):  # 2 May in Beijing: the window is past
        call_command("marriage_lapse_divorces")
        call_command("marriage_lapse_divorces")  # a rerun changes nothing
    app.refresh_from_db()
    assert app.status == DivorceApplication.Status.LAPSED and app.closed_on == dt.date(2026, 5, 2)
    assert AuditEntry.objects.filter(action="marriage.divorce_lapse").count() == 1
    assert MaritalRecord.objects.get(person=he).status == MaritalRecord.Status.MARRIED
    with pytest.raises(Conflict, match="期满未申请发证"):
        services.divorce_confirm(actor=registrar, application=app, on=dt.date(2026, 5, 2))


def test_the_job_leaves_an_application_whose_window_is_still_open(office, registrar, married):
    he, lin = married("何家豪", "林美玲")
    app = services.divorce_apply(actor=registrar, office=office, party_a=he, party_b=lin, on=dt.date(2026, 3, 2))
    with time_machine.travel(dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)):  # 1 May in Beijing: the last day
        call_command("marriage_lapse_divorces")
    app.refresh_from_db()
    assert app.status == DivorceApplication.Status.COOLING


def test_divorce_confirmed_after_the_cooling_off_period(office, registrar, married):
    zhou, wu = married("周建国", "吴丽")
    app = services.divorce_apply(actor=registrar, office=office, party_a=zhou, party_b=wu, on=dt.date(2026, 3, 2))
    with pytest.raises(DomainError) as e:
        services.divorce_confirm(actor=registrar, application=app, on=dt.date(2026, 4, 1))
    assert "离婚冷静期尚未届满" in e.value.message and "至2026-04-01" in e.value.message
    assert e.value.code == "cooling_off"
    assert not Registration.objects.filter(kind="divorce").exists()

    reg = services.divorce_confirm(actor=registrar, application=app, on=dt.date(2026, 4, 2))
    assert [c.number for c in reg.certificates.order_by("serial")] == ["L440704-2026-000001", "L440704-2026-000002"]
    assert MaritalRecord.objects.get(person=wu).status == MaritalRecord.Status.DIVORCED
    assert not Certificate.objects.filter(holder=zhou, type="marriage", void=False).exists()
    app.refresh_from_db()
    assert app.status == DivorceApplication.Status.REGISTERED


def test_either_party_may_withdraw_within_the_cooling_off_period_only(office, registrar, married):
    zhou, wu = married("周建国", "吴丽")
    app = services.divorce_apply(actor=registrar, office=office, party_a=zhou, party_b=wu, on=dt.date(2026, 3, 2))
    with pytest.raises(DomainError, match="冷静期已于2026-04-01届满"):
        services.divorce_withdraw(actor=registrar, application=app, party=wu, on=dt.date(2026, 4, 2))
    app = services.divorce_withdraw(actor=registrar, application=app, party=wu, on=dt.date(2026, 3, 20))
    assert app.status == DivorceApplication.Status.WITHDRAWN and app.withdrawn_by == wu


def test_strangers_cannot_divorce_and_another_county_cannot_register(office, married, people, couple):
    zhou, wu = married("周建国", "吴丽")
    with pytest.raises(DomainError, match="不是现存的夫妻关系"):
        services.divorce_apply(actor=people["jianghai_approver"], office=office, party_a=zhou, party_b=couple[1],
                               on=dt.date(2026, 3, 2))
    with pytest.raises(NotFound):
        _marry(office, people["yunan_approver"], *couple)
    assert selectors.offices_for(people["yunan_approver"]).count() == 0
    assert Registration.objects.values("kind").annotate(n=Count("id")).get()["n"] == 1


def test_a_free_ceremony_and_counselling_in_the_cooling_off_period(office, registrar, couple, married):
    reg = _marry(office, registrar, *couple)
    c = services.ceremony_book(actor=registrar, registration=reg, day=dt.date(2026, 10, 12), officiant="区民政局长")
    assert c.office == office
    with pytest.raises(Conflict, match="该登记已安排颁证仪式"):
        services.ceremony_book(actor=registrar, registration=reg, day=dt.date(2026, 10, 13))
    with pytest.raises(DomainError, match="颁证日期不能早于登记日期"):
        earlier = Registration.objects.get(party_a=married("甲男", "甲女")[0])  # registered 2020-05-20
        services.ceremony_book(actor=registrar, registration=earlier, day=dt.date(2020, 5, 1))

    zhou, wu = married("周建国", "吴丽")
    app = services.divorce_apply(actor=registrar, office=office, party_a=zhou, party_b=wu, on=dt.date(2026, 3, 2))
    session = services.counselling_record(actor=registrar, office=office, kind="cooling", held_on=dt.date(2026, 3, 9),
                                          counsellor="社工 何敏", summary="双方就子女抚养沟通，约定两周后再谈",
                                          divorce_application=app)
    assert session.get_kind_display() == "离婚冷静期辅导"
    with pytest.raises(DomainError, match="冷静期已于2026-04-01届满"):
        services.counselling_record(actor=registrar, office=office, kind="cooling", held_on=dt.date(2026, 4, 5),
                                    counsellor="社工 何敏", summary="再次沟通", divorce_application=app)
