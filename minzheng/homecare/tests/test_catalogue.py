"""江海区 raises the price of 居室清洁 from 60 to 68 元 on a new price notice: 黄志强 records it through the service,
which keeps the old price for orders already placed and leaves an audit entry; the back-office /admin/ shows the
catalogue but cannot change it, even for a superuser."""

import datetime as dt
from decimal import Decimal as D

import pytest

from minzheng.accounts.models import User
from minzheng.core.audit import verify_chain
from minzheng.core.errors import DomainError, Forbidden, NotFound
from minzheng.core.models import AuditEntry
from minzheng.homecare import services
from minzheng.homecare.models import ServiceItem

from .conftest import at

NOTICE = "江海区民政局关于调整居家养老上门服务价格的通知（江海民〔2025〕12号）"


def _cleaning(areas):
    return ServiceItem.objects.get(area=areas["jianghai"], code="ZJ01", valid_to__isnull=True)


def test_a_price_change_is_a_new_dated_version_with_its_basis_and_an_audit_entry(hc, areas):
    old = _cleaning(areas)
    placed_before = services.order_place(actor=hc["daughter"], person=hc["wang"], item_code="ZJ01",
                                         scheduled_at=at(2025, 3, 20), now=at(2025, 3, 10))

    new = services.catalogue_item_reprice(actor=hc["hzq"], item=old, price="68.00", valid_from=dt.date(2025, 4, 1),
                                          basis=NOTICE)

    old.refresh_from_db()
    assert (old.price, old.valid_to) == (D("60.00"), dt.date(2025, 4, 1))
    assert (new.price, new.valid_from, new.valid_to, new.basis) == (D("68.00"), dt.date(2025, 4, 1), None, NOTICE)
    entry = AuditEntry.objects.get(action="homecare.catalogue.reprice")
    assert entry.actor == hc["hzq"] and entry.area_code == "440704"
    assert entry.before["price"] == "60.00" and entry.after["price"] == "68.00"
    assert entry.after["valid_from"] == "2025-04-01" and entry.after["basis"] == NOTICE
    assert verify_chain()[1] is None

    march = services.catalogue_for(areas["yingnan"], dt.date(2025, 3, 31))[1]
    april = services.catalogue_for(areas["yingnan"], dt.date(2025, 4, 1))[1]
    assert next(i.price for i in march if i.code == "ZJ01") == D("60.00")
    assert next(i.price for i in april if i.code == "ZJ01") == D("68.00")
    placed_after = services.order_place(actor=hc["daughter"], person=hc["wang"], item_code="ZJ01",
                                        scheduled_at=at(2025, 4, 20), now=at(2025, 4, 10))
    placed_before.refresh_from_db()
    assert (placed_before.unit_price, placed_after.unit_price) == (D("60.00"), D("68.00"))


@pytest.mark.parametrize("price, valid_from, basis, field", [
    ("-5", dt.date(2025, 4, 1), NOTICE, "单价"),
    ("1e20", dt.date(2025, 4, 1), NOTICE, "单价"),
    ("68.005", dt.date(2025, 4, 1), NOTICE, "单价"),
    ("六十八", dt.date(2025, 4, 1), NOTICE, "单价"),
    ("68", dt.date(2025, 4, 1), "  ", "调价依据"),
    ("68", dt.date(2023, 12, 31), NOTICE, "生效日期"),
])
def test_a_bad_price_change_is_refused_by_name_and_writes_nothing(hc, areas, price, valid_from, basis, field):
    old = _cleaning(areas)
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError) as err:
        services.catalogue_item_reprice(actor=hc["hzq"], item=old, price=price, valid_from=valid_from, basis=basis)
    assert err.value.field == field
    assert ServiceItem.objects.filter(area=areas["jianghai"], code="ZJ01").count() == 1
    assert _cleaning(areas).price == D("60.00") and AuditEntry.objects.count() == entries


def test_only_the_county_that_owns_the_catalogue_may_change_it(hc, areas, people):
    old = _cleaning(areas)
    with pytest.raises(NotFound):
        services.catalogue_item_reprice(actor=people["yunan_approver"], item=old, price="68",
                                        valid_from=dt.date(2025, 4, 1), basis=NOTICE)
    with pytest.raises(NotFound):  # 礼乐街道's officer orders from the county's menu but does not own it
        services.catalogue_item_reprice(actor=hc["lijh"], item=old, price="68", valid_from=dt.date(2025, 4, 1),
                                        basis=NOTICE)
    with pytest.raises(Forbidden):  # 江海区's auditor sees the county's catalogue, with no right to set prices
        services.catalogue_item_reprice(actor=people["auditor"], item=old, price="68",
                                        valid_from=dt.date(2025, 4, 1), basis=NOTICE)
    assert _cleaning(areas).price == D("60.00")


def test_the_admin_site_shows_the_catalogue_but_cannot_change_it(hc, areas, client):
    root = User.objects.create_superuser(username="root", password="Minzheng#2026-root")
    client.force_login(root)
    item = _cleaning(areas)

    assert client.get("/admin/homecare/serviceitem/").status_code == 200
    change_url = f"/admin/homecare/serviceitem/{item.pk}/change/"
    response = client.post(change_url, {"area": item.area_id, "code": "ZJ01", "name": "居室清洁", "category": "助洁",
                                        "unit": "次", "price": "1.00", "duration_minutes": 120,
                                        "valid_from": "2024-01-01", "basis": "", "source": ""})
    assert response.status_code == 403
    assert client.post(f"/admin/homecare/serviceitem/{item.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/homecare/serviceitem/add/").status_code == 403
    for model in ("provider", "worker", "canteen"):
        assert client.get(f"/admin/homecare/{model}/add/").status_code == 403
    assert _cleaning(areas).price == D("60.00")
