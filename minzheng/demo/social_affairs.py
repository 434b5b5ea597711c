"""Demo 社会事务: in each of the five jurisdictions a 婚姻登记处 taking online bookings (open on weekends and
holidays in 清远, as its plan says), a funeral home and a public-interest ash facility with twenty tree-burial
places, and the gazetteer seeded with the jurisdiction's towns (their romanisation shows the place-name readings:
东莞 Dōngguǎn, 长安 Cháng'ān, 都城 Dūchéng, 礼乐 Lǐlè). Written through the services by each jurisdiction's
county-level demo account. Idempotent: an office, facility or name already there is skipped.

Each county also gets a 公益性公墓 with ten 墓穴 and ten 草坪葬位. So that the funeral desk and the 社区康复
page show the demo population's own facts, never facts invented beside it: the 社区康园中心 stands in the town
where the county's first resident (by 身份证号) with a 精神 or 智力 disability record lives (else in the town with
demo villages) and serves up to two such residents of that town, with a service recorded this month; and the two
most recent deaths the registry already holds in the county — of people paid nothing, so the planted 死亡仍发放
findings of the fund-supervision demo stay — get their death record (source: the registry's death date), a
cremation two days after the death at the county's funeral home and a 草坪葬位 in the county's cemetery. Every
date is relative to the bureau's local today (core.periods)."""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef

from minzheng.accounts.models import User
from minzheng.areas.models import Area, Level
from minzheng.assistance.models import Entitlement
from minzheng.core.errors import DomainError
from minzheng.core.periods import local_date, month_start
from minzheng.funeral import services as funeral
from minzheng.funeral.models import DeathRecord, Facility, Plot, PlotSale
from minzheng.marriage.models import Office
from minzheng.placenames import services as placenames
from minzheng.placenames.models import PlaceName
from minzheng.registry.models import Person
from minzheng.rehab import services as rehab
from minzheng.rehab.models import Centre, Enrolment

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
    offices = facilities = names = centres = enrolled = deaths = 0
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
            if not Facility.objects.filter(name=f"{county.name}公益性公墓").exists():
                cemetery = Facility.objects.create(name=f"{county.name}公益性公墓",
                                                   kind=Facility.Kind.PUBLIC_CEMETERY, area=county)
                funeral.plots_create(actor=actor, facility=cemetery, kind=Plot.Kind.GRAVE,
                                     numbers=[f"M-{n:03d}" for n in range(1, 11)])
                funeral.plots_create(actor=actor, facility=cemetery, kind=Plot.Kind.LAWN,
                                     numbers=[f"C-{n:03d}" for n in range(1, 11)])
                facilities += 1
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
        with transaction.atomic():
            made, served = _seed_rehab(actor, county, town, today)
            centres, enrolled = centres + made, enrolled + served
        with transaction.atomic():
            deaths += _seed_deaths(actor, county, today)
    return {"offices": offices, "facilities": facilities, "names": names, "centres": centres,
            "enrolled": enrolled, "deaths": deaths}


def _seed_rehab(actor: User, county: Area, town: Area, today: dt.date) -> tuple[int, int]:
    """The 社区康园中心 (opened a year ago) where the county's first eligible resident lives, and up to two
    service users of that town from the registry."""
    eligible = (Person.objects.filter(death_date__isnull=True, disability_category__in=rehab.ELIGIBLE)
                .select_related("residence_area__parent").order_by("id_number"))
    first = eligible.filter(residence_area__path__startswith=county.path).first()
    if first is not None:
        place = first.residence_area
        town = place if place.level == Level.TOWN else (place.parent or town)
    centre = Centre.objects.filter(area__path__startswith=county.path, name__endswith="社区康园中心").first()
    made = 0
    if centre is None:
        centre = rehab.centre_register(actor=actor, name=f"{town.name}社区康园中心", kind=Centre.Kind.KANGYUAN,
                                       area=town, opened_on=today - dt.timedelta(days=365))
        made = 1
    people = (eligible.filter(residence_area__path__startswith=centre.area.path)
              .exclude(Exists(Enrolment.objects.filter(person=OuterRef("pk")))))
    served = 0
    for person in people[:max(0, 2 - centre.enrolments.count())]:
        since = max(centre.opened_on, month_start(today) - dt.timedelta(days=60))
        e = rehab.enrol(actor=actor, centre=centre, person=person, since=since,
                        plan="每周参加一次康园中心日间康复活动（生活技能训练、工疗），每月家访一次，协助按时服药复诊")
        rehab.service_record(actor=actor, enrolment=e, served_on=max(since, month_start(today)),
                             content="日间康复活动：生活技能训练")
        served += 1
    return made, served


def _seed_deaths(actor: User, county: Area, today: dt.date) -> int:
    """Death records, cremations and 草坪葬 places for the county's two most recent registry deaths."""
    home = Facility.objects.filter(name=f"{county.name}殡仪馆").first()
    cemetery = Facility.objects.filter(name=f"{county.name}公益性公墓").first()
    if home is None or cemetery is None or DeathRecord.objects.filter(area__path__startswith=county.path).exists():
        return 0
    dead = (Person.objects.filter(residence_area__path__startswith=county.path, death_date__isnull=False)
            .exclude(Exists(Entitlement.objects.filter(person=OuterRef("pk"))))
            .order_by("-death_date", "id_number")[:2])
    for person in dead:
        record = funeral.death_record(actor=actor, person=person, death_date=None, source="registry", today=today)
        cremated = min(person.death_date + dt.timedelta(days=2), today)
        funeral.cremation_record(actor=actor, facility=home, person=person, on=cremated, today=today)
        plot = (Plot.objects.filter(facility=cemetery, kind=Plot.Kind.LAWN).exclude(Exists(PlotSale.objects.filter(
            plot=OuterRef("pk"), status__in=[PlotSale.Status.SOLD, PlotSale.Status.RESERVED])))
            .order_by("number").first())
        if plot is not None:
            funeral.plot_change(actor=actor, plot=plot, action="sell", holder_name=f"{person.name}家属",
                                record=record, on=cremated)
    return len(dead)
