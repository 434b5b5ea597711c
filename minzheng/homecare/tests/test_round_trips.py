"""The round trips of one order, step by step, as the API makes them: each step is a fresh request (the actor read
anew, the order found through the actor's scope), then one service call. The budgets are today's counts (the five
steps cost 46 queries before issue 9), so a query that creeps back into a step fails here. Inside the test's own
transaction every service call also pays a SAVEPOINT and its RELEASE (2 statements a real request does not send).
The audit trail's lock and head are one statement on PostgreSQL, as the head alone is on SQLite."""

from minzheng.accounts.models import User
from minzheng.homecare import reference, selectors, services
from minzheng.homecare.models import OrderStatus
from minzheng.registry.models import Person

from .conftest import at

# place, dispatch, assign, start, complete, on SQLite and PostgreSQL alike
BUDGET = {"place": 9, "dispatch": 6, "assign": 6, "start": 7, "complete": 11}


def test_a_full_order_stays_within_its_round_trips_at_every_step(hc, django_assert_max_num_queries):
    def fresh(user):
        return User.objects.get(pk=user.pk)

    # 王小红 orders 居室清洁 for her mother from her phone.
    daughter, wang = fresh(hc["daughter"]), Person.objects.get(pk=hc["wang"].pk)
    with django_assert_max_num_queries(BUDGET["place"]):
        order = services.order_place(actor=daughter, person=wang, item_code="ZJ01", scheduled_at=at(2025, 3, 5, 10),
                                     now=at(2025, 3, 3, 9))
    # 李建华 of 礼乐街道 dispatches it to 江海颐康.
    lijh = fresh(hc["lijh"])
    order = selectors.order_get(lijh, order.pk)
    with django_assert_max_num_queries(BUDGET["dispatch"]):
        services.order_dispatch(actor=lijh, order=order, provider=hc["provider"], now=at(2025, 3, 3, 10))
    # 何丽 names 周志成.
    heli = fresh(hc["heli"])
    order = selectors.order_get(heli, order.pk)
    with django_assert_max_num_queries(BUDGET["assign"]):
        services.order_assign(actor=heli, order=order, worker=hc["zhou"], now=at(2025, 3, 4, 9))
    # 周志成 signs in at the door …
    zhou = fresh(hc["zhou_user"])
    order = selectors.order_get(zhou, order.pk)
    with django_assert_max_num_queries(BUDGET["start"]):
        services.order_start(actor=zhou, order=order, location="英南村南街8号门口", now=at(2025, 3, 5, 10))
    # … and signs out with the elder's code (the area codes the subsidy rules are looked up by, read cold).
    zhou = fresh(hc["zhou_user"])
    order = selectors.order_get(zhou, order.pk)
    reference._ancestor_codes.cache_clear()
    with django_assert_max_num_queries(BUDGET["complete"]):
        done = services.order_complete(actor=zhou, order=order, confirm_code=order.confirm_code,
                                       now=at(2025, 3, 5, 11, 30))
    assert (done.status, done.subsidy, done.self_pay) == (OrderStatus.COMPLETED, 60, 0)
