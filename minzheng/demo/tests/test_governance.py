"""The 大社会治理 demo seeds through the real services, on 礼乐街道's first demo village, and runs once."""

import pytest
from django.test import Client

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance.tests.stories import world_fixture  # noqa: F401
from minzheng.demo.governance import seed_governance_demo
from minzheng.registry import services as registry
from minzheng.socialorgs.models import CreditListing, SocialOrg

pytestmark = pytest.mark.django_db


def test_the_governance_demo_seeds_once(world):
    w = world
    for username, name, role, area in [("jh_county", "黄志强", Role.COUNTY, w.jianghai),
                                       ("jh_checker", "麦嘉怡", Role.COUNTY, w.jianghai),
                                       ("jh_lile", "李建华", Role.TOWN, w.lile),
                                       ("jh_village", "陈小玲", Role.VILLAGE, w.yingnan),
                                       ("jh_socialworker", "苏晓晴", Role.TOWN, w.lile)]:
        user_create(actor=None, username=username, password="Minzheng#2026", display_name=name, role=role,
                    areas=[area])
    registry.category_add(actor=w.huang, person=w.dad, category="dibao", valid_from=w.dad.birth_date)
    assert seed_governance_demo().startswith("新增社会组织2家")
    assert seed_governance_demo() == "演示社会组织已存在，跳过"
    assert SocialOrg.objects.count() == 2 and CreditListing.objects.count() == 1
    assert "英南村长者互助协会" in Client().get("/socialorgs/credit/").content.decode()
