"""英南村's worker 陈小玲 raises a 微心愿 for 黄婆婆 (a wheelchair); the public page shows the wish but never her; the
enterprise 江门新华电器 from the 爱心资源库 claims it, a second claim is refused, the wish is fulfilled with evidence
and closed. On PostgreSQL two claims at the same moment: exactly one wins."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client

from minzheng.charity import selectors, services
from minzheng.charity.models import Wish
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def granny(areas, make_person):
    return make_person("黄婆婆", area=areas["yingnan"], birth=dt.date(1940, 5, 6), sex="F", address="英南村北巷3号")


def test_a_village_wish_is_claimed_fulfilled_and_closed_and_the_public_never_sees_who(areas, people, granny):
    worker = people["village_worker"]
    wish = services.wish_raise(actor=worker, kind="wish", title="一台轮椅", need="行动不便，需要轮椅外出就医",
                               budget="800", area=areas["yingnan"], person=granny)
    firm = services.resource_register(actor=people["lile_officer"], area=areas["lile"], name="江门新华电器有限公司",
                                      offers="家电、助老器具", credit_code="91440704MA4UXXXX1K")
    page = Client().get("/charity/wishes/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "一台轮椅" in body and "英南村" in body
    for secret in ("黄婆婆", granny.id_number, "英南村北巷3号", granny.masked_id):
        assert secret not in body
    import json

    api = json.dumps(Client().get("/api/charity/public/wishes").json(), ensure_ascii=False)
    assert "一台轮椅" in api and "黄婆婆" not in api and granny.id_number not in api and "北巷" not in api

    services.wish_claim(actor=None, wish=wish, claimant=firm.name, resource=firm)
    with pytest.raises(Conflict, match="该心愿已被其他爱心人士认领") as e:
        services.wish_claim(actor=None, wish=wish, claimant="陈美华")
    assert e.value.field == "心愿"
    assert "一台轮椅" not in Client().get("/charity/wishes/").content.decode()
    with pytest.raises(DomainError, match="请填写实现情况及凭证"):
        services.wish_fulfil(actor=worker, wish=wish, evidence=" ", on=local_date())
    services.wish_fulfil(actor=worker, wish=wish, evidence="轮椅已送达，签收单及照片存档", on=local_date())
    wish = services.wish_close(actor=worker, wish=wish)
    assert wish.status == "closed" and wish.claimant == "江门新华电器有限公司" and wish.resource == firm


def test_a_wish_must_not_name_its_person_and_another_town_cannot_raise_one(areas, people, granny):
    worker = people["village_worker"]
    audits = AuditEntry.objects.count()
    for title, need, field, what in (("黄婆婆的轮椅", "轮椅", "心愿", "姓名"),
                                     ("一台轮椅", f"身份证{granny.id_number}", "需求说明", "身份证号"),
                                     ("一台轮椅", "送到英南村北巷3号", "需求说明", "住址"),
                                     ("北巷3号的轮椅", "行动不便", "心愿", "住址")):
        with pytest.raises(DomainError, match=f"^{field}将在公开页面展示，不能含有心愿人的{what}$") as e:
            services.wish_raise(actor=worker, kind="wish", title=title, need=need, budget="800",
                                area=areas["yingnan"], person=granny)
        assert e.value.field == field
    assert not Wish.objects.exists() and AuditEntry.objects.count() == audits
    # 外海街道's 赵玉兰 cannot raise a wish for 英南村 (礼乐街道) at all: to her it does not exist.
    with pytest.raises(NotFound):
        services.wish_raise(actor=people["waihai_officer"], kind="project", title="英南村修路", need="路面破损",
                            budget="5000", area=areas["yingnan"])
    with pytest.raises(DomainError, match="微心愿须登记心愿人"):
        services.wish_raise(actor=people["village_worker"], kind="wish", title="轮椅", need="轮椅", budget="800",
                            area=areas["yingnan"])
    small = services.wish_raise(actor=people["lile_officer"], kind="project", title="英南村文化室换灯",
                                need="文化室照明老化", budget="3000", area=areas["yingnan"])
    assert small.person is None and selectors.public_wishes("project")[0]["title"] == "英南村文化室换灯"
    assert not Wish.objects.filter(title__contains="黄婆婆").exists()


@pytest.mark.django_db(transaction=True)
def test_two_claims_at_the_same_moment_exactly_one_wins(areas, people, granny):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: two claims cannot race there; this runs on PostgreSQL")
    wish = services.wish_raise(actor=people["village_worker"], kind="wish", title="一台轮椅", need="轮椅",
                               budget="800", area=areas["yingnan"], person=granny)
    start = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def claim(name):
        try:
            start.wait()
            services.wish_claim(actor=None, wish=Wish.objects.get(pk=wish.pk), claimant=name)
            outcome[name] = "won"
        except Conflict:
            outcome[name] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(n,)) for n in ("江门新华电器有限公司", "陈美华")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcome.values()) == ["refused", "won"]
    wish.refresh_from_db()
    assert wish.status == "claimed" and outcome[wish.claimant] == "won"
