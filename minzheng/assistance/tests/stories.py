"""The people and places of the 大救助 workflow stories (imported by the test modules as fixtures).

Real reference areas and real policy data (江海区 低保 900 元/人·月); a demo village 英南村 under 礼乐街道.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.areas.models import Area, CodeSource, Level
from minzheng.areas.services import area_create, load_reference_areas
from minzheng.assistance import services
from minzheng.assistance.facts import build_facts
from minzheng.core.idcard import make_id_number
from minzheng.policy.services import load_policy_data
from minzheng.registry.services import household_add_member, household_create, person_create

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def authorisation(name="授权书.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def photo(name="入户照片.jpg", content=JPEG):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def area(code):
    return Area.objects.current().get(code=code)


class World(dict):
    """Attribute access for the story's cast: w.chen, w.li, w.huang …"""

    __getattr__ = dict.__getitem__


_seq = iter(range(1, 999))


def _person(actor, name, birth, sex, village, **extra):
    seq = next(_seq) * 2 + (1 if sex == "M" else 0)
    return person_create(actor=actor, id_number=make_id_number(village.code[:6], birth, seq % 1000),
                         name=name, hukou_area=village, residence_area=village, **extra)


def make_family(w, head_name, *, village=None, members=(), birth=dt.date(1980, 5, 1), since=None, actor=None,
                head=None):
    """A household through the real registry services, registered by the county approver (or `actor`).

    members: (name, birth, sex, relation) or (name, birth, sex, relation, {person_create extras}); head: extras for
    the head (bank account, disability …); since: the date the household and its memberships start (default today).
    """
    village = village or w.yingnan
    actor = actor or (w.huang if village.code.startswith("440704") else w.liang)
    head_person = _person(actor, head_name, birth, "M", village, **(head or {}))
    household = household_create(actor=actor, area=village, head=head_person, address=f"{village.name}1号",
                                 start_date=since)
    people = [head_person]
    for name, b, sex, relation, *extra in members:
        p = _person(actor, name, b, sex, village, **(extra[0] if extra else {}))
        household_add_member(actor=actor, household=household, person=p, relation=relation, start_date=since)
        people.append(p)
    return household, people


@pytest.fixture(name="world")
def world_fixture(db):
    load_reference_areas()
    load_policy_data()
    d = dt.date(2020, 1, 1)
    lile, waihai, ducheng = area("440704005"), area("440704004"), area("445322100")

    def village(code, name, parent):
        return area_create(actor=None, code=code, name=name, level=Level.VILLAGE, parent=parent,
                           code_source=CodeSource.GENERATED, valid_from=d, audited=False)

    yingnan = village("440704005001", "英南村", lile)
    xiangdong = village("440704005002", "向东村", lile)
    waihai_v = village("440704004001", "外海社区", waihai)
    ducheng_v = village("445322100001", "都城社区", ducheng)

    def user(username, name, role, *areas):
        return user_create(actor=None, username=username, password="Minzheng#2026", display_name=name, role=role,
                           areas=list(areas))

    w = World(
        lile=lile, waihai=waihai, ducheng=ducheng, yingnan=yingnan, xiangdong=xiangdong, waihai_village=waihai_v,
        ducheng_village=ducheng_v, jianghai=area("440704"), yunan=area("445322"),
        chen=user("chenxl", "陈小玲", Role.VILLAGE, yingnan),
        li=user("lijh", "李建华", Role.TOWN, lile),
        zhao=user("zhaoyl", "赵玉兰", Role.TOWN, waihai),
        huang=user("huangzq", "黄志强", Role.COUNTY, area("440704")),
        liang=user("liangwj", "梁文杰", Role.COUNTY, area("445322")),
        wu=user("wumin", "吴敏", Role.AUDITOR, area("440704")),
        he=user("heli", "何丽", Role.PROVIDER, area("440704")),
        wang=user("wangay", "王阿姨", Role.RESIDENT),
    )
    household, (dad, mum, son) = make_family(w, "陈大明", members=[("李秀英", dt.date(1982, 2, 1), "F", "spouse"),
                                                                ("陈小宝", dt.date(2012, 9, 1), "M", "child")])
    w.update(household=household, dad=dad, mum=mum, son=son)
    return w


def dibao_facts(w, app, *, incomes=None):
    """The 陈 family's figures as 核对 found them: 陈大明 400 元 odd jobs, 李秀英 200 元, no savings."""
    incomes = incomes or {w.dad: "400", w.mum: "200"}
    return build_facts(user=w.huang, household=app.household, on=timezone.localdate(), urban_rural="urban",
                       incomes=incomes, assets=Decimal("0"))


def walk_to(w, app, status, *, today=None):
    """Move an application along the happy path up to `status`, as the real staff would."""
    order = ["submitted", "accepted", "verifying", "investigating", "reviewing", "publicizing", "approving"]
    today = today or timezone.localdate()
    for step in order[order.index(app.status) + 1:]:
        if app.status == status:
            return app
        if step == "accepted":
            app = services.application_accept(actor=w.li, application=app, today=today)
        elif step == "verifying":
            services.application_start_verification(actor=w.li, application=app, today=today)
        elif step == "investigating":
            services.application_record_verification(actor=w.li, application=app, outcome="pass",
                                                     summary="人均收入200元，低于低保标准；无房产车辆",
                                                     per_capita_income="200", assets="0", today=today)
        elif step == "reviewing":
            services.investigation_record(actor=w.li, application=app, visit_date=timezone.localdate(),
                                          visitors="李建华、陈小玲",
                                          findings="家中仅有简单家具，陈大明打零工，收入不稳定",
                                          conclusion="eligible", photos=[photo()], today=timezone.localdate())
            services.application_submit_review(actor=w.li, application=app, opinion="情况属实，同意上报", today=today)
        elif step == "publicizing":
            review = app.reviews.order_by("-id").first()
            if review.revisit_required:
                services.investigation_record(actor=w.huang, application=app, visit_date=timezone.localdate(),
                                              visitors="黄志强、李建华", findings="县级入户复查，与镇街调查情况一致",
                                              conclusion="eligible", today=timezone.localdate())
            services.application_review(actor=w.huang, application=app, opinion="审核通过，予以公示",
                                        full_review=review.full_review_required, today=today)
        elif step == "approving":
            pub = app.publicities.order_by("-id").first()
            services.application_close_publicity(actor=w.huang, application=app,
                                                  today=pub.end_date + dt.timedelta(days=1))
        app.refresh_from_db()
    assert app.status == status, app.status
    return app


def submit_dibao(w, *, actor=None, household=None, applicant=None, **kw):
    return services.application_submit(actor=actor or w.chen, programme="dibao", applicant=applicant or w.dad,
                                       household=household or w.household, authorisation=authorisation(), **kw)


__all__ = ["world_fixture", "walk_to", "submit_dibao", "dibao_facts", "authorisation", "photo", "make_family", "io",
           "PDF", "JPEG", "PNG", "area"]


def solve_challenge(question: str) -> str:
    """What a resident types for the 公示 page's challenge (七加五等于几？ → 12)."""
    from minzheng.core.challenge import NUMERALS

    a, b = question[0], question[2]
    return str(NUMERALS.index(a) + NUMERALS.index(b))
