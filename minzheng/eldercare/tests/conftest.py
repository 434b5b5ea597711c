"""The people of the 大养老 stories: the 大救助 world (real areas and standards of 江海区, staff at every level)
plus a second assessor in 礼乐街道 and a few elders of 英南村, 向东村 and 外海社区."""

import datetime as dt

import pytest
from django.utils import timezone

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance.tests.stories import _person, world_fixture  # noqa: F401  (fixture)
from minzheng.eldercare.ruleset import ruleset_on

TODAY = dt.date(2025, 6, 16)


def answers_for_total(total: int, on: dt.date = TODAY) -> dict[str, int]:
    """Item answers adding up to `total`, filling items in order up to their maximum."""
    left, out = total, {}
    for item in ruleset_on(on).items:
        out[item.code] = min(item.max, left)
        left -= out[item.code]
    return out


@pytest.fixture
def elder(world):
    w = world
    w.su = user_create(actor=None, username="suhm", password="Minzheng#2026", display_name="苏慧敏", role=Role.TOWN,
                       areas=[w.lile])
    # 张桂英, born 1940, lives alone in 英南村; 李伯, born 1955, in 向东村; 何婆婆, in her late seventies, in 外海社区;
    # 陈叔, turning 59 this year — not yet elderly (ages relative to the real today, which the API pages use)
    year = timezone.localdate().year
    w.zhang = _person(w.huang, "张桂英", dt.date(1940, 3, 2), "F", w.yingnan)
    w.libo = _person(w.huang, "李伯", dt.date(1955, 1, 10), "M", w.xiangdong)
    w.hepo = _person(w.huang, "何婆婆", dt.date(year - 78, 1, 8), "F", w.waihai_village)
    w.chenshu = _person(w.huang, "陈叔", dt.date(year - 59, 1, 1), "M", w.yingnan)
    return w
