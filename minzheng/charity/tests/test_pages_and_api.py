"""大慈善 over HTTP: 李建华 (礼乐街道) and 黄志强 (江海区) find 大慈善 in the menu and open the desk; 王秀英, a
resident, finds no such entry and is turned away. 郁南县's 梁文杰 has the same role as 黄志强 but sees none of
江海's rows."""

import re

import pytest
from django.test import Client

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create

pytestmark = pytest.mark.django_db

MENU_LINK = re.compile(r'<a href="/charity/"[^>]*>大慈善</a>')


@pytest.fixture
def resident(areas):
    return user_create(actor=None, username="wangxy", password="Minzheng#2026", display_name="王秀英",
                       role=Role.RESIDENT, areas=[])


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_town_and_county_staff_find_the_charity_desk_in_the_menu_and_a_resident_does_not(people, ch, resident):
    for who in (people["lile_officer"], people["jianghai_approver"]):
        c = _as(who)
        assert MENU_LINK.search(c.get("/").content.decode()), who.display_name
        desk = c.get("/charity/")
        assert desk.status_code == 200
        assert "江海区慈善会" in desk.content.decode()
        assert re.search(r'<a href="/charity/" aria-current="page">大慈善</a>', desk.content.decode())
    c = _as(resident)
    home = c.get("/")
    assert home.status_code == 200 and "王秀英" in home.content.decode()
    assert not MENU_LINK.search(home.content.decode())
    assert c.get("/charity/").status_code == 403
