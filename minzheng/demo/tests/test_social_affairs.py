"""The 社会事务 demo seeds each jurisdiction's registry office, funeral facilities, town names and 社区康园中心 once,
and gives the funeral desk and the centre facts drawn from the demo population."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.areas.models import Area
from minzheng.areas.services import load_reference_areas
from minzheng.assistance import services as assistance
from minzheng.assistance.models import Case
from minzheng.assistance.tests.stories import dibao_facts, submit_dibao, walk_to, world_fixture  # noqa: F401
from minzheng.core.idcard import make_id_number
from minzheng.core.periods import local_date, month_start
from minzheng.demo.social_affairs import SITES, seed_social_affairs_demo
from minzheng.funeral.models import DeathRecord, PlotSale
from minzheng.marriage.models import Office
from minzheng.placenames.models import PlaceName
from minzheng.registry.models import Person
from minzheng.registry.services import person_create
from minzheng.rehab.models import Centre

pytestmark = pytest.mark.django_db


def test_the_demo_is_seeded_once_with_place_name_readings():
    load_reference_areas()
    for code, (username, *_) in SITES.items():  # the county-level demo accounts setup_demo makes
        user_create(actor=None, username=username, password="Minzheng#2026", display_name=username,
                    role=Role.COUNTY, areas=[Area.objects.current().get(code=code)])
    first = seed_social_affairs_demo()
    assert first["offices"] == 5 and first["facilities"] == 15 and first["names"] > 20
    assert first["centres"] == 5 and first["deaths"] == 0  # no population here: a centre with nobody to serve
    assert Office.objects.get(code="441881").open_on_days_off
    assert PlaceName.objects.get(name="长安镇").pinyin == "Cháng'ān Zhèn"
    assert seed_social_affairs_demo() == {"offices": 0, "facilities": 0, "names": 0, "centres": 0, "enrolled": 0,
                                          "deaths": 0}


@pytest.mark.clock
def test_the_funeral_desk_and_the_kangyuan_centre_show_the_demo_population(world):
    """In 江海区 the registry holds four deaths and three residents of 礼乐街道 with a 精神/智力 disability.
    陈大明 died three days ago while his 低保 is still paid — a 死亡仍发放 finding the fund-supervision demo plants —
    so the seed leaves him alone; 何伯 and 梁婆 (the next most recent) get their death record, a cremation two days
    after the death and a 草坪葬位 in 江海区公益性公墓; 冯伯, dead over a year, does not. 苏明 and 罗芳 are served by
    the new 礼乐街道社区康园中心 (where 苏明, the first by 身份证号, lives); 谭强 stays on its outreach list."""
    w = world
    today = local_date()
    jh = user_create(actor=None, username="jh_county", password="Minzheng#2026", display_name="黄志强",
                     role=Role.COUNTY, areas=[w.jianghai])
    app = walk_to(w, submit_dibao(w), "approving")
    case = assistance.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app),
                                          today=today - dt.timedelta(days=100))

    def resident(seq, name, *, died_days_ago=None, **kw):
        p = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1950, 1, 1), seq), name=name,
                          hukou_area=w.yingnan, residence_area=w.yingnan, birth_date=dt.date(1950, 1, 1), **kw)
        if died_days_ago is not None:  # as the demo population writes a death: straight into the registry
            Person.objects.filter(pk=p.pk).update(death_date=today - dt.timedelta(days=died_days_ago))
        return p

    Person.objects.filter(pk=w.dad.pk).update(death_date=today - dt.timedelta(days=3))
    he, liang = resident(11, "何伯", died_days_ago=10), resident(12, "梁婆", died_days_ago=40, sex="F")
    resident(13, "冯伯", died_days_ago=400)
    su = resident(21, "苏明", disability_category="mental", disability_grade=2)
    luo = resident(22, "罗芳", sex="F", disability_category="intellectual", disability_grade=3)
    resident(23, "谭强", disability_category="mental", disability_grade=1)

    seeded = seed_social_affairs_demo()
    assert (seeded["centres"], seeded["enrolled"], seeded["deaths"]) == (1, 2, 2)

    assert set(DeathRecord.objects.values_list("person__name", flat=True)) == {"何伯", "梁婆"}
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE and not DeathRecord.objects.filter(person=w.dad).exists()
    for person in (he, liang):
        person.refresh_from_db()
        record = DeathRecord.objects.get(person=person)
        assert record.death_date == person.death_date and record.source == DeathRecord.Source.REGISTRY
        assert record.cremation.cremated_on == person.death_date + dt.timedelta(days=2)
        assert record.cremation.facility.name == "江海区殡仪馆"
    sales = PlotSale.objects.filter(status=PlotSale.Status.SOLD).order_by("plot__number")
    assert [(s.plot.facility.name, s.plot.number, s.holder_name) for s in sales] == [
        ("江海区公益性公墓", "C-001", "何伯家属"), ("江海区公益性公墓", "C-002", "梁婆家属")]

    centre = Centre.objects.get(name="礼乐街道社区康园中心")
    assert centre.kind == Centre.Kind.KANGYUAN and centre.area == w.lile  # where 苏明 lives
    assert {e.person for e in centre.enrolments.all()} == {su, luo}
    assert all(e.records.get().served_on == month_start(today) for e in centre.enrolments.all())

    desk = Client()
    desk.force_login(jh)
    assert "何伯" in desk.get("/funeral/").content.decode()
    rehab_page = desk.get("/rehab/").content.decode()
    assert "礼乐街道社区康园中心" in rehab_page and "谭强" in rehab_page

    again = seed_social_affairs_demo()
    assert (again["facilities"], again["centres"], again["enrolled"], again["deaths"]) == (0, 0, 0, 0)
