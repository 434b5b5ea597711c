"""Demo 流浪乞讨人员救助: each jurisdiction's 救助管理站 (data/vagrancy/stations.csv) with an unknown person under a
寻亲公告 (on the public page /xunqin/), one resident of the demo town sent home and confirmed by the town's account,
and one on the way home awaiting the town's confirmation. Written through the services by the station's demo
account. Idempotent: a station that already has stays is skipped."""

import datetime as dt

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.core.periods import local_date
from minzheng.registry.models import Person
from minzheng.vagrancy import services
from minzheng.vagrancy.models import Station, Stay

# station code → (station's demo account, demo town, the town's demo account, what the unknown person looks like)
SITES = {
    "441800-JZ": ("qy_city", "441881106", "qy_qingtang", "男性，约60岁，驼背，穿灰色棉衣，说客家话"),
    "445322-JZ": ("yn_county", "445322106", "yn_baozhu", "男性，约40岁，左手缺一指，穿蓝色工装"),
    "440704-JZ": ("jh_county", "440704005", "jh_lile", "女性，约55岁，短发花白，随身带红色布袋"),
    "442000-JZ": ("zs_approver", "442000118", "zs_xiaolan", "男性，约30岁，右眉有疤，言语不清"),
    "441900-JZ": ("dg_approver", "441900121", "dg_humen", "男性，约70岁，拄拐杖，戴黑框眼镜"),
}


def seed_vagrancy_demo() -> dict:
    services.stations_load()
    today = local_date()
    users = {u.username: u for u in User.objects.filter(
        username__in=[s[0] for s in SITES.values()] + [s[2] for s in SITES.values()])}
    stays = returns = 0
    for code, (station_user, town_code, town_user, looks) in SITES.items():
        station = Station.objects.filter(code=code).first()
        actor, receiver = users.get(station_user), users.get(town_user)
        town = Area.objects.current().filter(code=town_code).first()
        if station is None or actor is None or receiver is None or town is None:
            continue
        if Stay.objects.filter(station=station).exists():
            continue
        unknown = services.stay_admit(actor=actor, station=station, channel="police", referrer="辖区派出所",
                                      admitted_on=today - dt.timedelta(days=2), found_place="火车站广场",
                                      description=looks, today=today)
        services.notice_publish(actor=actor, stay=unknown, text="受助人员无法说明身份，望知情者与本站联系",
                                published_on=today - dt.timedelta(days=2), today=today)
        services.care_record(actor=actor, stay=unknown, day=today - dt.timedelta(days=1), meals=3, health="精神尚可",
                             today=today)
        stays += 1
        people = list(Person.objects.filter(hukou_area__path__startswith=town.path, death_date__isnull=True,
                                            birth_date__lte=today - dt.timedelta(days=365 * 20)).order_by("id")[:2])
        for n, person in enumerate(people):
            stay = services.stay_admit(actor=actor, station=station, channel="city_management", referrer="城管执法队",
                                       admitted_on=today - dt.timedelta(days=6), id_number=person.id_number,
                                       name=person.name, today=today)
            t = services.transfer_arrange(actor=actor, stay=stay, destination_code=town.code,
                                          departed_on=today - dt.timedelta(days=4), escort="站内工作人员护送乘车",
                                          today=today)
            stays += 1
            if n == 0:
                services.transfer_confirm(actor=receiver, transfer=t, arrived_on=today - dt.timedelta(days=3),
                                          receiver="家属", today=today)
                returns += 1
    return {"stays": stays, "returns": returns}
