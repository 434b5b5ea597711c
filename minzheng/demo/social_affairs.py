"""Demo 社会事务: in each of the five jurisdictions a 婚姻登记处 taking online bookings (open on weekends and
holidays in 清远, as its plan says), a funeral home and a public-interest ash facility with twenty tree-burial
places, and the gazetteer seeded with the jurisdiction's towns (their romanisation shows the place-name readings:
东莞 Dōngguǎn, 长安 Cháng'ān, 都城 Dūchéng, 礼乐 Lǐlè). Written through the services by each jurisdiction's
county-level demo account. Idempotent: an office, facility or name already there is skipped."""

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.areas.models import Area, Level
from minzheng.core.errors import DomainError
from minzheng.core.periods import local_date
from minzheng.funeral import services as funeral
from minzheng.funeral.models import Facility, Plot
from minzheng.marriage.models import Office
from minzheng.placenames import services as placenames
from minzheng.placenames.models import PlaceName

# county (英德市 for 清远) → (county-level demo account, town with demo villages, short name, open on days off)
SITES = {
    "441881": ("qy_yingde", "441881106", "清远", True),  # seed_000 §5.7: 周末节假日照常开放
    "445322": ("yn_county", "445322106", "郁南", False),
    "440704": ("jh_county", "440704005", "江海", False),
    "442000": ("zs_approver", "442000118", "中山", False),
    "441900": ("dg_approver", "441900121", "东莞", False),
}
# A point near each jurisdiction's seat for the demo gazetteer (approximate; no GIS server is needed).
CENTRES = {"441881": (113.41, 24.19), "445322": (111.53, 23.23), "440704": (113.11, 22.56),
           "442000": (113.39, 22.52), "441900": (113.75, 23.02)}


def seed_social_affairs_demo() -> dict:
    offices = facilities = names = 0
    today = local_date()
    users = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in SITES.values()])}
    for code, (username, town_code, _short, open_days_off) in SITES.items():
        actor = users.get(username)
        county = Area.objects.current().filter(code=code).first()
        town = Area.objects.current().filter(code=town_code).first()
        if actor is None or county is None or town is None:
            continue
        with transaction.atomic():
            if not Office.objects.filter(code=code).exists():
                Office.objects.create(name=f"{county.name}婚姻登记处", code=code, area=county,
                                      address=f"{county.name}民政局婚姻登记处（演示数据）", daily_capacity=40,
                                      open_on_days_off=open_days_off)
                offices += 1
            if not Facility.objects.filter(name=f"{county.name}殡仪馆").exists():
                Facility.objects.create(name=f"{county.name}殡仪馆", kind=Facility.Kind.FUNERAL_HOME, area=county)
                forest = Facility.objects.create(name=f"{town.name}公益性骨灰林", kind=Facility.Kind.ASH_FACILITY,
                                                 area=town)
                funeral.plots_create(actor=actor, facility=forest, kind=Plot.Kind.TREE,
                                     numbers=[f"A-{n:03d}" for n in range(1, 21)])
                facilities += 2
            x, y = CENTRES[code]
            for n, t in enumerate(Area.objects.current().filter(level=Level.TOWN, path__startswith=county.path)
                                  .order_by("code")[:40]):
                if PlaceName.objects.filter(name=t.name, category="21", area=county).exists():
                    continue
                try:
                    point = [round(x + 0.01 * (n % 7), 4), round(y + 0.01 * (n // 7), 4)]
                    placenames.place_register(actor=actor, name=t.name, category="21", area=county, today=today,
                                              coordinates=[point], origin="第二次全国地名普查成果（演示数据）")
                    names += 1
                except DomainError:
                    continue  # a town name outside the standard characters is left for the naming officer
    return {"offices": offices, "facilities": facilities, "names": names}
