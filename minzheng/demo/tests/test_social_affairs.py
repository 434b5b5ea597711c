"""The 社会事务 demo seeds each jurisdiction's registry office, funeral facilities and town names once."""

import pytest

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.areas.models import Area
from minzheng.areas.services import load_reference_areas
from minzheng.demo.social_affairs import SITES, seed_social_affairs_demo
from minzheng.marriage.models import Office
from minzheng.placenames.models import PlaceName

pytestmark = pytest.mark.django_db


def test_the_demo_is_seeded_once_with_place_name_readings():
    load_reference_areas()
    for code, (username, *_) in SITES.items():  # the county-level demo accounts setup_demo makes
        user_create(actor=None, username=username, password="Minzheng#2026", display_name=username,
                    role=Role.COUNTY, areas=[Area.objects.current().get(code=code)])
    first = seed_social_affairs_demo()
    assert first["offices"] == 5 and first["facilities"] == 10 and first["names"] > 20
    assert Office.objects.get(code="441881").open_on_days_off
    assert PlaceName.objects.get(name="长安镇").pinyin == "Cháng'ān Zhèn"
    assert seed_social_affairs_demo() == {"offices": 0, "facilities": 0, "names": 0}
