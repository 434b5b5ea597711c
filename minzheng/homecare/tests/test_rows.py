"""The order's hot reads and writes go through core.rows (hand-written SQL, prepared on PostgreSQL) instead of
compiled querysets. They must give exactly what the ORM gives: the same instances with the same relations and
typed values, the same rows in reach for every persona, and the same refusals of values a column cannot hold."""

import datetime as dt

import pytest
from django.db import transaction

from minzheng.core import rows
from minzheng.core.errors import DomainError, NotFound
from minzheng.homecare import selectors, services
from minzheng.homecare.models import ORDER_RELATED, Order, ServiceRecord

from .conftest import at


def _order(hc, *, dispatched=True):
    order = services.order_place(actor=hc["daughter"], person=hc["wang"], item_code="ZJ01",
                                 scheduled_at=at(2025, 3, 5, 10), now=at(2025, 3, 3, 9), note="请带上拖把")
    if dispatched:
        services.order_dispatch(actor=hc["lijh"], order=order, provider=hc["provider"], now=at(2025, 3, 3, 10))
    return order


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_an_order_read_by_hand_written_sql_equals_the_orms_read_with_its_relations(hc):
    order = _order(hc)
    orm = Order.objects.select_related(*ORDER_RELATED).get(pk=order.pk)
    fast = rows.one(Order, "t.id = %s", [order.pk], related=ORDER_RELATED)
    assert fast is not None
    assert _fields(fast) == _fields(orm)  # Decimals, aware datetimes, dates: typed as the ORM types them
    for name in ORDER_RELATED:
        if getattr(orm, name) is None:
            assert getattr(fast, name) is None, name  # an empty relation is None, not a blank row
        else:
            assert _fields(getattr(fast, name)) == _fields(getattr(orm, name)), name
    assert fast.worker is None and fast.worker_id is None and fast.provider.name == "江海颐康居家养老服务中心"
    assert fast._state.adding is False and fast.get_status_display() == "已派单"


def test_a_written_row_is_checked_like_a_save_and_nothing_is_written_on_refusal(hc):
    order = _order(hc, dispatched=False)
    order.note = "长" * 201
    with pytest.raises(DomainError, match="备注最多200个字"):
        rows.update(order, ["note"])
    assert Order.objects.get(pk=order.pk).note == "请带上拖把"
    order.note = "改为下午上门"
    rows.update(order, ["note"])
    assert Order.objects.get(pk=order.pk).note == "改为下午上门"


def test_an_inserted_row_gets_its_id_and_its_automatic_fields(hc):
    order = _order(hc)
    record = rows.insert(ServiceRecord(order=order, provider=hc["provider"], worker=hc["zhou"], person=hc["wang"],
                                       item_name="居室清洁", address="英南村南街8号", started_at=at(2025, 3, 5, 10),
                                       recorded_by=hc["zhou_user"]))
    assert record.pk and not record._state.adding
    assert _fields(ServiceRecord.objects.get(pk=record.pk)) == _fields(record)


def test_every_persona_reaches_exactly_the_orders_the_list_shows_them(hc, people, make_person, areas):
    """order_get's SQL form of the reach rule against orders_for's queryset form, persona by persona."""
    mine = _order(hc)
    waihai_elder = make_person("陈阿婆", area=areas["waihai_village"], birth=dt.date(1940, 1, 1),
                               address="外海社区1号")
    other = services.order_place(actor=people["waihai_officer"], person=waihai_elder, item_code="ZJ01",
                                 scheduled_at=at(2025, 3, 5, 10), now=at(2025, 3, 3, 9))
    personas = [hc["daughter"], hc["lijh"], people["waihai_officer"], hc["heli"], hc["zhou_user"], hc["hzq"],
                people["village_worker"], people["yunan_approver"], people["auditor"]]
    for user in personas:
        listed = set(selectors.orders_for(user).values_list("pk", flat=True))
        reached = set()
        for pk in (mine.pk, other.pk):
            try:
                reached.add(selectors.order_get(user, pk).pk)
            except NotFound:
                pass
        assert reached == listed & {mine.pk, other.pk}, user.username
    # The daughter reaches her mother's order only; the provider only what was dispatched to it.
    assert selectors.order_get(hc["daughter"], mine.pk).person_id == hc["wang"].pk
    with pytest.raises(NotFound):
        selectors.order_get(hc["heli"], other.pk)


@pytest.mark.parametrize("pk", [2**63, -(2**63) - 1, 10**40])
def test_an_id_beyond_the_key_columns_range_looks_absent_as_the_orm_answers_it(hc, pk):
    """Found by the API fuzzer: the hand-written read passed such an id to the database, which failed (a 500)."""
    assert not Order.objects.filter(pk=pk).exists()
    with pytest.raises(NotFound):
        selectors.order_get(hc["lijh"], pk)


def test_the_lock_read_keeps_the_relations_it_was_given_and_reads_a_changed_one_anew(hc, people,
                                                                                       django_assert_num_queries):
    """何丽 opens the order; meanwhile the order is given to 江海颐康's other worker. Her step locks the order row
    alone: the elder and the provider are the rows she read, the worker is the new one, read when asked for."""
    from minzheng.homecare.services._base import _locked

    order = selectors.order_get(hc["heli"], _order(hc).pk)
    services.order_assign(actor=hc["heli"], order=order, worker=hc["zhou"], now=at(2025, 3, 4, 9))
    seen = selectors.order_get(hc["heli"], order.pk)
    li = services.worker_add(actor=people["provider"], provider=hc["provider"], name="李秀梅", phone="13700002222",
                             certificate="YL2023-0789")
    Order.objects.filter(pk=order.pk).update(worker=li)
    with transaction.atomic():
        with django_assert_num_queries(1):
            locked = _locked(seen)
            assert locked.person is seen.person and locked.provider is seen.provider
        with django_assert_num_queries(1):
            assert locked.worker.name == "李秀梅"
