"""审批 / 不予批准: the county approves (the case, its entitlements and categories) or refuses."""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.money import fen
from minzheng.core.periods import month_plus, next_month_start
from minzheng.core.scope import ensure_can
from minzheng.payroll.reference import exclusions_for, need_of, programme_info
from minzheng.registry.models import Category, PersonCategory

from ..models import (
    Application,
    Case,
    Entitlement,
    PayFirst,
)
from ..programmes.base import Amount, HouseholdFacts, get_programme
from .base import S, _expect, _lock, _move, _text, _today

# --- 审批 ------------------------------------------------------------------------------------------

def application_approve(*, actor: User, application: Application, facts: HouseholdFacts, opinion: str = "",
                        today: dt.date | None = None) -> Case:
    """审批: enrol the household. The programme assesses `facts` (assistance.facts.build_facts: the registry plus
    the incomes and assets found by 核对 and 入户调查) on the first month of payment — the month after approval —
    and every amount is stored with its rule version and explanation. A programme that pays no cash (低收入家庭认定)
    enrols the household with no amounts; the programme's reasons, citing its basis, stay on the audit entry."""
    today = _today(today)
    ensure_can(actor, application.area, Cap.ASSIST_APPROVE)
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.APPROVING], "审批")
        start = next_month_start(today)
        if app.applicant_id not in {m.person_id for m in facts.members}:
            raise DomainError("测算所用家庭成员中没有申请人，请按申请家庭重新测算", field="家庭成员")
        facts = dataclasses.replace(facts, on=start)
        decision = get_programme(app.programme).assess(facts)
        prog = get_programme(app.programme)
        if not decision.eligible:
            raise Conflict(f"经测算不符合{prog.label}条件：{'；'.join(decision.reasons)}。"
                           "如不予批准，请写明理由办理不予批准", code="not_eligible")
        if not decision.amounts and prog.pays_cash:
            raise Conflict("测算结果没有救助金额，不能批准", code="no_amount")
        _refuse_excluded(app.programme, start, prog.label, decision.amounts,
                         [m.person_id for m in facts.living] if prog.per_household else [])
        household = app.household
        head = household.head if household is not None and household.head is not None else app.applicant
        recheck = None if prog.one_off else prog.recheck_months(facts)
        case = Case.objects.create(
            programme=app.programme, household=app.household, head=head, area=app.area, application=app,
            start_month=start, end_month=start if prog.one_off else None,
            urban_rural=facts.urban_rural,
            next_recheck=month_plus(start, recheck) if recheck else None)
        entitlements = [
            Entitlement(case=case, person_id=a.person_id, component=a.component, monthly_amount=fen(a.monthly_amount),
                        from_month=start, to_month=month_plus(start, 1) if prog.one_off else None,
                        rule_version=a.rule_version[:200], explanation=a.explanation)
            for a in decision.amounts]
        advanced = _subtract_advances(app, case, entitlements)
        Entitlement.objects.bulk_create(entitlements)
        enrolled = _mark_category(app.programme, start, app.number, prog.per_household,
                                  [m.person_id for m in facts.living], [a.person_id for a in decision.amounts])
        app.decision_reason = opinion.strip() or "；".join(decision.reasons)
        _move(actor, app, S.APPROVED, action="application.approve", today=today, note=app.decision_reason,
              extra={"case": case.pk, "start_month": start, "monthly_total": fen(decision.total),
                     "advance_deducted": advanced,
                     "categories": enrolled,
                     "reasons": list(decision.reasons),
                     "amounts": [{"person": a.person_id, "component": a.component, "amount": fen(a.monthly_amount),
                                  "rule_version": a.rule_version} for a in decision.amounts]})
    return case


def _subtract_advances(app: Application, case: Case, entitlements: list[Entitlement]) -> Decimal:
    """先救助后说明: money advanced to this household for the same need (data/payroll/programme_needs.csv) and not
    yet subtracted comes off this approval's amounts — the applicant's first — once; each amount keeps what was
    subtracted (deducted) and says so in its explanation."""
    need = need_of(app.programme)
    if need is None or app.household_id is None:
        return Decimal("0")
    same_need = [code for code in {app.programme, *PayFirst.objects.values_list("application__programme", flat=True)}
                 if need_of(code) == need]
    advances = list(PayFirst.objects.select_for_update().filter(
        application__household_id=app.household_id, application__programme__in=same_need, deducted_in__isnull=True,
        case__isnull=False).order_by("paid_on", "id"))
    left = sum((pf.amount for pf in advances), Decimal("0"))
    if not left:
        return Decimal("0")
    total = left
    for e in sorted(entitlements, key=lambda e: e.person_id != app.applicant_id):
        take = min(left, e.monthly_amount)
        if take > 0:
            e.monthly_amount = fen(e.monthly_amount - take)
            e.deducted = fen(take)
            e.explanation += f"；扣减先行救助{take.normalize():f}元（已于先行救助时发放），本次实发{e.monthly_amount}元"
            left -= take
    PayFirst.objects.filter(pk__in=[pf.pk for pf in advances]).update(deducted_in=case)
    return fen(total - left)


def _refuse_excluded(programme: str, start: dt.date, label: str, amounts: tuple[Amount, ...],
                     household: list[int]) -> None:
    """互斥: nobody this approval would pay may hold, in the first month, money from a programme that excludes it
    (data/policy/exclusions.csv and the programmes' own declarations) — refused here, with the rule's citation,
    rather than found later by the payroll check."""
    paid: dict[int, set[str]] = {}
    for a in amounts:
        paid.setdefault(a.person_id, set()).add(a.component)
    for pid in household:  # a household programme pays the household: every living member counts
        paid.setdefault(pid, set())
    if not paid:
        return
    for ex in exclusions_for(programme):
        if ex.own_component and not any(ex.own_component in comps for comps in paid.values()):
            continue
        persons = [pid for pid, comps in paid.items() if not ex.own_component or ex.own_component in comps]
        held = (Entitlement.objects.filter(person_id__in=persons, case__programme=ex.other,
                                           case__status=Case.Status.ACTIVE, case__start_month__lte=start,
                                           from_month__lte=start)
                .filter(Q(case__end_month__isnull=True) | Q(case__end_month__gte=start))
                .filter(Q(to_month__isnull=True) | Q(to_month__gt=start)))
        if ex.other_component:
            held = held.filter(component=ex.other_component)
        hit = held.select_related("person").order_by("person_id").first()
        if hit is not None:
            other = programme_info(ex.other).label
            raise Conflict(f"{hit.person.name}已享受{other}，与{label}不得同时享受，不能批准（依据：{ex.citation}）",
                           code="excluded_programme", field="家庭成员")


def _mark_category(programme: str, start: dt.date, number: str, per_household: bool, living: list[int],
                   paid: list[int]) -> list[int]:
    """Enrolment shows in the registry: the household's living members (or the persons paid, for a person
    programme) hold the programme's category from the first month, unless they already do. Programmes without a
    registry category (临时救助, 两项补贴) change nothing."""
    if programme not in Category.values:
        return []
    ids = set(living if per_household else paid)
    holding = set(PersonCategory.objects.filter(person_id__in=ids, category=programme, valid_to__isnull=True)
                  .values_list("person_id", flat=True))
    PersonCategory.objects.bulk_create([
        PersonCategory(person_id=pid, category=programme, valid_from=start, note=f"救助申请{number}审批纳入")
        for pid in sorted(ids - holding)])
    return sorted(ids - holding)


def application_refuse(*, actor: User, application: Application, reason: str, today: dt.date | None = None
                       ) -> Application:
    """不予批准 with a written reason (at 审核 or 审批); the notice letter is letters.refusal_letter_pdf."""
    ensure_can(actor, application.area, Cap.ASSIST_APPROVE)
    reason = _text(reason, "不予批准理由", min_len=5)
    with transaction.atomic():
        app = _lock(application)
        _expect(app, [S.REVIEWING, S.APPROVING], "作出不予批准决定")
        app.decision_reason = reason
        return _move(actor, app, S.REFUSED, action="application.refuse", today=_today(today), note=reason)
