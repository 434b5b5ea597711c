"""Personas of 居家养老 in 江海区: 王秀英 (86, 低保, 英南村) and her daughter 王小红 who orders for her on the phone;
the provider 江海颐康居家养老服务中心 with its dispatcher 何丽 and worker 周志成; 李建华 of 礼乐街道 dispatches;
黄志强 of 江海区 runs the monthly settlement."""

import datetime as dt

import pytest
from django.utils import timezone

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.homecare import reference, services
from minzheng.registry import services as registry

TZ = timezone.get_default_timezone()


def at(y, m, d, hh=9, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def hc(areas, people, make_person):
    reference.catalogue_load()
    hzq = people["jianghai_approver"]
    wang = make_person("王秀英", sex="F", birth=dt.date(1939, 4, 2), address="英南村南街8号")
    registry.category_add(actor=hzq, person=wang, category="dibao", valid_from=dt.date(2020, 1, 1))
    daughter = user_create(actor=None, username="wangxh", password="Minzheng#2026", display_name="王小红",
                           role=Role.RESIDENT, areas=[])
    services.contact_bind(actor=people["lile_officer"], user=daughter, person=wang, relation="child")
    provider = services.provider_create(actor=hzq, name="江海颐康居家养老服务中心", area=areas["jianghai"],
                                        credit_code="52440704MJL123456X", phone="0750-3812345")
    services.provider_add_member(actor=hzq, provider=provider, user=people["provider"])
    zhou_user = user_create(actor=None, username="zhouzc", password="Minzheng#2026", display_name="周志成",
                            role=Role.PROVIDER, areas=[areas["jianghai"]])
    zhou = services.worker_add(actor=people["provider"], provider=provider, name="周志成", phone="13700001111",
                               certificate="YL2023-0456", user=zhou_user)
    return {"wang": wang, "daughter": daughter, "provider": provider, "zhou": zhou, "zhou_user": zhou_user,
            "heli": people["provider"], "lijh": people["lile_officer"], "hzq": hzq}
