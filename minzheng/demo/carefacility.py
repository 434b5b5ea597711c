"""Demo 养老服务设施: in each of the five jurisdictions a public home, a 特困供养机构, a town's 综合养老服务中心 and a
village station, with beds (about three in five 护理型 in the homes) and two elders of the village admitted after
their GB 38600 assessment. Written through the services by each jurisdiction's county-level demo account.
Idempotent: a facility whose 备案号 exists is skipped, so a second run writes nothing."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.carefacility import rules, selectors, services
from minzheng.carefacility.models import Facility, Kind, Ownership
from minzheng.registry.models import Person

# jurisdiction → (county-level demo account, town code with demo villages, short name)
SITES = {
    "441800": ("qy_yingde", "441881106", "清远"),
    "445322": ("yn_county", "445322106", "郁南"),
    "440704": ("jh_county", "440704005", "江海"),
    "442000": ("zs_approver", "442000118", "中山"),
    "441900": ("dg_approver", "441900121", "东莞"),
}
DEMO_NOTE = "演示数据"


def _plan(short: str, town: Area, village: Area):
    # (name, kind, ownership, area, capacity, beds, nursing beds)
    return [
        (f"{short}{town.name}颐养院", Kind.INSTITUTION, Ownership.PUBLIC_PRIVATE, town, 12, 10, 6),
        (f"{short}{town.name}敬老院", Kind.TEKUN, Ownership.PUBLIC, town, 8, 6, 4),
        (f"{town.name}综合养老服务中心", Kind.TOWN_CENTRE, Ownership.PUBLIC, town, 6, 4, 2),
        (f"{village.name}养老服务站", Kind.VILLAGE_STATION, Ownership.PUBLIC, village, 2, 2, 0),
    ]


def seed_facility_demo() -> dict:
    made = beds = admitted = 0
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in SITES.values()])}
    for code, (username, town_code, short) in SITES.items():
        actor = users.get(username)
        town = Area.objects.current().filter(code=town_code).first()
        village = Area.objects.current().filter(code=f"{town_code}001").first()
        if actor is None or town is None or village is None:
            continue
        for n, (name, kind, ownership, area, capacity, bed_count, nursing) in enumerate(_plan(short, town, village)):
            filing = f"DEMO-{code}-{n + 1}"
            if Facility.objects.filter(filing_number=filing).exists():
                continue
            with transaction.atomic():
                facility = services.facility_register(
                    actor=actor, name=name, kind=kind, ownership=ownership, area=area,
                    operator=f"{name}（{DEMO_NOTE}）",
                    capacity=capacity, filing_number=filing, registered_on=dt.date(2021, 3, 1),
                    medical_integration=kind == Kind.INSTITUTION)
                made += 1
                for b in range(1, bed_count + 1):
                    services.bed_add(actor=actor, facility=facility, number=f"{b:02d}",
                                     registration_code=f"{filing}-{b:02d}", nursing=b <= nursing,
                                     opened_on=dt.date(2021, 3, 1))
                    beds += 1
                if kind == Kind.INSTITUTION:
                    admitted += _admit_elders(actor, facility, village, today)
    return {"facilities": made, "beds": beds, "admitted": admitted}


def _admit_elders(actor, facility, village, today) -> int:
    born_by = dt.date(today.year - 65, 1, 1)
    elders = Person.objects.filter(residence_area=village, death_date__isnull=True,
                                   birth_date__lte=born_by).order_by("id")[:2]
    items = {code: "low" for code in rules.risk_ruleset(today).items}
    done = 0
    for person, bed in zip(elders, facility.beds.order_by("number"), strict=False):
        if selectors.active_admission(person) is not None:
            continue
        services.risk_assess(actor=actor, facility=facility, person=person, items=items,
                             assessors=f"{actor}、护理部（{DEMO_NOTE}）", assessed_on=today)
        services.admit(actor=actor, facility=facility, person=person, bed=bed, admitted_on=today)
        done += 1
    return done
