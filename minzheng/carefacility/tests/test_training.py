"""养老服务人员培训: 黄志强 of 江海区 records the year's sessions; their 人次 become the plan's 养老服务人员培训数量,
which 江海区's plan prints in 万人次 — and a year with no sessions recorded keeps the bureau's reported figure."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.carefacility import services
from minzheng.carefacility.models import Training
from minzheng.core.errors import DomainError, NotFound
from minzheng.monitoring import catalogue, rollup
from minzheng.monitoring import services as monitoring
from minzheng.monitoring.models import Indicator, IndicatorValue

from .stories import TODAY

pytestmark = pytest.mark.django_db


def _record(w, area, trainees, *, actor=None, held_on=None, title="养老护理员初级培训", hours="16"):
    return services.training_record(actor=actor or w.huang, area=area, title=title, organiser="江海区民政局",
                                    held_on=held_on or TODAY.replace(month=1, day=15), trainees=trainees, hours=hours)


def test_training_person_times_feed_the_plan_in_its_own_unit(care):
    w = care
    _record(w, w.lile, 60)
    _record(w, w.waihai, 90, title="养老机构管理人员培训")
    catalogue.load()
    rollup.rebuild(TODAY.year, resume=False)
    got = IndicatorValue.objects.get(indicator__code="440704.elderly_care_training", area=w.jianghai,
                                     period=TODAY.year)
    assert got.indicator.unit == "万人次"
    assert (got.numerator, got.value) == (150, Decimal("0.0150"))  # 150 人次 = 0.015 万人次
    assert IndicatorValue.objects.get(indicator__code="440704.elderly_care_training", area=w.lile,
                                      period=TODAY.year).numerator == 60


def test_without_sessions_the_reported_figure_stands(care):
    w = care
    catalogue.load()
    ind = Indicator.objects.get(code="440704.elderly_care_training")
    monitoring.report_value(actor=w.huang, indicator=ind, area=w.jianghai, period=2022, value="0.012", unit="万人次")
    rollup.rebuild(2022, resume=False)
    got = IndicatorValue.objects.get(indicator=ind, area=w.jianghai, period=2022)
    assert (got.value, got.source) == (Decimal("0.0120"), "reported")


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"trainees": "0"}, "trainees", "参训人次0不合理"),
    ({"trainees": "三十"}, "trainees", "参训人次应为整数"),
    ({"hours": "-2"}, "hours", "学时-2不合理"),
    ({"title": " "}, "title", "培训名称不能为空"),
    ({"held_on": TODAY + dt.timedelta(days=1)}, "held_on", "晚于今天"),
    ({"held_on": dt.date(1, 1, 1)}, "held_on", "培训日期0001-01-01早于本平台可登记的最早日期"),
])
def test_bad_training_records_are_refused_and_nothing_is_written(care, change, field, message):
    w = care
    args = {"trainees": "30", "hours": "8", "title": "培训", "held_on": TODAY}
    args.update(change)
    with pytest.raises(DomainError) as e:
        _record(w, w.lile, args["trainees"], hours=args["hours"], title=args["title"], held_on=args["held_on"])
    assert e.value.field == field and message in e.value.message
    assert not Training.objects.exists()


def test_another_county_cannot_record_or_see_jianghai_sessions(care, client):
    w = care
    with pytest.raises(NotFound):
        _record(w, w.lile, 30, actor=w.liang)
    _record(w, w.lile, 30)
    client.force_login(w.liang)
    assert "养老护理员初级培训" not in client.get("/facilities/trainings/").content.decode()
    client.force_login(w.huang)
    body = client.get("/facilities/trainings/").content.decode()
    assert "养老护理员初级培训" in body and "礼乐街道" in body
    r = client.post("/facilities/trainings/", {"area": "440704004", "title": "急救培训", "organiser": "外海街道",
                                               "held_on": TODAY.isoformat(), "trainees": "25", "hours": "4"},
                    follow=True)
    assert "培训已登记" in r.content.decode() and Training.objects.count() == 2


def test_the_api_records_and_lists_sessions(care, client):
    w = care
    client.force_login(w.huang)
    r = client.post("/api/carefacility/trainings", {"area_code": "440704005", "title": "失智照护培训",
                                                    "organiser": "礼乐街道社工站", "held_on": TODAY.isoformat(),
                                                    "trainees": 40, "hours": "6"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["trainees"] == 40
    r = client.post("/api/carefacility/trainings", {"area_code": "440704005", "title": "失智照护培训",
                                                    "organiser": "x", "held_on": TODAY.isoformat(),
                                                    "trainees": 0, "hours": "6"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "trainees"
    assert [t["title"] for t in client.get("/api/carefacility/trainings").json()] == ["失智照护培训"]
    client.force_login(w.liang)
    assert client.get("/api/carefacility/trainings").json() == []
    assert client.post("/api/carefacility/trainings", {"area_code": "440704005", "title": "x", "organiser": "x",
                                                       "held_on": TODAY.isoformat(), "trainees": 1, "hours": "1"},
                       content_type="application/json").status_code == 404


def test_a_training_dated_0001_01_01_through_the_api_is_refused_in_chinese(care, client):
    w = care
    client.force_login(w.huang)
    r = client.post("/api/carefacility/trainings", {"area_code": "440704005", "title": "失智照护培训",
                                                    "organiser": "江海区民政局", "held_on": "0001-01-01",
                                                    "trainees": 20, "hours": "8"}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["field"] == "held_on" and "早于本平台可登记的最早日期" in r.json()["message"]
    assert not Training.objects.exists()
