"""The cast of the 核对 stories: real reference areas and policy data (江海区 低保 900 元/人·月), a demo village
英南村 under 礼乐街道, and 都城社区 in 郁南县 for the other-area checks."""

import csv
import datetime as dt

import pytest

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.areas.models import Area, CodeSource, Level
from minzheng.areas.services import area_create, load_reference_areas
from minzheng.core.idcard import make_id_number
from minzheng.policy.services import load_policy_data
from minzheng.registry.services import household_add_member, household_create, person_create

ON = dt.date(2024, 6, 1)        # the 核对 date of the stories
AS_OF = dt.date(2024, 5, 31)    # the departments' data are as of the end of May


class World(dict):
    __getattr__ = dict.__getitem__


def _area(code):
    return Area.objects.current().get(code=code)


@pytest.fixture
def w(db):
    load_reference_areas()
    load_policy_data()
    d = dt.date(2020, 1, 1)
    lile, ducheng = _area("440704005"), _area("445322100")
    yingnan = area_create(actor=None, code="440704005001", name="英南村", level=Level.VILLAGE, parent=lile,
                          code_source=CodeSource.GENERATED, valid_from=d, audited=False)
    ducheng_v = area_create(actor=None, code="445322100001", name="都城社区", level=Level.VILLAGE, parent=ducheng,
                            code_source=CodeSource.GENERATED, valid_from=d, audited=False)

    def user(username, name, role, area):
        return user_create(actor=None, username=username, password="Minzheng#2026", display_name=name, role=role,
                           areas=[area])

    world = World(
        yingnan=yingnan, ducheng_village=ducheng_v, jianghai=_area("440704"), yunan=_area("445322"),
        chen=user("chenxl", "陈小玲", Role.VILLAGE, yingnan),
        li=user("lijh", "李建华", Role.TOWN, lile),
        huang=user("huangzq", "黄志强", Role.COUNTY, _area("440704")),
        liang=user("liangwj", "梁文杰", Role.COUNTY, _area("445322")),
        wu=user("wumin", "吴敏", Role.AUDITOR, _area("440704")),
        he=user("heli", "何丽", Role.PROVIDER, _area("440704")),
    )
    seq = iter(range(1, 400))

    def person(name, *, birth=dt.date(1950, 3, 8), sex="M", village=None):
        village = village or yingnan
        region = "445322" if village.code.startswith("445322") else "440704"
        actor = world.liang if region == "445322" else world.huang
        n = next(seq) * 2 + (1 if sex == "M" else 0)
        return person_create(actor=actor, id_number=make_id_number(region, birth, n % 1000), name=name,
                             hukou_area=village, residence_area=village)

    def family(head, *others, village=None):
        """A household registered by the county approver on 2020-01-01; others are (person, relation)."""
        village = village or head.residence_area
        actor = world.liang if village.code.startswith("445322") else world.huang
        h = household_create(actor=actor, area=village, head=head, start_date=d)
        for p, relation in others:
            household_add_member(actor=actor, household=h, person=p, relation=relation, start_date=d)
        return h

    world["person"], world["family"] = person, family
    # 陈伯 and 林婶, an elderly couple in 英南村; 何叔 lives alone in 郁南县都城社区.
    world["chenbo"] = person("陈伯")
    world["linshen"] = person("林婶", sex="F", birth=dt.date(1952, 7, 1))
    world["couple"] = family(world.chenbo, (world.linshen, "spouse"))
    world["heshu"] = person("何叔", village=ducheng_v)
    world["yunan_home"] = family(world.heshu)
    return world


def write_csv(path, header, rows, *, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)
    return path
