"""Writes of 居家养老服务: one function per state change, each checking who may act, validating, writing and
auditing in one transaction. Order state machine:

    placed ─dispatch→ dispatched ─assign→ assigned ─start→ in_service ─complete→ completed
      └──────────────cancel (elder side; a late cancel pays the fee in order_rules.csv)──────→ cancelled
    assigned ─elder_no_show (provider side, after the appointment)→ elder_no_show (fee)
    dispatched/assigned ─provider_no_show (elder side, after the grace period)→ provider_no_show

Who acts: the elder side is a resident bound to the elder (ElderContact) or staff with homecare.order in the elder's
area; the provider side is an account of the order's provider; dispatch is a 镇街/县区 officer. Anything out of
the actor's reach looks absent (404), in reach without the right is refused (403).

The writes are split by workflow stage (partners, catalogue, ordering, serving, closing, feedback, contracts,
canteens); this package re-exports their public names, so callers keep writing `services.order_place(...)`.
"""

from ._base import contact_of, user_provider
from .canteens import canteen_create, meal_serve
from .catalogue import catalogue_for, catalogue_item_reprice
from .closing import order_cancel, order_elder_no_show, order_provider_no_show
from .contracts import contract_sign, orders_generate
from .feedback import complaint_file, complaint_resolve, order_rate
from .ordering import order_dispatch, order_place
from .partners import contact_bind, provider_add_member, provider_create, worker_add
from .serving import order_assign, order_complete, order_start

__all__ = [
    "canteen_create", "catalogue_for", "catalogue_item_reprice", "complaint_file", "complaint_resolve",
    "contact_bind", "contact_of", "contract_sign", "meal_serve", "order_assign", "order_cancel", "order_complete",
    "order_dispatch", "order_elder_no_show", "order_place", "order_provider_no_show", "order_rate", "order_start",
    "orders_generate", "provider_add_member", "provider_create", "user_provider", "worker_add",
]
