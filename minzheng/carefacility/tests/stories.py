"""The people and places of the 养老服务设施 stories, on the 大救助 world (real areas of 江海区 and 郁南县):

- 黄志强, 江海区民政局: files 养老机构, rates them, draws the 双随机 inspections;
- 李建华, 礼乐街道民政办: runs the admission desk of the 礼乐颐养院 and files the town's centre;
- 陈小玲, 英南村: takes in 适老化改造 applications;
- 梁文杰, 郁南县: another county — sees none of 江海's facilities;
- elders of 英南村: 王秀兰 (78), 陈伯 (82), 黄婆 (90), and 陈小宝's father 陈大明 (40, too young for 适老化改造).
"""

import datetime as dt

import pytest
from django.utils import timezone

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance.tests.stories import world_fixture  # noqa: F401
from minzheng.carefacility import rules, services
from minzheng.carefacility.models import Kind, Ownership
from minzheng.core.idcard import make_id_number
from minzheng.registry.services import person_create

TODAY = timezone.localdate()
_seq = iter(range(300, 999))


def elder(w, name, age, *, village=None, sex="F"):
    village = village or w.yingnan
    birth = dt.date(TODAY.year - age, 3, 8)
    seq = next(_seq) * 2 + (1 if sex == "M" else 0)
    actor = w.huang if village.code.startswith("440704") else w.liang
    region = "440704" if village.code.startswith("440704") else "445322"
    return person_create(actor=actor, id_number=make_id_number(region, birth, seq % 1000), name=name,
                         hukou_area=village, residence_area=village, address=f"{village.name}{seq}号")


def all_items(level: str = "low", **overrides) -> dict:
    """A complete GB 38600 assessment at one level, item codes read from the ruleset data."""
    items = {code: level for code in rules.risk_ruleset(TODAY).items}
    items.update(overrides)
    return items


def home(w, *, capacity=2, beds=(("A01", True), ("A02", False)), name="礼乐颐养院", area=None, actor=None,
         kind=Kind.INSTITUTION, code_prefix=None):
    """A 民办养老机构 of 礼乐街道 filed by the county, with its beds registered."""
    actor = actor or w.huang
    facility = services.facility_register(actor=actor, name=name, kind=kind, ownership=Ownership.PRIVATE,
                                          area=area or w.lile, operator=f"{name}运营有限公司", capacity=capacity)
    prefix = code_prefix or f"GD-{facility.pk:04d}"
    made = [services.bed_add(actor=actor, facility=facility, number=n, registration_code=f"{prefix}-{n}",
                             nursing=nursing) for n, nursing in beds]
    return facility, made


def assess(w, facility, person, *, on=None, level="low"):
    return services.risk_assess(actor=w.li, facility=facility, person=person, items=all_items(level),
                                assessors="李建华、护理部张主任", assessed_on=on)


@pytest.fixture
def care(world):
    """The world plus 江海区's second inspector 林海燕 and the elders of 英南村."""
    w = world
    w.lin = user_create(actor=None, username="linhy", password="Minzheng#2026", display_name="林海燕",
                        role=Role.COUNTY, areas=[w.jianghai])
    w.wang_xl = elder(w, "王秀兰", 78)
    w.chen_bo = elder(w, "陈伯", 82, sex="M")
    w.huang_po = elder(w, "黄婆", 90)
    return w


def jianghai_facility_objects(w) -> dict:
    """One of each carefacility object in 江海区, for the every-endpoint scope test."""
    if "lin" not in w:
        w.lin = user_create(actor=None, username="linhy", password="Minzheng#2026", display_name="林海燕",
                            role=Role.COUNTY, areas=[w.jianghai])
    facility, (bed, _) = home(w, capacity=3, name="江海区scope颐养院", code_prefix="SCOPE")
    resident = elder(w, "谭伯", 80, sex="M")
    other = elder(w, "冯婆", 75)
    assess(w, facility, resident)
    assess(w, facility, other)
    services.admit(actor=w.li, facility=facility, person=resident, bed=bed)
    draw = services.inspection_draw(actor=w.huang, area=w.jianghai, sample_size=1, seed=7,
                                    drawn_on=TODAY - dt.timedelta(days=30))
    inspection = draw.inspections.get()
    pending = services.inspection_draw(actor=w.huang, area=w.jianghai, sample_size=1, seed=8,
                                       drawn_on=TODAY - dt.timedelta(days=30)).inspections.get()
    services.inspection_record(actor=w.huang, inspection=inspection, inspected_on=TODAY - dt.timedelta(days=20),
                               summary="消防通道堆放杂物",
                               findings=[{"description": "消防通道堆放杂物", "deadline": TODAY - dt.timedelta(days=5)}])
    retrofit = services.retrofit_apply(actor=w.chen, person=other, needs="卫生间加装扶手")
    return {"facility": facility.pk, "bed": bed.pk, "resident": resident.pk, "facility_elder": other.pk,
            "draw": draw.pk, "inspection": pending.pk, "finding": inspection.findings.get().pk, "retrofit": retrofit.pk,
            "facility_secrets": ["谭伯", "冯婆", resident.id_number, other.id_number]}
