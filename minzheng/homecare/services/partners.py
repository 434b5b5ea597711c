"""服务机构, 服务人员 and 家属绑定: who may serve and who may order for an elder."""


from django.db import transaction

from minzheng.accounts.roles import Cap, Role
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person

from ..models import (
    ElderContact,
    Provider,
    ProviderMember,
    Worker,
)
from ._base import user_provider


def provider_create(*, actor, name: str, area: Area, credit_code: str = "", phone: str = "") -> Provider:
    ensure_can(actor, area, Cap.HOMECARE_MANAGE)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写机构名称", code="required", field="机构名称")
    credit_code = (credit_code or "").strip().upper()
    if credit_code and len(credit_code) != 18:
        raise DomainError("统一社会信用代码应为18位", field="统一社会信用代码")
    if credit_code and Provider.objects.filter(credit_code=credit_code).exists():
        raise Conflict(f"统一社会信用代码{credit_code}的机构已登记", field="统一社会信用代码")
    with transaction.atomic():
        p = Provider.objects.create(name=name, area=area, credit_code=credit_code, phone=phone)
        audit.record(actor=actor, action="homecare.provider.create", object_type="homecare.provider", object_id=p.pk,
                     object_repr=name, area_code=area.code, after={"name": name, "area": area.code})
    return p


def provider_add_member(*, actor, provider: Provider, user) -> ProviderMember:
    """Give a 服务机构 account to a provider (the account then sees only this provider's work)."""
    ensure_can(actor, provider.area, Cap.HOMECARE_MANAGE)
    if user.role != Role.PROVIDER:
        raise DomainError(f"账号{user.username}的角色不是“服务机构”，不能加入机构", field="账号")
    if ProviderMember.objects.filter(user=user).exists():
        raise Conflict(f"账号{user.username}已属于一家服务机构", field="账号")
    with transaction.atomic():
        m = ProviderMember.objects.create(user=user, provider=provider)
        user.__dict__.pop("_hc_provider", None)  # forget a cached "no provider"
        audit.record(actor=actor, action="homecare.provider.add_member", object_type="homecare.provider",
                     object_id=provider.pk, object_repr=provider.name, area_code=provider.area.code,
                     after={"user": user.username})
    return m


def worker_add(*, actor, provider: Provider, name: str, phone: str = "", certificate: str = "",
               user=None) -> Worker:
    if user_provider(actor) != provider:
        ensure_can(actor, provider.area, Cap.HOMECARE_MANAGE)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写服务人员姓名", code="required", field="姓名")
    if user is not None and user.role != Role.PROVIDER:
        raise DomainError(f"账号{user.username}的角色不是“服务机构”", field="账号")
    with transaction.atomic():
        w = Worker.objects.create(provider=provider, name=name, phone=phone, certificate=certificate, user=user)
        audit.record(actor=actor, action="homecare.worker.add", object_type="homecare.worker", object_id=w.pk,
                     object_repr=name, area_code=provider.area.code, after={"provider": provider.name, "name": name})
    return w


def contact_bind(*, actor, user, person: Person, relation: str) -> ElderContact:
    """家属绑定: a village/town worker lets a resident account order for an elder (after checking who they are)."""
    ensure_can(actor, person.residence_area, Cap.HOMECARE_ORDER)
    if actor.role == Role.RESIDENT:
        raise Forbidden("家属绑定须由村（居）或镇街工作人员办理")
    if user.role != Role.RESIDENT:
        raise DomainError(f"账号{user.username}不是居民账号", field="账号")
    if relation not in ElderContact.Relation.values:
        raise DomainError(f"关系“{relation}”无效", field="关系")
    if ElderContact.objects.filter(user=user, person=person).exists():
        raise Conflict(f"账号{user.username}已绑定{person.name}", field="账号")
    with transaction.atomic():
        c = ElderContact.objects.create(user=user, person=person, relation=relation, created_by=actor)
        audit.record(actor=actor, action="homecare.contact.bind", object_type="homecare.contact", object_id=c.pk,
                     object_repr=f"{user.username}→{person.name}", area_code=person.residence_area.code,
                     after={"user": user.username, "person": person.masked_id, "relation": relation})
    return c
