"""Writes to the registry: one function per state change, each validated, scoped and audited."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.idcard import check_consistency, mask, parse_id_number
from minzheng.core.periods import local_date
from minzheng.core.pinyin import name_pinyin
from minzheng.core.scope import ensure_can

from . import deaths
from .models import (
    Category,
    DisabilityCategory,
    DuplicateReview,
    Household,
    Membership,
    Person,
    PersonCategory,
    Relation,
)

EDITABLE_FIELDS = ("name", "hukou_area", "residence_area", "address", "phone", "disability_category",
                   "disability_grade", "bank_name", "bank_account", "death_date")


def person_snapshot(p: Person, *, masked: bool = True) -> dict:
    """What the audit trail keeps of a person; the full ID stays out of the log."""
    return {
        "id_number": p.masked_id if masked else p.id_number,
        "name": p.name,
        "hukou_area": p.hukou_area.code if p.hukou_area_id else None,
        "residence_area": p.residence_area.code if p.residence_area_id else None,
        "address": p.address,
        "phone": mask_phone(p.phone) if masked else p.phone,
        "disability_category": p.disability_category,
        "disability_grade": p.disability_grade,
        "bank_name": p.bank_name,
        "bank_account": mask_account(p.bank_account) if masked else p.bank_account,
        "death_date": p.death_date,
    }


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else ("*" * len(phone))


def mask_account(acct: str) -> str:
    return ("*" * (len(acct) - 4) + acct[-4:]) if len(acct) > 4 else acct


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("姓名不能为空", code="required", field="姓名")
    if len(name) > 64:
        raise DomainError("姓名过长（最多64个字）", field="姓名")
    return name


def detail_errors(data: dict, *, today: dt.date) -> list[tuple[str, str]]:
    """Problems with the optional details, as (field label, Chinese message); only keys present are checked."""
    errors = []
    cat = data.get("disability_category") or ""
    grade = data.get("disability_grade")
    if cat and cat not in DisabilityCategory.values:
        errors.append(("残疾类别", f"残疾类别“{cat}”无效"))
    if grade not in (None, "") and (not cat or str(grade) not in ("1", "2", "3", "4")):
        errors.append(("残疾等级", "残疾等级应为1-4级，且须同时填写残疾类别"))
    phone = data.get("phone") or ""
    if phone and not (phone.replace("-", "").isdigit() and 7 <= len(phone) <= 20):
        errors.append(("联系电话", f"联系电话“{phone}”格式不正确"))
    acct = data.get("bank_account") or ""
    if acct and not (acct.isdigit() and 8 <= len(acct) <= 32):
        errors.append(("银行账号", "银行账号应为8-32位数字"))
    death = data.get("death_date")
    if death and death > today:
        errors.append(("死亡日期", f"死亡日期{death.isoformat()}晚于今天"))
    return errors


def _validate_details(data: dict, *, today: dt.date) -> None:
    errors = detail_errors(data, today=today)
    if errors:
        raise DomainError(errors[0][1], field=errors[0][0])


def person_create(*, actor: User, id_number: str, name: str, hukou_area: Area, residence_area: Area,
                  sex: str | None = None, birth_date: dt.date | None = None, address: str = "", phone: str = "",
                  disability_category: str = "", disability_grade: int | None = None, bank_name: str = "",
                  bank_account: str = "", today: dt.date | None = None) -> Person:
    today = today or local_date()
    ensure_can(actor, residence_area, Cap.REGISTRY_EDIT)
    if birth_date is not None and birth_date > today:
        raise DomainError(f"出生日期{birth_date.isoformat()}晚于今天", code="future_date", field="出生日期")
    info = parse_id_number(id_number, today=today)
    check_consistency(info, birth_date=birth_date, sex=sex)
    data = dict(disability_category=disability_category or "", disability_grade=disability_grade or None,
                phone=(phone or "").strip(), bank_account=(bank_account or "").strip())
    _validate_details(data, today=today)
    name = _clean_name(name)
    pinyin, initials = name_pinyin(name)
    try:
        with transaction.atomic():
            person = Person.objects.create(
                id_number=info.number, name=name, name_pinyin=pinyin, name_initials=initials, sex=info.sex,
                birth_date=info.birth_date, hukou_area=hukou_area, residence_area=residence_area,
                address=address.strip(), bank_name=bank_name.strip(), **data)
            audit.record(actor=actor, action="person.create", object_type="person", object_id=person.pk,
                         object_repr=person.name, area_code=residence_area.code, after=person_snapshot(person))
    except IntegrityError:
        if Person.objects.filter(id_number=info.number).exists():
            raise Conflict(f"身份证号{mask(info.number)}已登记，一个身份证号只能对应一人", field="身份证号") from None
        raise
    return person


def person_update(*, actor: User, person: Person, today: dt.date | None = None, **changes: Any) -> Person:
    today = today or local_date()
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"不可修改的字段：{'、'.join(sorted(unknown))}（身份证号需走更正流程）",
                          field=sorted(unknown)[0])
    ensure_can(actor, person.residence_area, Cap.REGISTRY_EDIT)
    if "residence_area" in changes and changes["residence_area"] != person.residence_area:
        ensure_can(actor, changes["residence_area"], Cap.REGISTRY_EDIT)
    if "name" in changes:
        changes["name"] = _clean_name(changes["name"])
    merged = {f: getattr(person, f) for f in EDITABLE_FIELDS} | changes
    _validate_details(merged, today=today)
    if merged["death_date"] and merged["death_date"] < person.birth_date:
        raise DomainError("死亡日期早于出生日期", field="死亡日期")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = person_snapshot(person)
        for field, value in changes.items():
            setattr(person, field, value)
        if "name" in changes:
            person.name_pinyin, person.name_initials = name_pinyin(person.name)
        person.save()
        b, a = audit.diff(before, person_snapshot(person))
        if a:
            audit.record(actor=actor, action="person.update", object_type="person", object_id=person.pk,
                         object_repr=person.name, area_code=person.residence_area.code, before=b, after=a)
        if person.death_date != before["death_date"]:
            # Domains that follow a death (a spouse's marital status, …) write in this same transaction.
            deaths.death_date_changed(actor=actor, person=person, death_date=person.death_date,
                                      previous=before["death_date"])
    return person


def person_view_full(*, actor: User, person: Person, purpose: str = "") -> dict:
    """The unmasked record; every call leaves an audit entry."""
    ensure_can(actor, person.residence_area, Cap.REGISTRY_VIEW_FULL)
    with transaction.atomic():
        audit.record(actor=actor, action="person.view_full", object_type="person", object_id=person.pk,
                     object_repr=person.name, area_code=person.residence_area.code,
                     after={"fields": ["id_number", "phone", "bank_account"], "purpose": purpose})
    return person_snapshot(person, masked=False)


def category_add(*, actor: User, person: Person, category: str, valid_from: dt.date, note: str = "") -> PersonCategory:
    ensure_can(actor, person.residence_area, Cap.REGISTRY_EDIT)
    if category not in Category.values:
        raise DomainError(f"人员类别“{category}”无效", field="类别")
    if PersonCategory.objects.filter(person=person, category=category, valid_to__isnull=True).exists():
        raise Conflict(f"{person.name}已有有效的“{Category(category).label}”类别", field="类别")
    with transaction.atomic():
        pc = PersonCategory.objects.create(person=person, category=category, valid_from=valid_from, note=note)
        audit.record(actor=actor, action="person.category_add", object_type="person", object_id=person.pk,
                     object_repr=person.name, area_code=person.residence_area.code,
                     after={"category": category, "valid_from": valid_from, "note": note})
    return pc


def category_end(*, actor: User, person_category: PersonCategory, valid_to: dt.date, reason: str = ""
                 ) -> PersonCategory:
    pc = person_category
    ensure_can(actor, pc.person.residence_area, Cap.REGISTRY_EDIT)
    if pc.valid_to is not None:
        raise Conflict(f"该“{pc.get_category_display()}”类别已于{pc.valid_to}终止", code="already_ended", field="类别")
    if valid_to < pc.valid_from:
        raise DomainError("终止日期早于起始日期", field="终止日期")
    with transaction.atomic():
        pc.valid_to = valid_to
        pc.save(update_fields=["valid_to"])
        audit.record(actor=actor, action="person.category_end", object_type="person", object_id=pc.person_id,
                     object_repr=pc.person.name, area_code=pc.person.residence_area.code,
                     before={"category": pc.category, "valid_to": None},
                     after={"category": pc.category, "valid_to": valid_to, "reason": reason})
    return pc


# --- households -----------------------------------------------------------------------------

def _household_snapshot(h: Household) -> dict:
    members = Membership.objects.filter(household=h, end_date__isnull=True).select_related("person").order_by("id")
    return {
        "number": h.number,
        "area": h.area.code,
        "address": h.address,
        "head": h.head.masked_id if h.head else None,
        "members": [f"{m.person.name}:{m.person.masked_id}:{m.relation}" for m in members],
        "dissolved_on": h.dissolved_on,
    }


def _next_household_number(area: Area) -> str:
    prefix = f"{area.code}-"
    last = Household.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


def _ensure_free(person: Person, *, except_household: Household | None = None) -> None:
    current = Membership.objects.filter(person=person, end_date__isnull=True).select_related("household").first()
    if current and current.household != except_household:
        raise Conflict(f"{person.name}（{person.masked_id}）已是家庭{current.household.number}的成员，"
                       f"请先办理迁出", code="already_member", field="成员")


def _join(household: Household, person: Person, relation: str, start: dt.date) -> Membership:
    if relation not in Relation.values:
        raise DomainError(f"与户主关系“{relation}”无效", field="与户主关系")
    _ensure_free(person)
    try:
        with transaction.atomic():
            return Membership.objects.create(household=household, person=person, relation=relation, start_date=start)
    except IntegrityError:  # a concurrent request put the person in another household first
        raise Conflict(f"{person.name}已是其他家庭的成员", code="already_member", field="成员") from None


def _audit_household(actor: User, action: str, h: Household, before: dict | None, **extra: object) -> None:
    after = _household_snapshot(h) | extra
    audit.record(actor=actor, action=action, object_type="household", object_id=h.pk, object_repr=h.number,
                 area_code=h.area.code, before=before, after=after)


def _check_active(h: Household) -> None:
    if h.dissolved_on:
        raise DomainError(f"家庭{h.number}已于{h.dissolved_on}注销", code="dissolved", field="家庭")


def household_create(*, actor: User, area: Area, head: Person, address: str = "", start_date: dt.date | None = None,
                     number: str | None = None) -> Household:
    ensure_can(actor, area, Cap.HOUSEHOLD_MANAGE)
    ensure_can(actor, head.residence_area, Cap.HOUSEHOLD_MANAGE)
    start = start_date or local_date()
    with transaction.atomic():
        _ensure_free(head)
        h = Household.objects.create(number=number or _next_household_number(area), area=area,
                                     address=address.strip(), head=head)
        _join(h, head, Relation.HEAD, start)
        _audit_household(actor, "household.create", h, None)
    return h


def household_add_member(*, actor: User, household: Household, person: Person, relation: str,
                         start_date: dt.date | None = None) -> Membership:
    ensure_can(actor, household.area, Cap.HOUSEHOLD_MANAGE)
    ensure_can(actor, person.residence_area, Cap.HOUSEHOLD_MANAGE)
    _check_active(household)
    if relation == Relation.HEAD:
        raise DomainError("家庭已有户主，如需更换请办理变更户主", field="与户主关系")
    with transaction.atomic():
        before = _household_snapshot(household)
        m = _join(household, person, relation, start_date or local_date())
        _audit_household(actor, "household.add_member", household, before)
    return m


def _leave(household: Household, person: Person, end: dt.date, reason: str) -> Membership:
    m = Membership.objects.filter(household=household, person=person, end_date__isnull=True).first()
    if m is None:
        raise DomainError(f"{person.name}不是家庭{household.number}的现有成员", field="成员")
    if end < m.start_date:
        raise DomainError("退出日期早于加入日期", field="退出日期")
    m.end_date, m.end_reason = end, reason
    m.save(update_fields=["end_date", "end_reason"])
    return m


def household_remove_member(*, actor: User, household: Household, person: Person, end_date: dt.date | None = None,
                            reason: str = "迁出") -> Membership:
    ensure_can(actor, household.area, Cap.HOUSEHOLD_MANAGE)
    _check_active(household)
    if household.head_id == person.pk:
        raise DomainError("不能直接移除户主，请先变更户主", code="is_head", field="成员")
    with transaction.atomic():
        before = _household_snapshot(household)
        m = _leave(household, person, end_date or local_date(), reason)
        _audit_household(actor, "household.remove_member", household, before, reason=reason)
    return m


def household_change_head(*, actor: User, household: Household, new_head: Person,
                          old_head_relation: str = Relation.OTHER, relation_changes: dict | None = None) -> Household:
    """New head from the current members; others' relations may be restated relative to the new head."""
    ensure_can(actor, household.area, Cap.HOUSEHOLD_MANAGE)
    _check_active(household)
    if old_head_relation == Relation.HEAD:
        raise DomainError("原户主的新关系不能是户主", field="原户主关系")
    for rel in (old_head_relation, *(relation_changes or {}).values()):
        if rel not in Relation.values or rel == Relation.HEAD:
            raise DomainError(f"与户主关系“{rel}”无效", field="与户主关系")
    with transaction.atomic():
        before = _household_snapshot(household)
        current = {m.person_id: m for m in household_members_qs(household)}
        if new_head.pk not in current:
            raise DomainError(f"{new_head.name}不是本家庭现有成员，不能设为户主", field="新户主")
        if household.head_id in current:
            current[household.head_id].relation = old_head_relation
            current[household.head_id].save(update_fields=["relation"])
        for person_id, relation in (relation_changes or {}).items():
            if person_id in current and person_id != new_head.pk:
                current[person_id].relation = relation
                current[person_id].save(update_fields=["relation"])
        current[new_head.pk].relation = Relation.HEAD
        current[new_head.pk].save(update_fields=["relation"])
        household.head = new_head
        household.save(update_fields=["head"])
        _audit_household(actor, "household.change_head", household, before)
    return household


def household_members_qs(household: Household) -> QuerySet[Membership]:
    return Membership.objects.filter(household=household, end_date__isnull=True)


def household_split(*, actor: User, household: Household, members: list[Person], new_head: Person, address: str = "",
                    area: Area | None = None, relations: dict | None = None, on: dt.date | None = None) -> Household:
    """Members leave to form a new household (分户); the original head stays."""
    area = area or household.area
    ensure_can(actor, household.area, Cap.HOUSEHOLD_MANAGE)
    ensure_can(actor, area, Cap.HOUSEHOLD_MANAGE)
    _check_active(household)
    on = on or local_date()
    ids = {p.pk for p in members}
    if not ids:
        raise DomainError("请选择要分出的成员", field="成员")
    if household.head_id in ids:
        raise DomainError("原户主不能分出，请先变更户主", code="is_head", field="成员")
    if new_head.pk not in ids:
        raise DomainError("新户主必须是分出的成员之一", field="新户主")
    with transaction.atomic():
        before = _household_snapshot(household)
        for p in members:
            _leave(household, p, on, "分户")
        new = Household.objects.create(number=_next_household_number(area), area=area,
                                       address=address.strip() or household.address, head=new_head)
        for p in members:
            rel = Relation.HEAD if p.pk == new_head.pk else (relations or {}).get(p.pk, Relation.OTHER)
            _join(new, p, rel, on)
        _audit_household(actor, "household.split", household, before, split_to=new.number)
        _audit_household(actor, "household.create", new, None, split_from=household.number)
    return new


def household_merge(*, actor: User, source: Household, target: Household, relations: dict | None = None,
                    on: dt.date | None = None) -> Household:
    """All current members of `source` join `target` (并户); `source` is dissolved, its history kept."""
    ensure_can(actor, source.area, Cap.HOUSEHOLD_MANAGE)
    ensure_can(actor, target.area, Cap.HOUSEHOLD_MANAGE)
    if source.pk == target.pk:
        raise DomainError("不能与自身合并", field="目标家庭")
    _check_active(source)
    _check_active(target)
    on = on or local_date()
    with transaction.atomic():
        before_s, before_t = _household_snapshot(source), _household_snapshot(target)
        moving = [m.person for m in household_members_qs(source).select_related("person")]
        for p in moving:
            _leave(source, p, on, "并户")
        for p in moving:
            _join(target, p, (relations or {}).get(p.pk, Relation.OTHER), on)
        source.dissolved_on = on
        source.save(update_fields=["dissolved_on"])
        _audit_household(actor, "household.merge_out", source, before_s, merged_into=target.number)
        _audit_household(actor, "household.merge_in", target, before_t, merged_from=source.number)
    return target


def duplicate_review(*, actor: User, a: Person, b: Person, decision: str, note: str = "") -> DuplicateReview:
    if not actor.can(Cap.DUPLICATE_REVIEW):
        raise Forbidden("您的角色无权审核疑似重复人员")
    ensure_can(actor, a.residence_area, Cap.DUPLICATE_REVIEW)
    ensure_can(actor, b.residence_area, Cap.DUPLICATE_REVIEW)
    if decision not in DuplicateReview.Decision.values:
        raise DomainError("审核结论无效", field="结论")
    a, b = sorted((a, b), key=lambda p: p.pk)
    with transaction.atomic():
        review, _ = DuplicateReview.objects.update_or_create(
            person_a=a, person_b=b, defaults={"decision": decision, "note": note, "reviewed_by": actor})
        audit.record(actor=actor, action="person.duplicate_review", object_type="person", object_id=a.pk,
                     object_repr=f"{a.name} / {b.name}", area_code=a.residence_area.code,
                     after={"other": b.pk, "decision": decision, "note": note})
    return review
