"""Admission stories at the 礼乐颐养院: GB 38600 assessment first, one person one bed, a full home refuses, a bed
cannot be counted by two homes, discharge frees the bed — and every refusal leaves nothing behind."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.carefacility import rules, selectors, services
from minzheng.carefacility.models import Admission, Bed, Facility, Kind, RiskAssessment
from minzheng.core.errors import DomainError, Forbidden, NotFound
from minzheng.core.models import AuditEntry

from .stories import TODAY, all_items, assess, elder, home

pytestmark = pytest.mark.django_db


def _snapshot():
    return (Admission.objects.count(), Admission.objects.filter(discharged_on__isnull=True).count(),
            Bed.objects.filter(status="occupied").count(), Bed.objects.count(), Facility.objects.count(),
            RiskAssessment.objects.count(), AuditEntry.objects.count())


def test_wang_xiulan_is_assessed_admitted_counted_and_discharged(care):
    w = care
    facility, (a01, a02) = home(w)
    assert selectors.occupancy(facility).occupied == 0

    ra = assess(w, facility, w.wang_xl, level="low")
    ra2 = services.risk_assess(actor=w.li, facility=facility, person=w.chen_bo,
                               items=all_items("low", fall="high", wandering="medium"), assessors="李建华")
    assert ra.overall == "low" and ra2.overall == "high"   # the overall level is the worst item
    assert ra.ruleset.startswith("GB 38600-2019")

    stay = services.admit(actor=w.li, facility=facility, person=w.wang_xl, bed=a01)
    occ = selectors.occupancy(facility)
    assert (occ.occupied, occ.free, occ.beds, occ.nursing_beds) == (1, 1, 2, 1)
    assert occ.rate == "50.0%" and not occ.full
    a01.refresh_from_db()
    assert a01.status == "occupied" and stay.risk_assessment == ra
    assert [a.person for a in selectors.residents(facility)] == [w.wang_xl]
    # the person is the registry's own record, not a copy
    assert stay.person_id == w.wang_xl.pk

    services.admit(actor=w.li, facility=facility, person=w.chen_bo, bed=a02)
    assert selectors.occupancy(facility).full

    services.discharge(actor=w.li, facility=facility, person=w.wang_xl, reason="随子女迁居广州")
    a01.refresh_from_db()
    occ = selectors.occupancy(facility)
    assert a01.status == "available" and (occ.occupied, occ.free) == (1, 1)
    stay.refresh_from_db()
    assert stay.discharged_on == TODAY and stay.discharge_reason == "随子女迁居广州"
    actions = list(AuditEntry.objects.filter(area_code=w.lile.code).values_list("action", flat=True))
    assert actions.count("facility.admit") == 2 and "facility.discharge" in actions

    # the freed bed takes the next elder
    assess(w, facility, w.huang_po)
    services.admit(actor=w.li, facility=facility, person=w.huang_po, bed=a01)
    assert selectors.occupancy(facility).occupied == 2


def test_a_full_home_refuses_the_next_elder_and_writes_nothing(care):
    w = care
    facility, (a01, a02) = home(w, capacity=2)
    for person, bed in ((w.wang_xl, a01), (w.chen_bo, a02)):
        assess(w, facility, person)
        services.admit(actor=w.li, facility=facility, person=person, bed=bed)
    assess(w, facility, w.huang_po)
    before = _snapshot()
    with pytest.raises(DomainError) as e:
        services.admit(actor=w.li, facility=facility, person=w.huang_po, bed=a01)
    assert e.value.code == "facility_full"
    assert "已满员" in e.value.message and "核定床位2张" in e.value.message and "在住2人" in e.value.message
    assert _snapshot() == before


def test_an_occupied_bed_refuses_a_second_elder(care):
    w = care
    facility, (a01, _) = home(w, capacity=3)
    for p in (w.wang_xl, w.chen_bo):
        assess(w, facility, p)
    services.admit(actor=w.li, facility=facility, person=w.wang_xl, bed=a01)
    before = _snapshot()
    with pytest.raises(DomainError) as e:
        services.admit(actor=w.li, facility=facility, person=w.chen_bo, bed=a01)
    assert e.value.field == "bed_id" and "A01号床位在住" in e.value.message
    assert _snapshot() == before


def test_one_person_holds_one_bed_at_a_time(care):
    w = care
    lile_home, (a01, _) = home(w)
    other, (b01,) = home(w, name="外海康乐院", area=w.waihai, beds=(("B01", True),))
    assess(w, lile_home, w.wang_xl)
    services.admit(actor=w.li, facility=lile_home, person=w.wang_xl, bed=a01)
    services.risk_assess(actor=w.huang, facility=other, person=w.wang_xl, items=all_items(), assessors="黄志强")
    before = _snapshot()
    with pytest.raises(DomainError) as e:
        services.admit(actor=w.huang, facility=other, person=w.wang_xl, bed=b01)
    assert e.value.code == "already_admitted" and "已入住“礼乐颐养院”A01号床位" in e.value.message
    assert _snapshot() == before


def test_a_bed_counted_in_two_homes_is_refused(care):
    w = care
    lile_home, _ = home(w, beds=(("A01", True),), code_prefix="GD440704")
    other, _ = home(w, name="外海康乐院", area=w.waihai, beds=())
    before = _snapshot()
    with pytest.raises(DomainError) as e:
        services.bed_add(actor=w.huang, facility=other, number="1", registration_code="GD440704-A01", nursing=True)
    assert e.value.code == "bed_counted_twice" and e.value.field == "registration_code"
    assert "已登记为“礼乐颐养院”的A01号床位" in e.value.message and "不能在两个机构重复计算" in e.value.message
    assert _snapshot() == before
    # the same number inside one home is refused too; over the approved capacity as well
    with pytest.raises(DomainError, match="已有A01号床位"):
        services.bed_add(actor=w.huang, facility=lile_home, number="A01", registration_code="NEW-1")
    services.bed_add(actor=w.huang, facility=lile_home, number="A02", registration_code="NEW-2")
    with pytest.raises(DomainError) as e:
        services.bed_add(actor=w.huang, facility=lile_home, number="A03", registration_code="NEW-3")
    assert e.value.code == "over_capacity" and "核定床位2张" in e.value.message


def test_admission_without_the_gb38600_assessment_is_refused(care):
    w = care
    facility, (a01, _) = home(w)
    before = _snapshot()
    with pytest.raises(DomainError) as e:
        services.admit(actor=w.li, facility=facility, person=w.wang_xl, bed=a01)
    assert e.value.code == "risk_assessment_missing" and "GB 38600-2019" in e.value.message
    assert _snapshot() == before

    # an assessment older than the data file's window does not count; one on its last day does
    days = int(rules.param("risk_assessment_valid_days", TODAY))
    assess(w, facility, w.wang_xl, on=TODAY - dt.timedelta(days=days + 1))
    with pytest.raises(DomainError, match=f"入住日前{days}日内"):
        services.admit(actor=w.li, facility=facility, person=w.wang_xl, bed=a01)
    edge = assess(w, facility, w.wang_xl, on=TODAY - dt.timedelta(days=days))
    assert services.admit(actor=w.li, facility=facility, person=w.wang_xl, bed=a01).risk_assessment == edge


def test_an_assessment_made_at_another_home_does_not_count(care):
    w = care
    facility, (a01, _) = home(w)
    other, _ = home(w, name="外海康乐院", area=w.waihai, beds=())
    services.risk_assess(actor=w.huang, facility=other, person=w.wang_xl, items=all_items(), assessors="黄志强")
    with pytest.raises(DomainError, match="须先完成GB 38600-2019"):
        services.admit(actor=w.li, facility=facility, person=w.wang_xl, bed=a01)


@pytest.mark.parametrize("items, field, words", [
    (lambda: {k: v for k, v in all_items().items() if k != "fall"}, "items", "缺少项目：跌倒"),
    (lambda: all_items(fall="severe"), "items.fall", "“跌倒”的风险等级“severe”无效"),
    (lambda: {**all_items(), "teeth": "low"}, "items.teeth", "不属于GB 38600-2019"),
])
def test_a_risk_assessment_with_a_missing_or_unknown_item_is_refused(care, items, field, words):
    w = care
    facility, _ = home(w)
    before = _snapshot()
    with pytest.raises(DomainError) as e:
        services.risk_assess(actor=w.li, facility=facility, person=w.wang_xl, items=items(), assessors="李建华")
    assert e.value.field == field and words in e.value.message
    assert _snapshot() == before


def test_discharging_someone_not_admitted_is_refused(care):
    w = care
    facility, (a01, _) = home(w)
    before = _snapshot()
    with pytest.raises(DomainError) as e:
        services.discharge(actor=w.li, facility=facility, person=w.chen_bo, reason="回家居住")
    assert e.value.code == "not_admitted" and "陈伯目前未入住“礼乐颐养院”" in e.value.message
    assert _snapshot() == before
    # nor twice
    assess(w, facility, w.wang_xl)
    services.admit(actor=w.li, facility=facility, person=w.wang_xl, bed=a01)
    services.discharge(actor=w.li, facility=facility, person=w.wang_xl, reason="回家居住")
    with pytest.raises(DomainError, match="目前未入住"):
        services.discharge(actor=w.li, facility=facility, person=w.wang_xl, reason="回家居住")


def test_a_home_with_residents_cannot_be_closed_and_a_closed_one_admits_nobody(care):
    w = care
    facility, (a01, a02) = home(w)
    assess(w, facility, w.wang_xl)
    services.admit(actor=w.li, facility=facility, person=w.wang_xl, bed=a01)
    with pytest.raises(DomainError, match="尚有1名老人在住"):
        services.facility_set_status(actor=w.huang, facility=facility, status="closed", reason="停业")
    services.discharge(actor=w.li, facility=facility, person=w.wang_xl, reason="转院")
    services.facility_set_status(actor=w.huang, facility=facility, status="closed", reason="停业")
    assert set(facility.beds.values_list("status", flat=True)) == {"retired"}
    with pytest.raises(DomainError, match="已注销"):
        services.admit(actor=w.li, facility=facility, person=w.wang_xl, bed=a02)


def test_where_each_kind_may_be_filed(care):
    w = care
    with pytest.raises(DomainError) as e:
        services.facility_register(actor=w.huang, name="英南综合中心", kind=Kind.TOWN_CENTRE, ownership="public",
                                   area=w.yingnan, operator="礼乐街道办", capacity=10)
    assert e.value.field == "area" and "镇街综合养老服务中心应备案在镇街" in e.value.message
    with pytest.raises(DomainError, match="村居养老服务站应备案在村居"):
        services.facility_register(actor=w.huang, name="礼乐站", kind=Kind.VILLAGE_STATION, ownership="public",
                                   area=w.lile, operator="礼乐街道办", capacity=10)
    canteen = services.facility_register(actor=w.huang, name="英南长者饭堂", kind=Kind.CANTEEN, ownership="public",
                                         area=w.yingnan, operator="英南村委会", capacity=40)
    with pytest.raises(DomainError, match="长者饭堂不设床位"):
        services.bed_add(actor=w.huang, facility=canteen, number="1", registration_code="X-1")


def test_another_county_sees_nothing_and_a_village_worker_cannot_admit(care):
    w = care
    facility, (a01, _) = home(w)
    assert not selectors.facilities_for(w.liang).exists()
    with pytest.raises(NotFound):
        selectors.facility_get(w.liang, facility.pk)
    with pytest.raises(NotFound):
        services.bed_add(actor=w.liang, facility=facility, number="Z", registration_code="Z-1")
    # 英南村's worker sees her village's station, not the town's home, and admits nobody
    with pytest.raises(NotFound):
        selectors.facility_get(w.chen, facility.pk)
    station, (s1,) = home(w, name="英南村养老服务站", kind=Kind.VILLAGE_STATION, area=w.yingnan, beds=(("1", False),))
    assert selectors.facility_get(w.chen, station.pk) == station
    with pytest.raises(Forbidden, match="无权办理入住评估、入住和退住"):
        services.admit(actor=w.chen, facility=station, person=w.wang_xl, bed=s1)


def test_the_api_names_the_problem_in_chinese(care):
    w = care
    facility, (a01,) = home(w, capacity=1, beds=(("A01", True),))
    c = Client()
    c.force_login(w.li)
    url = f"/api/carefacility/facilities/{facility.pk}"
    r = c.post(url + "/admissions", {"person_id": w.wang_xl.pk, "bed_id": a01.pk}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "risk_assessment_missing"
    r = c.post(url + "/risk-assessments", {"person_id": w.wang_xl.pk, "items": all_items(), "assessors": "李建华"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["overall"] == "low"
    r = c.post(url + "/admissions", {"person_id": w.wang_xl.pk, "bed_id": a01.pk}, content_type="application/json")
    assert r.status_code == 201
    assert c.get(url).json()["occupancy"] == {"capacity": 1, "beds": 1, "nursing_beds": 1, "occupied": 1, "free": 0,
                                              "rate": "100.0%", "full": True}
    r = c.post(url + "/discharges", {"person_id": w.chen_bo.pk, "reason": "x"}, content_type="application/json")
    assert r.status_code == 400 and "未入住" in r.json()["message"]
    r = c.post(url + "/discharges", {"person_id": w.wang_xl.pk, "reason": "回家"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["discharged_on"] == TODAY.isoformat()
    outsider = Client()
    outsider.force_login(w.liang)
    assert outsider.get(url).status_code == 404


def test_the_admission_desk_page(care):
    w = care
    facility, (a01, _) = home(w)
    c = Client()
    c.force_login(w.li)
    page = c.get(f"/facilities/{facility.pk}/")
    assert page.status_code == 200 and "礼乐颐养院" in page.content.decode() and "噎食" in page.content.decode()
    r = c.post(f"/facilities/{facility.pk}/admit/", {"id_number": w.wang_xl.id_number, "bed_id": a01.pk},
               follow=True)
    assert "须先完成GB 38600-2019" in r.content.decode()
    # the person search's choice travels as `person` (the typed text is not sent); a forged id of an elder of
    # 外海街道 (not 李建华's) gets the refusal an unknown 身份证号 gets, and nothing is written
    outsider = elder(w, "邓婆", 80, village=w.waihai_village)
    refused = c.post(f"/facilities/{facility.pk}/admit/", {"id_number": "440704190001011234", "bed_id": a01.pk},
                     follow=True).content.decode()
    forged = c.post(f"/facilities/{facility.pk}/admit/", {"person": outsider.pk, "bed_id": a01.pk},
                    follow=True).content.decode()
    refusal = "未找到该身份证号的人员，或其不在您的管辖范围内"
    assert refusal in refused and refusal in forged
    assert "邓婆" not in forged and not Admission.objects.exists()
    form = {"person": w.wang_xl.pk, "assessors": "李建华"}
    form.update({f"item_{k}": v for k, v in all_items().items()})
    c.post(f"/facilities/{facility.pk}/assess/", form)
    r = c.post(f"/facilities/{facility.pk}/admit/", {"person": w.wang_xl.pk, "bed_id": a01.pk}, follow=True)
    assert "已办理入住" in r.content.decode()
    assert Admission.objects.filter(person=w.wang_xl, discharged_on__isnull=True).exists()
    r = c.post(f"/facilities/{facility.pk}/discharge/", {"person_id": w.wang_xl.pk, "reason": "回家"}, follow=True)
    assert "床位已空出" in r.content.decode()
