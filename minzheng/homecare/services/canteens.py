"""长者饭堂: canteens and the meals they serve with the subsidy tier of the day."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person

from .. import reference
from ..models import (
    Canteen,
    Meal,
    Provider,
)
from ._base import user_provider
from .ordering import _provider_serves


def canteen_create(*, actor, name: str, area: Area, provider: Provider) -> Canteen:
    ensure_can(actor, area, Cap.HOMECARE_MANAGE)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写饭堂名称", code="required", field="饭堂名称")
    _provider_serves(provider, area)
    with transaction.atomic():
        c = Canteen.objects.create(name=name, area=area, provider=provider)
        audit.record(actor=actor, action="homecare.canteen.create", object_type="homecare.canteen", object_id=c.pk,
                     object_repr=name, area_code=area.code, after={"name": name, "provider": provider.name})
    return c


def meal_serve(*, actor, canteen: Canteen, person: Person, kind: str, date: dt.date | None = None) -> Meal:
    """就餐登记: the canteen's provider records a meal; the subsidy tier comes from meal_tiers.csv."""
    provider = user_provider(actor)
    if provider is None or provider.pk != canteen.provider_id:
        raise NotFound()
    date = date or timezone.localdate()
    if kind not in Meal.Kind.values:
        raise DomainError(f"餐次“{kind}”无效，应为午餐或晚餐", field="餐次")
    if date > timezone.localdate():
        raise DomainError("就餐日期不能晚于今天", field="就餐日期")
    if not canteen.active:
        raise DomainError(f"{canteen.name}已停止营业", field="饭堂")
    if person.death_date:
        raise DomainError(f"{person.name}已登记死亡", field="就餐老人")
    tier = reference.meal_tier(person=person, area=canteen.area, kind=kind, on=date)
    try:
        with transaction.atomic():
            m = Meal.objects.create(canteen=canteen, person=person, date=date, kind=kind, price=tier.price,
                                    subsidy=tier.subsidy, self_pay=tier.price - tier.subsidy, tier=tier.group,
                                    explanation=tier.explanation, served_by=actor)
            audit.record(actor=actor, action="homecare.meal.serve", object_type="homecare.meal", object_id=m.pk,
                         object_repr=f"{person.name}{date}{Meal.Kind(kind).label}", area_code=canteen.area.code,
                         after={"person": person.masked_id, "tier": tier.group, "price": tier.price,
                                "subsidy": tier.subsidy})
    except IntegrityError:
        raise Conflict(f"{person.name}{date:%Y-%m-%d}的{Meal.Kind(kind).label}已登记，不能重复享受补贴",
                       code="meal_duplicate", field="就餐老人") from None
    return m
