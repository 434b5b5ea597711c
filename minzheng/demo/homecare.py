"""Demo 居家养老 and 时间银行 work for `setup_demo`, through the real services as the demo accounts:

- the catalogue of every jurisdiction (data/homecare/catalogue.csv);
- a provider in 江海区, 中山市 and 东莞市; in 江海区 the demo account `provider` (何丽) is its dispatcher and
  `jh_worker` (周志成) its worker, with a 长者饭堂 in 礼乐街道;
- `jh_family` (王小红) bound to an elder of 礼乐街道's first demo village, who has a service completed last month,
  one dispatched for tomorrow and one waiting for the town to dispatch; last month's statement is generated;
- a volunteer in the same village with hours credited and a report waiting for the first review.

Idempotent: skipped when the 江海区 demo provider exists; all of it in one transaction.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.core.periods import previous_month_start
from minzheng.homecare import reference, services, settlement
from minzheng.homecare.models import Provider
from minzheng.registry.models import Person
from minzheng.timebank import services as tb

TZ = timezone.get_default_timezone()
PROVIDERS = [  # (area code, name, 统一社会信用代码 — demo values)
    ("440704", "江海颐康居家养老服务中心", "52440704MJD000001A"),
    ("442000", "中山市颐康居家养老服务中心", "52442000MJD000002B"),
    ("441900", "东莞市乐龄居家养老服务中心", "52441900MJD000003C"),
]
VILLAGE = "440704005001"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def seed_homecare_demo(today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    made = reference.catalogue_load()
    if Provider.objects.filter(credit_code=PROVIDERS[0][2]).exists():
        return f"服务目录新增{made}项；演示机构已存在，跳过"
    users = {u.username: u for u in User.objects.filter(
        username__in=["jh_county", "jh_lile", "jh_village", "provider", "jh_worker", "jh_family", "jh_village2",
                      "zs_approver", "dg_approver"])}
    village = Area.objects.current().filter(code=VILLAGE).first()
    if village is None or len(users) < 9:
        return "缺少演示账号或演示村居，跳过居家养老演示数据"
    cutoff = dt.date(today.year - 70, today.month, 1)
    elders = list(Person.objects.filter(residence_area=village, birth_date__lt=cutoff, death_date__isnull=True)
                  .exclude(address="").order_by("birth_date")[:2])
    young = Person.objects.filter(residence_area=village, birth_date__gt=dt.date(today.year - 50, 1, 1),
                                  birth_date__lt=dt.date(today.year - 20, 1, 1), death_date__isnull=True).first()
    if not elders or young is None:
        return "演示村居没有合适的老人或志愿者，跳过居家养老演示数据"
    county, town = users["jh_county"], users["jh_lile"]
    last_month = previous_month_start(today)
    with transaction.atomic():
        providers = {}
        for code, name, credit in PROVIDERS:
            area = Area.objects.current().get(code=code)
            actor = {"440704": county, "442000": users["zs_approver"], "441900": users["dg_approver"]}[code]
            providers[code] = services.provider_create(actor=actor, name=name, area=area, credit_code=credit)
        jh = providers["440704"]
        services.provider_add_member(actor=county, provider=jh, user=users["provider"])
        zhou = services.worker_add(actor=users["provider"], provider=jh, name="周志成", phone="13700001111",
                                   certificate="YL2023-0456", user=users["jh_worker"])
        services.worker_add(actor=users["provider"], provider=jh, name="梁秀芬", phone="13700002222")
        canteen = services.canteen_create(actor=county, name="礼乐长者饭堂", area=village.parent, provider=jh)
        elder = elders[0]
        services.contact_bind(actor=town, user=users["jh_family"], person=elder, relation="child")
        # Last month: one service done and one lunch, then the provider's statement.
        day = last_month + dt.timedelta(days=9)
        o = services.order_place(actor=users["jh_family"], person=elder, item_code="ZJ01", scheduled_at=_at(day, 10),
                                 provider=jh, now=_at(day - dt.timedelta(days=2), 9))
        services.order_assign(actor=users["provider"], order=o, worker=zhou, now=_at(day - dt.timedelta(days=1), 9))
        services.order_start(actor=users["jh_worker"], order=o, location=elder.address, now=_at(day, 10))
        o.refresh_from_db()
        services.order_complete(actor=users["jh_worker"], order=o, confirm_code=o.confirm_code,
                                content="清洁客厅、厨房和卫生间", now=_at(day, 12))
        services.order_rate(actor=users["jh_family"], order=o, score=5, comment="周师傅很细心")
        for p in elders:
            services.meal_serve(actor=users["provider"], canteen=canteen, person=p, kind="lunch", date=day)
        st = settlement.statement_generate(actor=county, provider=jh, month=last_month, today=today)
        # This month: one dispatched for tomorrow, one waiting for 礼乐街道 to dispatch.
        tomorrow = today + dt.timedelta(days=1)
        services.order_place(actor=users["jh_family"], person=elder, item_code="ZA01", scheduled_at=_at(tomorrow, 9),
                             provider=jh)
        if len(elders) > 1:
            services.order_place(actor=users["jh_village"], person=elders[1], item_code="SH01",
                                 scheduled_at=_at(tomorrow, 15), quantity=2)
        # 时间银行: a volunteer with credited hours and a report waiting for the first review.

        v = tb.volunteer_register(actor=users["jh_village"], person=young)
        r = tb.hours_report(actor=users["jh_village"], volunteer=v, service_date=today - dt.timedelta(days=3),
                            hours=3, activity="为独居老人代购生活用品", today=today)
        r = tb.report_review_first(actor=users["jh_village2"], report=r, approve=True)
        tb.report_review_second(actor=town, report=r, approve=True)
        tb.hours_report(actor=users["jh_village"], volunteer=v, service_date=today - dt.timedelta(days=1), hours=2,
                        activity="长者饭堂送餐", today=today)
    return (f"服务目录新增{made}项；服务机构{len(providers)}家；订单3张；{st}：{st.line_count}笔，"
            f"补贴{st.subsidy}元、自付{st.self_pay}元；志愿者1名")

