"""江海区's 救助管理站 for the every-endpoint scope test: an unknown man brought in by the police with a 寻亲公告, a
woman in hospital, and 陈国栋 of 英南村 on his way back to 礼乐街道, awaiting the town's confirmation."""

import datetime as dt

from minzheng.core.idcard import make_id_number
from minzheng.core.periods import local_date
from minzheng.registry import services as registry
from minzheng.vagrancy import services
from minzheng.vagrancy.models import Station


def jianghai_vagrancy_objects(w) -> dict:
    today = local_date()
    services.stations_load()
    station = Station.objects.get(code="440704-JZ")
    unknown = services.stay_admit(actor=w.huang, station=station, channel="police", referrer="江海公安分局礼乐派出所",
                                  admitted_on=today, sex="M", approx_age=50, today=today,
                                  description="身高约170厘米，左臂有烫伤疤痕")
    services.notice_publish(actor=w.huang, stay=unknown, text="该男子自称来自外省，口音不详，望家属联系",
                            published_on=today, today=today)
    ill = services.stay_admit(actor=w.huang, station=station, channel="voluntary", admitted_on=today, sex="F",
                              description="中年女性，行走不便", today=today)
    referral = services.referral_create(actor=w.huang, stay=ill, hospital="江海区人民医院", reason="腿部感染",
                                        referred_on=today, today=today)
    chen = registry.person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1975, 3, 1), 931),
                                  name="陈国栋", hukou_area=w.yingnan, residence_area=w.yingnan)
    back = services.stay_admit(actor=w.huang, station=station, channel="city_management", referrer="江海区城管局",
                               admitted_on=today, id_number=chen.id_number, name="陈国栋", today=today)
    transfer = services.transfer_arrange(actor=w.huang, stay=back, destination_code=w.lile.code, departed_on=today,
                                         escort="站内工作人员护送乘车", today=today)
    return {"vg_station": station.pk, "vg_stay": unknown.pk, "vg_referral": referral.pk, "vg_transfer": transfer.pk,
            "vagrancy_secrets": ["陈国栋", chen.id_number, "左臂有烫伤疤痕", "江海公安分局礼乐派出所"]}
