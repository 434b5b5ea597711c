"""江海区's 查明身份信息流浪乞讨受助人员接送返回率 computed from the station's records, not reported.

In 2023 江海区救助管理站 took in six people. Four identified people left by return or placement: 郭 and 罗 went home
to 礼乐街道, which confirmed both; 邱 was on the way home at year end, unconfirmed; 范 was placed in care. 龙 left
of his own accord (not counted), and an unknown woman admitted on 2 January was still in the station at year end
(站内长期滞留). So the rate is 2 ÷ 4 = 50 %, with 6 救助人次, one person found through a 寻亲公告 and one long stay.
"""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.core.idcard import make_id_number
from minzheng.monitoring import catalogue, elements, rollup
from minzheng.monitoring.models import IndicatorValue
from minzheng.registry.services import person_create
from minzheng.vagrancy import services
from minzheng.vagrancy.models import Station

from .conftest import write_catalogue

pytestmark = pytest.mark.django_db

ROWS = [("440704.vagrant_return_rate", "vagrant_return_rate", "社会救助", "查明身份信息流浪乞讨受助人员接送返回率", "",
         "%", "约束性", "0", "100", "100", "100")]
DAY = dt.date(2023, 6, 1)


def test_the_return_rate_is_computed_from_the_station_records(world, tmp_path, settings):
    w = world
    formulas = "".join(line for line in (settings.DATA_DIR / "monitoring" / "formulas.csv").read_text(
        encoding="utf-8").splitlines(keepends=True) if line.startswith(("key,", "vagrant_return_rate,")))
    catalogue.load(directory=write_catalogue(tmp_path, ROWS, formulas=formulas))
    services.stations_load()
    station = Station.objects.get(code="440704-JZ")

    def admit(name, seq, **kw):
        p = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1970, 1, 1), seq), name=name,
                          hukou_area=w.yingnan, residence_area=w.yingnan)
        return services.stay_admit(actor=w.huang, station=station, channel="voluntary", admitted_on=DAY,
                                   id_number=p.id_number, name=name, today=DAY, **kw)

    def send_home(stay, *, confirm=True):
        t = services.transfer_arrange(actor=w.huang, stay=stay, destination_code=w.lile.code, departed_on=DAY,
                                      escort="护送乘车", today=DAY)
        if confirm:
            services.transfer_confirm(actor=w.li, transfer=t, arrived_on=DAY, receiver="家属", today=DAY)

    unknown_man = services.stay_admit(actor=w.huang, station=station, channel="police", referrer="礼乐派出所",
                                      admitted_on=DAY, description="中年男子，左耳缺损", today=DAY)
    services.notice_publish(actor=w.huang, stay=unknown_man, text="望家属联系", published_on=DAY, today=DAY)
    guo = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1960, 1, 1), 901), name="郭大勇",
                        hukou_area=w.yingnan, residence_area=w.yingnan)
    services.stay_identify(actor=w.huang, stay=unknown_man, id_number=guo.id_number, name="郭大勇", on=DAY,
                           today=DAY, via_notice=True)
    send_home(unknown_man)
    send_home(admit("罗小军", 903))
    send_home(admit("邱文", 905), confirm=False)
    fan = admit("范德", 907)
    services.stay_leave(actor=w.huang, stay=fan, kind="placed", ended_on=DAY, note="送托养机构", today=DAY)
    long = admit("龙飞", 909)
    services.stay_leave(actor=w.huang, stay=long, kind="left", ended_on=DAY, note="自行离站", today=DAY)
    services.stay_admit(actor=w.huang, station=station, channel="city_management", referrer="江海区城管局",
                        admitted_on=dt.date(2023, 1, 2), description="老年女性，白发", today=DAY)

    rollup.rebuild(2023)
    v = IndicatorValue.objects.get(indicator__code="440704.vagrant_return_rate", area=w.jianghai, period=2023)
    assert (v.numerator, v.denominator, v.value) == (2, 4, Decimal("50"))

    def element(name):
        rows = list(elements.ELEMENTS[name].query(rollup.as_of(2023), 2023))
        return {r["area"]: r["v"] for r in rows}

    assert element("vagrant_person_times") == {w.jianghai.pk: 6}
    assert element("vagrant_reunited") == {w.jianghai.pk: 1}
    assert element("vagrant_long_stay") == {w.jianghai.pk: 1}
