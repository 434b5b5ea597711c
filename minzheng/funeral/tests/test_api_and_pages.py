"""The funeral desk through the API and pages: 李建华 (礼乐街道) records a death, a cremation without one is refused
in Chinese, 黄志强 sells a niche and a second sale is refused; 郁南县's 梁文杰 gets "not found" for all of it."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.core.periods import local_date
from minzheng.funeral.models import DeathRecord, Facility, Plot, PlotSale

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(areas, people, make_person):
    home = Facility.objects.create(name="江海区殡仪馆", kind=Facility.Kind.FUNERAL_HOME, area=areas["jianghai"])
    hall = Facility.objects.create(name="江海区骨灰楼", kind=Facility.Kind.ASH_FACILITY, area=areas["jianghai"])
    niche = Plot.objects.create(facility=hall, kind=Plot.Kind.NICHE, number="1-01")
    return {"home": home, "hall": hall, "niche": niche, "zhang": make_person("张伯", birth=dt.date(1940, 1, 1)),
            "li": make_person("李伯", birth=dt.date(1938, 1, 1))}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_funeral_desk_through_the_api(desk, people):
    today = local_date().isoformat()
    town, county = _client(people["lile_officer"]), _client(people["jianghai_approver"])
    r = county.post("/api/funeral/cremations", {"facility_id": desk["home"].pk, "person_id": desk["li"].pk,
                                                 "on": today}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["message"] == "李伯尚未办理死亡登记，不能火化；请先凭死亡证明办理死亡登记"
    r = town.post("/api/funeral/deaths", {"person_id": desk["zhang"].pk, "death_date": today, "source": "village"},
                  content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["checklist"][0] == {"label": "死亡登记", "done_on": today, "note": ""}
    record = DeathRecord.objects.get()
    r = county.post("/api/funeral/cremations", {"facility_id": desk["home"].pk, "person_id": desk["zhang"].pk,
                                                 "on": today}, content_type="application/json")
    assert r.status_code == 201
    sold = county.post(f"/api/funeral/plots/{desk['niche'].pk}/sell",
                       {"holder_name": "张家", "death_record_id": record.pk, "on": today},
                       content_type="application/json")
    assert sold.status_code == 200 and sold.json()["status_label"] == "已售出"
    again = county.post(f"/api/funeral/plots/{desk['niche'].pk}/sell", {"holder_name": "王家", "on": today},
                        content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "plot_taken"
    assert PlotSale.objects.count() == 1
    ledger = county.get(f"/api/funeral/facilities/{desk['hall'].pk}/plots").json()
    assert ledger[0]["holder"] == "张家"
    page = county.get(f"/funeral/facilities/{desk['hall'].pk}/")
    assert "张家" in page.content.decode()
    assert "张伯" in county.get("/funeral/").content.decode()

    outsider = _client(people["yunan_approver"])
    assert outsider.get(f"/funeral/facilities/{desk['hall'].pk}/").status_code == 404
    assert outsider.get(f"/api/funeral/deaths/{record.pk}").status_code == 404
    assert "张伯" not in outsider.get("/funeral/").content.decode()
    rates = county.get(f"/api/funeral/rates?year={local_date().year}").json()
    assert rates["deaths"] == 1 and rates["cremation_rate"] == 100.0
