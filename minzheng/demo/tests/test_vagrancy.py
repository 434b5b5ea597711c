"""The 流浪救助 demo seeds each station once: 江海区救助管理站 gets an unknown woman under a 寻亲公告 and two 礼乐街道
residents sent home, one already confirmed by 李建华's account."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.areas.models import Area
from minzheng.areas.services import load_reference_areas
from minzheng.core.idcard import make_id_number
from minzheng.demo.vagrancy import seed_vagrancy_demo
from minzheng.registry.services import person_create
from minzheng.vagrancy.models import Transfer

pytestmark = pytest.mark.django_db


def test_the_demo_stations_are_seeded_once():
    load_reference_areas()
    county = user_create(actor=None, username="jh_county", password="Minzheng#2026", display_name="黄志强",
                         role=Role.COUNTY, areas=[Area.objects.get(code="440704")])
    lile = Area.objects.get(code="440704005")
    user_create(actor=None, username="jh_lile", password="Minzheng#2026", display_name="李建华", role=Role.TOWN,
                areas=[lile])
    for seq, name in ((301, "欧阳明"), (303, "谭伟")):
        person_create(actor=county, id_number=make_id_number("440704", dt.date(1970, 1, 1), seq), name=name,
                      hukou_area=lile, residence_area=lile)
    assert seed_vagrancy_demo() == {"stays": 3, "returns": 1}
    assert sorted(Transfer.objects.values_list("status", flat=True)) == ["confirmed", "pending"]
    assert "短发花白" in Client().get("/xunqin/").content.decode()
    assert seed_vagrancy_demo() == {"stays": 0, "returns": 0}
