"""家庭养老床位 contracts and the month's generated orders (contracts and subsidised entitlements)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.periods import next_month_start
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person, PersonCategory

from .. import reference
from ..models import (
    Order,
    PackageContract,
    Provider,
)
from ._base import (
    _local_date,
    _now,
)
from .catalogue import catalogue_for
from .ordering import _create_order, _dispatch, _elder_checks, _provider_serves


def contract_sign(*, actor, person: Person, provider: Provider, start_month: dt.date, address: str = "",
                  package_code: str = "JC01") -> PackageContract:
    """家庭养老床位签约: the county contracts a provider to serve the package in the elder's home."""
    area = person.residence_area
    ensure_can(actor, area, Cap.HOMECARE_MANAGE)
    if not isinstance(start_month, dt.date) or start_month.day != 1:
        raise DomainError("起始月份应为某月1日", field="起始月份")
    _elder_checks(person, start_month)
    _, items = catalogue_for(area, start_month)
    package = next((i for i in items if i.code == package_code and i.is_package), None)
    if package is None:
        raise DomainError(f"{area.name}所在辖区的服务目录中没有家庭养老床位服务包", code="service_not_offered",
                          field="服务包")
    _provider_serves(provider, area)
    address = (address or person.address or "").strip()
    if not address:
        raise DomainError("请填写床位地址", code="required", field="床位地址")
    if PackageContract.objects.filter(person=person, package__code=package.code, end_month__isnull=True).exists():
        raise Conflict(f"{person.name}已签约{package.name}", field="老人")
    with transaction.atomic():
        c = PackageContract.objects.create(person=person, package=package, provider=provider, area=area,
                                           address=address, start_month=start_month, created_by=actor)
        audit.record(actor=actor, action="homecare.contract.sign", object_type="homecare.contract", object_id=c.pk,
                     object_repr=f"{person.name}{package.name}", area_code=area.code,
                     after={"person": person.masked_id, "provider": provider.name, "start_month": start_month})
    return c


def orders_generate(*, actor, jurisdiction: Area, month: dt.date, now: dt.datetime | None = None) -> dict:
    """Generate the month's orders for 家庭养老床位 contracts (dispatched to the contracted provider) and for
    subsidised elders' entitlements (entitlements.csv, left for dispatch). Idempotent: each order has a source key,
    so a rerun adds only what is missing."""
    ensure_can(actor, jurisdiction, Cap.HOMECARE_MANAGE)
    if not isinstance(month, dt.date) or month.day != 1:
        raise DomainError("月份应为某月1日", field="月份")
    now = _now(now)
    end = next_month_start(month)
    made = {"package": 0, "entitlement": 0}
    _, items = catalogue_for(jurisdiction, month)
    by_code = {i.code: i for i in items}

    def when(i: int, n: int) -> dt.datetime:
        # Spread n visits over the month at 09:00 local time.
        day = month + dt.timedelta(days=min(27, (i * 28) // max(n, 1)))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))

    with transaction.atomic():
        contracts = (PackageContract.objects.filter(area__path__startswith=jurisdiction.path, start_month__lt=end)
                     .exclude(end_month__lte=month).select_related("person", "package", "provider", "area"))
        for c in contracts:
            for content in c.package.contents.select_related("item"):
                for i in range(content.per_month):
                    key = f"bed:{c.pk}:{month:%Y%m}:{content.item.code}:{i}"
                    if Order.objects.filter(source_key=key).exists():
                        continue
                    o = _create_order(person=c.person, area=c.area, jurisdiction=jurisdiction, item=content.item,
                                      qty=Decimal("1"), address=c.address, scheduled_at=when(i, content.per_month),
                                      note=f"{c.package.name}签约服务", channel=Order.Channel.PACKAGE, actor=actor,
                                      day=_local_date(now), contract=c, source_key=key)
                    _dispatch(actor, o, c.provider, now)
                    made["package"] += 1
        for ent in reference.entitlements(jurisdiction, month):
            item = by_code.get(ent["item_code"])
            group = reference.groups().get(ent["group"])
            if item is None or group is None or not group.category:
                continue
            cutoff = dt.date(month.year - reference.elderly_age(), month.month, 1)
            pids = (PersonCategory.objects.filter(category=group.category, valid_from__lt=end)
                    .exclude(valid_to__lt=month).values("person_id"))
            elders = Person.objects.filter(pk__in=pids, residence_area__path__startswith=jurisdiction.path,
                                           birth_date__lt=cutoff, death_date__isnull=True).select_related(
                "residence_area")
            n = int(ent["per_month"])
            for p in elders:
                for i in range(n):
                    key = f"ent:{p.pk}:{month:%Y%m}:{item.code}:{i}"
                    if Order.objects.filter(source_key=key).exists() or not (p.address or "").strip():
                        continue
                    _create_order(person=p, area=p.residence_area, jurisdiction=jurisdiction, item=item,
                                  qty=Decimal("1"), address=p.address, scheduled_at=when(i, n),
                                  note=f"{group.label}政府购买服务", channel=Order.Channel.GENERATED, actor=actor,
                                  day=_local_date(now), source_key=key)
                    made["entitlement"] += 1
        audit.record(actor=actor, action="homecare.orders.generate", object_type="homecare.jurisdiction",
                     object_id=jurisdiction.code, object_repr=jurisdiction.name, area_code=jurisdiction.code,
                     after={"month": month, **made})
    return made
