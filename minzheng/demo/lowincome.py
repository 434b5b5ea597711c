"""低收入人口动态监测 demo: the monitored population built from the demo's 大救助 cases, one 医保 hospital-bill feed
per jurisdiction for a few monitored people (alerts raised by the real run), a 主动发现 report from a village
worker's phone and a 一门受理 referral from a town window. Runs once: skipped when alerts exist."""

import datetime as dt

from minzheng.accounts.models import User
from minzheng.core.errors import DomainError
from minzheng.core.periods import local_date
from minzheng.lowincome import rules, services
from minzheng.lowincome.models import Alert, MonitoredPerson
from minzheng.lowincome.runs import population_refresh
from minzheng.registry.models import Person

# (county, town, village) demo accounts of each jurisdiction that has all three (setup_demo.ACCOUNTS).
STAFF = [("jh_county", "jh_lile", "jh_village"), ("zs_approver", "zs_xiaolan", "zs_village"),
         ("yn_county", "yn_baozhu", "yn_village"), ("qy_yingde", "qy_qingtang", "qy_village"),
         ("dg_approver", "dg_humen", "dg_village")]
BILL = "18000.00"  # above the 5,000 元 threshold of data/lowincome/rules.csv (assumed), so each bill alerts


def seed_lowincome_demo() -> dict:
    if Alert.objects.exists():
        return {"alerts": 0, "referrals": 0, "skipped": []}
    rules.load_rules()
    population_refresh()
    today = local_date()
    users = {u.username: u for u in User.objects.filter(username__in=[n for s in STAFF for n in s])}
    alerts = referrals = 0
    skipped: list[str] = []
    for county_name, town_name, village_name in STAFF:
        county, town, village = users.get(county_name), users.get(town_name), users.get(village_name)
        if not (county and town and village):
            continue
        try:
            a, r = _jurisdiction(county, town, village, today)
        except DomainError as e:  # a jurisdiction whose demo population lacks what this needs is skipped
            skipped.append(f"{county.display_name}：{e.message}")
            continue
        alerts, referrals = alerts + a, referrals + r
    return {"alerts": alerts, "referrals": referrals, "skipped": skipped}


def _jurisdiction(county: User, town: User, village: User, today: dt.date) -> tuple[int, int]:
    alerts = referrals = 0
    county_path = county.area_assignments.get().area.path
    people = list(MonitoredPerson.objects.filter(area__path__startswith=county_path)
                  .select_related("person").order_by("id")[:3])
    if people:
        records = [{"身份证号": m.person.id_number, "姓名": m.person.name, "个人自付金额(元)": BILL,
                    "结算日期": (today - dt.timedelta(days=10)).isoformat(), "医疗机构": "人民医院"}
                   for m in people]
        alerts += services.feed_push(actor=county, kind="hospital_bill", records=records).alerts_raised
    village_path = village.area_assignments.get().area.path
    neighbour = Person.objects.filter(residence_area__path__startswith=village_path,
                                      death_date__isnull=True).order_by("id").first()
    if neighbour is not None:
        services.discovery_report(actor=village, person=neighbour,
                                  description="走访发现家中主要劳动力因病失业，收入明显下降")
        services.referral_create(actor=town, person=neighbour, need="medical",
                                 request="门诊慢特病自付费用较高，申请医疗救助")
        alerts, referrals = alerts + 1, referrals + 1
    return alerts, referrals
