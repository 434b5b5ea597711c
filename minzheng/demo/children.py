"""Demo 大儿童保障: in each of the five jurisdictions a 未成年人救助保护中心, a 未成年人保护工作站 in the demo town, a
儿童督导员 for that town and a 儿童主任 in every demo village but the last (so the gap list shows one), the first
trained. In 江海区 the accounts 陈小玲 (儿童主任), 李建华 (督导员) and 周慧 (centre) hold the posts, and one school
report about a child of 英南村 has been verified.
Written through the services; idempotent (an existing centre is skipped)."""

import datetime as dt

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.areas.models import Area, Level
from minzheng.children import services
from minzheng.children.models import Org, OrgKind, Post
from minzheng.children.selectors import children_base
from minzheng.core.periods import local_date

# jurisdiction → (county-level demo account, demo town, short name, town supervisor account, village director account)
SITES = {
    "441800": ("qy_yingde", "441881106", "清远", "qy_qingtang", "qy_village"),
    "445322": ("yn_county", "445322106", "郁南", "yn_baozhu", "yn_village"),
    "440704": ("jh_county", "440704005", "江海", "jh_lile", "jh_village"),
    "442000": ("zs_approver", "442000118", "中山", "zs_xiaolan", "zs_village"),
    "441900": ("dg_approver", "441900121", "东莞", "dg_humen", "dg_village"),
}
CENTRE_STAFF = {"440704": "jh_centre"}
START = dt.date(2023, 3, 1)


def seed_children_demo() -> dict:
    made = {"orgs": 0, "posts": 0, "cases": 0}
    users = {u.username: u for u in User.objects.all()}
    for code, (county_user, town_code, short, sup_user, dir_user) in SITES.items():
        actor = users.get(county_user)
        jurisdiction = Area.objects.current().filter(code=code).first()
        town = Area.objects.current().filter(code=town_code).first()
        if actor is None or jurisdiction is None or town is None:
            continue
        # the account's own area holds the centre (清远's demo county account works for 英德市)
        centre_area = jurisdiction if actor.area_assignments.filter(area=jurisdiction).exists() else town.parent
        centre_name = f"{centre_area.name}未成年人救助保护中心"
        if Org.objects.filter(name=centre_name, area=centre_area).exists():
            continue
        with transaction.atomic():
            centre = services.org_create(actor=actor, name=centre_name, kind=OrgKind.CENTRE, area=centre_area,
                                         opened_on=dt.date(2020, 6, 1))
            services.org_create(actor=actor, name=f"{town.name}未成年人保护工作站", kind=OrgKind.STATION, area=town,
                                opened_on=dt.date(2022, 3, 1))
            services.org_create(actor=actor, name=f"{centre_area.name}教育局", kind=OrgKind.DEPARTMENT,
                                area=centre_area, opened_on=dt.date(2020, 1, 1))
            made["orgs"] += 3
            services.appointment_create(actor=actor, post=Post.SUPERVISOR, name=f"{short}儿童督导员",
                                        user=users.get(sup_user), area=town, start_date=START)
            villages = list(Area.objects.current().filter(parent=town, level=Level.VILLAGE).order_by("code"))
            for n, v in enumerate(villages[:-1] if len(villages) > 1 else villages):
                user = users.get(dir_user) if n == 0 else None
                post = services.appointment_create(actor=actor, post=Post.DIRECTOR, name=(
                    user.display_name if user else f"{v.name}儿童主任"), user=user, area=v, start_date=START)
                if n == 0:
                    services.training_record(actor=actor, appointment=post, held_on=START + dt.timedelta(days=30),
                                             topic="儿童主任岗前培训", hours=8)
                made["posts"] += 1
            staff = users.get(CENTRE_STAFF.get(code, ""))
            if staff is not None:
                services.appointment_create(actor=actor, post=Post.CENTRE, name=staff.display_name, user=staff,
                                            area=centre.area, org=centre, start_date=START, full_time=True)
                child = children_base(local_date()).filter(residence_area=villages[0]).order_by("id").first()
                if child is not None:
                    r = services.report_file(actor=staff, child=child, source="school", priority="high",
                                             what="学生近两周多次缺课，班主任家访发现家中无成年人照料",
                                             location=f"{villages[0].name}小学", reporter_name="班主任",
                                             reporter_org=f"{villages[0].name}小学")
                    services.case_verify(actor=staff, case=r.case, happened_on=local_date(),
                                         finding="入户核实：父母均外出务工，由年迈祖母照看", substantiated=True)
                    made["cases"] += 1
    return made
