"""Writes to the payroll: one function per state change, each scoped, checked, atomic and audited.

Generation and the supervision rules run as SQL over sets (INSERT … SELECT); a rerun inserts nothing twice and an
interrupted run (its transaction rolled back) is simply run again. A released roster's content is frozen: only
the bank's payment outcome is recorded on its lines afterwards.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Model, Q, Sum
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap, Role
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.money import fen
from minzheng.core.periods import check_payroll_month
from minzheng.core.scope import can_access_area, ensure_can, subtree_sql, works_within
from minzheng.registry.models import Person

from . import supervision
from .models import Anomaly, LineStatus, OutsidePayment, Roster, RosterLine, StaffRelative
from .reference import SOURCES, fund_shares, need_of, programme_info, remainder_source, split_by_source


def _check_month(month: dt.date) -> dt.date:
    if not isinstance(month, dt.date) or month.day != 1:
        raise DomainError("发放月份应为某月1日，例如2024-05-01", field="发放月份")
    return check_payroll_month(month)


def _snapshot(r: Roster) -> dict:
    return {"status": r.status, "line_count": r.line_count, "total_amount": r.total_amount}


def _audit(actor: User, action: str, roster: Roster, before: dict | None, after: dict | None, *,
           obj: Model | None = None) -> None:
    audit.record(actor=actor, action=action, object_type=type(obj).__name__ if obj is not None else "Roster",
                 object_id=(obj or roster).pk, object_repr=str(obj if obj is not None else roster),
                 area_code=roster.area.code, before=before, after=after)


def _ensure_mutable(roster: Roster) -> None:
    if roster.status == Roster.Status.RELEASED:
        raise Conflict(f"{roster}已发布，名单内容不可更改", code="roster_released")


def _locked(roster: Roster) -> Roster:
    return Roster.objects.select_for_update().select_related("area").get(pk=roster.pk)


def _refresh_totals(roster: Roster) -> None:
    agg = roster.lines.exclude(status=LineStatus.WITHHELD).aggregate(n=Count("id"), s=Sum("amount"))
    roster.line_count = agg["n"] or 0
    roster.total_amount = fen(agg["s"] or 0)
    roster.save(update_fields=["line_count", "total_amount"])


def _roster_map_sql(rosters: list[Roster]) -> str:
    """A derived table (area_id, roster_id): every area (village, town, …) under each roster's area, so one
    statement serves every roster of a run. The prefixes are constants (ids and paths come from the database,
    not from input), so the planner estimates them from the path statistics and joins the cases by hash."""
    likes = [(int(r.pk), subtree_sql("a.path", r.area.path)) for r in rosters]
    which = " ".join(f"WHEN {like} THEN {pk}" for pk, like in likes)
    return (f"(SELECT a.id AS area_id, CASE {which} END AS roster_id FROM areas_area a "
            f"WHERE {' OR '.join(like for _, like in likes)})")


# One INSERT … SELECT for all rosters of the run: cases, entitlements and persons are each read once, whatever
# the number of counties. ORDER BY (roster, case, person) makes the lines arrive in the order of the unique index
# and of the case and person keys: each index insert and each deferred foreign-key check at commit then touches
# the page its predecessor did. Without it the planner (underestimating the rows through the roster map) picks a
# hash aggregate whose output is in hash order, and at a million lines every insert and key check lands on a
# random page — 30 s instead of 19 s for the run, two thirds of it at commit.
_REGULAR_SQL = """
INSERT INTO payroll_rosterline (roster_id, case_id, person_id, area_id, for_month, amount, deducted, bank_name,
                                bank_account, fund, status, fail_reason, adjusted_reason,
                                fund_central, fund_province, fund_city, fund_county)
SELECT am.roster_id, c.id, e.person_id, c.area_id, %(month)s, ROUND(SUM(e.monthly_amount), 2),
       ROUND(SUM(e.deducted), 2),
       CASE WHEN p.bank_account <> '' THEN p.bank_name ELSE h.bank_name END,
       CASE WHEN p.bank_account <> '' THEN p.bank_account ELSE h.bank_account END,
       %(fund)s, 'pending', '', '',
       {shares}
FROM assistance_case c
JOIN {roster_map} am ON am.area_id = c.area_id
JOIN assistance_entitlement e ON e.case_id = c.id
JOIN registry_person p ON p.id = e.person_id
JOIN registry_person h ON h.id = c.head_id
WHERE {not_there}c.programme = %(programme)s AND {case_in_force} AND {in_force}
GROUP BY am.roster_id, c.id, e.person_id, c.area_id, p.bank_name, p.bank_account, h.bank_name, h.bank_account
ORDER BY am.roster_id, c.id, e.person_id
{on_conflict}
"""
# On a rerun, lines already there are left out by an anti-join (ON CONFLICT alone would probe every unique index
# for each of a million rows); the unique constraint stays the guard. A new roster has nothing to leave out.
_NOT_THERE = """NOT EXISTS (SELECT 1 FROM payroll_rosterline x WHERE x.roster_id = am.roster_id AND x.case_id = c.id
                                AND x.person_id = e.person_id AND x.reissue_of_id IS NULL) AND """

# Failed lines of this programme and the same areas from earlier months, not yet re-issued: paid again once, to
# the account the registry holds now (staff usually correct it after a failure). Failed lines are found through
# a small partial index (status = 'failed').
_REISSUE_SQL = """
INSERT INTO payroll_rosterline (roster_id, case_id, person_id, area_id, for_month, amount, deducted, bank_name,
                                bank_account, fund, status, reissue_of_id, fail_reason, adjusted_reason,
                                fund_central, fund_province, fund_city, fund_county)
SELECT n.id, f.case_id, f.person_id, f.area_id, f.for_month, f.amount, f.deducted,
       CASE WHEN p.bank_account <> '' THEN p.bank_name ELSE h.bank_name END,
       CASE WHEN p.bank_account <> '' THEN p.bank_account ELSE h.bank_account END,
       f.fund, 'pending', f.id, '', '', f.fund_central, f.fund_province, f.fund_city, f.fund_county
FROM payroll_rosterline f
JOIN payroll_roster r ON r.id = f.roster_id
JOIN payroll_roster n ON n.programme = r.programme AND n.area_id = r.area_id AND n.month = %(month)s
JOIN assistance_case c ON c.id = f.case_id
JOIN registry_person p ON p.id = f.person_id
JOIN registry_person h ON h.id = c.head_id
WHERE n.id IN ({ids}) AND r.month < %(month)s AND f.status = 'failed'
  AND NOT EXISTS (SELECT 1 FROM payroll_rosterline x WHERE x.reissue_of_id = f.id)
ON CONFLICT DO NOTHING
"""

_MARK_REISSUED_SQL = """
UPDATE payroll_rosterline SET status = 'reissued'
WHERE status = 'failed' AND EXISTS (SELECT 1 FROM payroll_rosterline x WHERE x.reissue_of_id = payroll_rosterline.id)
"""


def _shares_sql(programme: str, rosters: list[Roster]) -> str:
    """The four share columns of a regular line: each roster's percentages (data/payroll/fund_shares.csv, by the
    roster area's nearest jurisdiction) as constants in a CASE on the roster, cents half-up, the remainder source
    taking what is left — the same split as reference.split_by_source, computed in the INSERT for a million lines."""
    amount = "ROUND(SUM(e.monthly_amount), 2)"
    per = {r.pk: fund_shares(programme, r.area) for r in rosters}
    cols = []
    for source in SOURCES:
        whens = " ".join(f"WHEN {int(pk)} THEN CAST('{sh.percent[source]}' AS NUMERIC)" for pk, sh in per.items())
        cols.append(f"ROUND({amount} * (CASE am.roster_id {whens} ELSE 0 END) / 100, 2)")
    rest = {pk: SOURCES.index(remainder_source(sh)) for pk, sh in per.items()}
    out = []
    for i in range(len(SOURCES)):
        others = " + ".join(c for j, c in enumerate(cols) if j != i)
        out_when = " ".join(f"WHEN {int(pk)} THEN {amount} - ({others})" for pk, r in rest.items() if r == i)
        out.append(f"CASE am.roster_id {out_when} ELSE {cols[i]} END" if out_when else cols[i])
    return ",\n       ".join(out)


def _generate(actor: User, *, programme: str, areas: list[Area], month: dt.date) -> list[Roster]:
    """Create (or complete) one roster per area, all in one transaction and one statement per kind of line."""
    _check_month(month)
    info = programme_info(programme)
    created = set()
    for area in areas:
        roster, new = Roster.objects.get_or_create(programme=programme, area=area, month=month,
                                                   defaults={"created_by": actor if actor.pk else None})
        if new:
            created.add(roster.pk)
    rosters = list(Roster.objects.select_for_update().select_related("area")
                   .filter(programme=programme, month=month, area__in=areas).order_by("pk"))
    for roster in rosters:
        _ensure_mutable(roster)
    before = {r.pk: None if r.pk in created else _snapshot(r) for r in rosters}
    ids = ",".join(str(int(r.pk)) for r in rosters)
    params: dict[str, Any] = {"month": month, "programme": programme, "fund": info.fund}
    counts_before = _count_lines([r for r in rosters if r.pk not in created])
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(supervision.WORK_MEM_SQL)
        rerun = any(r.pk not in created for r in rosters)
        cur.execute(_REGULAR_SQL.format(roster_map=_roster_map_sql(rosters), shares=_shares_sql(programme, rosters),
                                        not_there=_NOT_THERE if rerun else "",
                                        on_conflict="ON CONFLICT DO NOTHING" if rerun else "",
                                        case_in_force=supervision.case_in_force("c"),
                                        in_force=supervision.in_force("e")), params)
        cur.execute(_REISSUE_SQL.format(ids=ids), params)
        cur.execute(_MARK_REISSUED_SQL)
    counts = _count_lines(rosters)
    now = timezone.now()
    for roster in rosters:
        regular, reissue, line_count, total = counts.get(roster.pk, (0, 0, 0, Decimal("0")))
        was_regular, was_reissue = counts_before.get(roster.pk, (0, 0, 0, 0))[:2]
        added, reissued = regular - was_regular, reissue - was_reissue
        if added or reissued or roster.pk in created:
            roster.status = Roster.Status.DRAFT  # new lines have not been through supervision yet
        roster.generated_at, roster.generated_by = now, actor if actor.pk else None
        roster.line_count, roster.total_amount = line_count, total
        roster.save(update_fields=["status", "generated_at", "generated_by", "line_count", "total_amount"])
        _audit(actor, "payroll.roster_generate", roster, before[roster.pk],
               {**_snapshot(roster), "added_lines": added, "reissued_lines": reissued})
    return rosters


def _count_lines(rosters: list[Roster]) -> dict[int, tuple[int, int, int, Decimal]]:
    """Per roster in one pass: (regular lines, re-issue lines, lines to pay, amount to pay)."""
    if not rosters:
        return {}
    paying = ~Q(status=LineStatus.WITHHELD)
    rows = (RosterLine.objects.filter(roster__in=rosters).values("roster").order_by("roster")
            .annotate(regular=Count("id", filter=Q(reissue_of__isnull=True)),
                      reissue=Count("id", filter=Q(reissue_of__isnull=False)),
                      n=Count("id", filter=paying), s=Sum("amount", filter=paying)))
    return {r["roster"]: (r["regular"], r["reissue"], r["n"],
                          fen(r["s"] or 0)) for r in rows}


@transaction.atomic
def roster_generate(*, actor: User, programme: str, area: Area, month: dt.date) -> Roster:
    """Create (or complete) the roster of `programme` for `area` and `month` from the entitlements in force.

    Safe to rerun: lines already there are kept, missing ones are added, failed lines of earlier months are
    re-issued once. A released roster is refused."""
    ensure_can(actor, area, Cap.PAYROLL_RUN)
    return _generate(actor, programme=programme, areas=[area], month=month)[0]


@transaction.atomic
def roster_generate_within(*, actor: User, programme: str, area: Area, month: dt.date,
                           level: str = "county") -> list[Roster]:
    """One roster per `level` area under `area` (e.g. every county of a city), all generated by one set-based
    statement in one transaction: an interrupted run leaves nothing behind and is simply run again. Refused whole
    if any of those rosters is already released."""
    ensure_can(actor, area, Cap.PAYROLL_RUN)
    targets = list(Area.objects.current(month).within(area).filter(level=level).order_by("path"))
    rosters = _generate(actor, programme=programme, areas=targets or [area], month=month)
    return sorted(rosters, key=lambda r: r.area.path)


def _checked(actor: User, rosters: list[Roster]) -> dict[int, dict[str, int]]:
    rosters = list(Roster.objects.select_for_update().select_related("area")
                   .filter(pk__in=[r.pk for r in rosters]).order_by("pk"))
    for roster in rosters:
        ensure_can(actor, roster.area, Cap.PAYROLL_RUN)
        _ensure_mutable(roster)
    before = {r.pk: _snapshot(r) for r in rosters}
    found = supervision.run_rules(rosters)
    now = timezone.now()
    for roster in rosters:
        roster.status = Roster.Status.CHECKED
        roster.checked_at = now
        roster.save(update_fields=["status", "checked_at"])
        _audit(actor, "payroll.roster_check", roster, before[roster.pk],
               {**_snapshot(roster), "new_anomalies": found[roster.pk]})
    return found


@transaction.atomic
def roster_check(*, actor: User, roster: Roster) -> dict[str, int]:
    """Run the 资金监管 rules over the roster; it becomes `checked` (ready for release once blocking hits are
    handled). Returns the number of new hits per rule."""
    ensure_can(actor, roster.area, Cap.PAYROLL_RUN)
    return _checked(actor, [roster])[roster.pk]


@transaction.atomic
def roster_check_many(*, actor: User, rosters: list[Roster]) -> dict[int, dict[str, int]]:
    """roster_check for every roster of a run at once: each rule is one statement over all their lines. Returns
    the new hits per rule for each roster id."""
    return _checked(actor, rosters)


_NUMBER_SQL = """
UPDATE payroll_rosterline SET seq = s.rn
FROM (SELECT l.id, ROW_NUMBER() OVER (ORDER BY a.path, l.for_month, l.person_id, l.id) AS rn
      FROM payroll_rosterline l JOIN areas_area a ON a.id = l.area_id
      WHERE l.roster_id = %(roster)s AND l.status = 'pending') AS s
WHERE payroll_rosterline.id = s.id
"""


def _four_eyes(message: str) -> Forbidden:
    return Forbidden(f"{message}（资金发放须两人经办：经办人不能复核自己的工作）", code="four_eyes")


def _roster_makers(roster: Roster) -> set[int]:
    """Who prepared this roster's money: its first and latest generator and whoever adjusted a line."""
    adjusters = roster.lines.filter(adjusted_by__isnull=False).values_list("adjusted_by", flat=True).distinct()
    return {pk for pk in (roster.created_by_id, roster.generated_by_id, *adjusters) if pk is not None}


@transaction.atomic
def roster_release(*, actor: User, roster: Roster) -> Roster:
    """Freeze the roster and number its lines for the bank file: the checker's act, by a second person with the
    approver right who neither generated the roster nor adjusted a line in it. Refused before the checks have run,
    while a blocking anomaly is still open, or while a line adjusted above its entitlement awaits approval."""
    ensure_can(actor, roster.area, Cap.PAYROLL_APPROVE)
    roster = _locked(roster)
    _ensure_mutable(roster)
    if actor.pk in _roster_makers(roster):
        raise _four_eyes("您生成或调整过这份发放名单，须由另一位有复核权限的人员发布")
    if roster.status != Roster.Status.CHECKED:
        raise Conflict("名单生成或调整后尚未完成资金监管校验，请先校验再发布", code="not_checked")
    unapproved = supervision.adjusted_above_entitlement(roster, unapproved=True)
    if unapproved:
        first = RosterLine.objects.select_related("person").get(pk=unapproved[0])
        raise Conflict(f"还有{len(unapproved)}笔调整后超过核定金额的明细未经复核（如：{first.person.name}"
                       f"{first.amount}元），须由调整人以外、有复核权限的人员复核后才能发布",
                       code="unapproved_adjustments")
    blocking = supervision.open_blocking(roster)
    n = blocking.count()
    if n:
        first = blocking.select_related("line__person").order_by("id").first()
        raise Conflict(f"还有{n}条阻止发布的资金监管疑点未处置（如：{first.detail}），处置后才能发布",
                       code="blocking_anomalies")
    before = _snapshot(roster)
    with connection.cursor() as cur:
        cur.execute(_NUMBER_SQL, {"roster": roster.pk})
    roster.status = Roster.Status.RELEASED
    roster.released_at = timezone.now()
    roster.released_by = actor
    roster.save(update_fields=["status", "released_at", "released_by"])
    _refresh_totals(roster)
    _audit(actor, "payroll.roster_release", roster, before, _snapshot(roster))
    return roster


def _parse_amount(value: object, *, field: str = "金额") -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(f"{field}“{value}”不是有效金额", field=field) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(f"{field}“{value}”应为不小于0、最多两位小数的金额", field=field)
    return amount


@transaction.atomic
def roster_line_adjust(*, actor: User, line: RosterLine, amount: object, reason: str) -> RosterLine:
    """Change one line's amount before release (e.g. a one-off 补发 agreed by the county); the roster must be checked
    again, and an amount above the entitlement is flagged by supervision."""
    roster = _locked(line.roster)
    ensure_can(actor, roster.area, Cap.PAYROLL_RUN)
    _ensure_mutable(roster)
    amount = _parse_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("调整金额须填写调整说明", field="调整说明")
    line = RosterLine.objects.select_for_update().get(pk=line.pk)
    before: dict[str, Any] = {"amount": line.amount}
    if line.approved_by_id:  # the approval this adjustment clears
        before["approved_by"] = line.approved_by_id
    # The adjuster is the maker; any earlier approval was of another amount.
    line.amount, line.adjusted_reason, line.adjusted_by = amount, reason[:200], actor
    line.approved_by, line.approved_at = None, None
    for source, part in split_by_source(amount, fund_shares(roster.programme, roster.area)).items():
        setattr(line, f"fund_{source}", part)
    line.save(update_fields=["amount", "adjusted_reason", "adjusted_by", "approved_by", "approved_at",
                             *(f"fund_{s}" for s in SOURCES)])
    roster.status = Roster.Status.DRAFT
    roster.save(update_fields=["status"])
    _refresh_totals(roster)
    _audit(actor, "payroll.line_adjust", roster, before, {"amount": amount, "reason": reason}, obj=line)
    return line


@transaction.atomic
def roster_line_approve(*, actor: User, line: RosterLine) -> RosterLine:
    """复核 a line adjusted above what it may pay: a second person with the approver right, never its adjuster.
    Release waits for it; a later adjustment needs a new approval."""
    roster = _locked(line.roster)
    ensure_can(actor, roster.area, Cap.PAYROLL_APPROVE)
    _ensure_mutable(roster)
    line = RosterLine.objects.select_for_update().select_related("person").get(pk=line.pk)
    if not supervision.adjusted_above_entitlement(roster, line_id=line.pk):
        raise Conflict(f"{line.person.name}的明细没有调整到超过核定金额，无需复核", code="nothing_to_approve")
    if line.approved_by_id:
        raise Conflict(f"{line.person.name}的明细已经复核", code="already_approved")
    if line.adjusted_by_id == actor.pk:
        raise _four_eyes(f"{line.person.name}的明细金额是您调整的，须由另一位有复核权限的人员复核")
    line.approved_by, line.approved_at = actor, timezone.now()
    line.save(update_fields=["approved_by", "approved_at"])
    _audit(actor, "payroll.line_approve", roster, {"approved_by": None},
           {"approved_by": actor.pk, "amount": line.amount, "adjusted_by": line.adjusted_by_id}, obj=line)
    return line


def lines_awaiting_approval(roster: Roster) -> list[int]:
    """Lines adjusted above what they may pay that no second person has approved yet (release waits for them)."""
    return supervision.adjusted_above_entitlement(roster, unapproved=True)


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"{what}须填写原因", field="原因")
    return reason[:200]


@transaction.atomic
def roster_line_hold(*, actor: User, line: RosterLine, reason: str) -> RosterLine:
    """暂停发放 one pending line of an unreleased roster (e.g. the family reported a change not yet verified). Taking
    a line out adds no risk, so a checked roster stays checked; its totals shrink."""
    roster = _locked(line.roster)
    ensure_can(actor, roster.area, Cap.PAYROLL_RUN)
    _ensure_mutable(roster)
    reason = _reason(reason, "暂停发放")
    line = RosterLine.objects.select_for_update().select_related("person").get(pk=line.pk)
    if line.status != LineStatus.PENDING:
        raise Conflict(f"{line.person.name}的明细当前为“{line.get_status_display()}”，不能暂停发放", code="bad_status")
    line.status, line.adjusted_reason = LineStatus.WITHHELD, reason
    line.save(update_fields=["status", "adjusted_reason"])
    _refresh_totals(roster)
    _audit(actor, "payroll.line_hold", roster, {"status": LineStatus.PENDING},
           {"status": LineStatus.WITHHELD, "reason": reason}, obj=line)
    return line


@transaction.atomic
def roster_line_resume(*, actor: User, line: RosterLine, reason: str) -> RosterLine:
    """恢复发放 of a held line before release: it pays again, so the roster must be checked again."""
    roster = _locked(line.roster)
    ensure_can(actor, roster.area, Cap.PAYROLL_RUN)
    _ensure_mutable(roster)
    reason = _reason(reason, "恢复发放")
    line = RosterLine.objects.select_for_update().select_related("person").get(pk=line.pk)
    if line.status != LineStatus.WITHHELD:
        raise Conflict(f"{line.person.name}的明细当前为“{line.get_status_display()}”，无需恢复发放", code="bad_status")
    line.status, line.adjusted_reason = LineStatus.PENDING, reason
    line.save(update_fields=["status", "adjusted_reason"])
    roster.status = Roster.Status.DRAFT
    roster.save(update_fields=["status"])
    _refresh_totals(roster)
    _audit(actor, "payroll.line_resume", roster, {"status": LineStatus.WITHHELD},
           {"status": LineStatus.PENDING, "reason": reason}, obj=line)
    return line


# --- anomalies -----------------------------------------------------------------------------------------------

def _anomaly_locked(anomaly: Anomaly) -> Anomaly:
    return Anomaly.objects.select_for_update().select_related("roster__area", "line").get(pk=anomaly.pk)


def _anomaly_snapshot(a: Anomaly) -> dict:
    return {"status": a.status, "assignee": a.assignee_id, "disposition": a.disposition, "withheld": a.withheld}


def _anomaly_audit(actor: User, action: str, a: Anomaly, before: dict) -> None:
    audit.record(actor=actor, action=action, object_type="Anomaly", object_id=a.pk,
                 object_repr=f"{a.rule}：{a.detail}",
                 area_code=a.roster.area.code, before=before, after=_anomaly_snapshot(a))


@transaction.atomic
def anomaly_assign(*, actor: User, anomaly: Anomaly, assignee: User | None) -> Anomaly:
    a = _anomaly_locked(anomaly)
    ensure_can(actor, a.roster.area, Cap.ANOMALY_HANDLE)
    if a.status not in (Anomaly.Status.OPEN, Anomaly.Status.ASSIGNED):
        raise Conflict(f"疑点当前状态为“{a.get_status_display()}”，不能再分派", code="bad_status")
    if not (assignee and assignee.is_active and assignee.can(Cap.ANOMALY_HANDLE)
            and can_access_area(assignee, a.roster.area)):
        raise DomainError("承办人须为有权处置本区域资金监管疑点的在岗人员", field="承办人")
    before = _anomaly_snapshot(a)
    a.status, a.assignee = Anomaly.Status.ASSIGNED, assignee
    a.save(update_fields=["status", "assignee"])
    _anomaly_audit(actor, "payroll.anomaly_assign", a, before)
    return a


@transaction.atomic
def anomaly_dispose(*, actor: User, anomaly: Anomaly, disposition: str, withhold_line: bool = False) -> Anomaly:
    """The assignee records what was found and done. `withhold_line` takes the line out of an unreleased roster
    (停发: e.g. the payee has died)."""
    a = _anomaly_locked(anomaly)
    ensure_can(actor, a.roster.area, Cap.ANOMALY_HANDLE)
    if a.status != Anomaly.Status.ASSIGNED:
        raise Conflict(f"疑点当前状态为“{a.get_status_display()}”，须先分派承办人再处置", code="bad_status")
    if a.assignee_id != actor.pk:
        raise Forbidden("只有承办人可以填写处置意见")
    disposition = (disposition or "").strip()
    if not disposition:
        raise DomainError("处置意见不能为空", field="处置意见")
    before = _anomaly_snapshot(a)
    if withhold_line:
        roster = _locked(a.roster)
        _ensure_mutable(roster)
        # Taking a line out adds no risk, so a checked roster stays checked; its totals shrink.
        RosterLine.objects.filter(pk=a.line_id, status=LineStatus.PENDING).update(status=LineStatus.WITHHELD)
        _refresh_totals(roster)
        a.withheld = True
    a.status, a.disposition, a.disposed_at = Anomaly.Status.DISPOSED, disposition[:2000], timezone.now()
    a.save(update_fields=["status", "disposition", "disposed_at", "withheld"])
    _anomaly_audit(actor, "payroll.anomaly_dispose", a, before)
    return a


@transaction.atomic
def anomaly_close(*, actor: User, anomaly: Anomaly) -> Anomaly:
    """办结. A blocking anomaly is closed by a second person with the approver right: not its assignee (who
    disposed it) and not whoever adjusted the line it was found on."""
    a = _anomaly_locked(anomaly)
    ensure_can(actor, a.roster.area, Cap.ANOMALY_HANDLE)
    if a.status != Anomaly.Status.DISPOSED:
        raise Conflict(f"疑点当前状态为“{a.get_status_display()}”，须先处置才能办结", code="bad_status")
    if a.blocking:
        ensure_can(actor, a.roster.area, Cap.PAYROLL_APPROVE)
        if actor.pk in {a.assignee_id, a.line.adjusted_by_id}:
            raise _four_eyes("您承办（处置）了这条阻止发布的疑点或调整过该笔明细，须由另一位有复核权限的人员办结")
    before = _anomaly_snapshot(a)
    a.status, a.closed_at = Anomaly.Status.CLOSED, timezone.now()
    a.save(update_fields=["status", "closed_at"])
    _anomaly_audit(actor, "payroll.anomaly_close", a, before)
    return a


def _check_staff(actor: User, staff: User | None) -> User:
    """The staff member must be an active official working inside the actor's areas (not a resident or provider)."""
    if (staff is None or not staff.is_active or staff.role in (Role.RESIDENT, Role.PROVIDER)
            or not works_within(actor, staff)):
        raise DomainError("工作人员须为本辖区在岗的民政经办人员", field="工作人员")
    return staff


@transaction.atomic
def staff_relative_register(*, actor: User, staff: User | None, person: Person, relation: str,
                            staff_name: str = "", staff_position: str = "") -> StaffRelative:
    """近亲属备案 (the one register): record that `person` is a close relative of `staff` — or, for a village cadre
    without an account, of the person named `staff_name`; their payments get a review flag and their applications a
    full review. Either right files into it: the supervisor's (处置疑点) or the town's 近亲属备案 right."""
    ensure_can(actor, person.residence_area, Cap.ANOMALY_HANDLE if actor.can(Cap.ANOMALY_HANDLE)
               else Cap.ASSIST_RELATIVE_FILING)
    staff_name, staff_position = (staff_name or "").strip(), (staff_position or "").strip()
    if staff is not None or not staff_name:
        staff = _check_staff(actor, staff)
    if len(staff_name) > 64 or len(staff_position) > 100:
        raise DomainError("工作人员姓名最多64个字，工作单位及职务最多100个字", field="工作人员")
    relation = (relation or "").strip()
    if not relation:
        raise DomainError("请填写与工作人员的关系", field="关系")
    if len(relation) > 32:
        raise DomainError("关系最多32个字", field="关系")
    same = (StaffRelative.objects.filter(staff=staff, person=person) if staff is not None
            else StaffRelative.objects.filter(staff__isnull=True, staff_name=staff_name, person=person))
    if same.exists():
        raise Conflict(f"{person.name}已登记为{staff or staff_name}的近亲属", code="duplicate")
    rel = StaffRelative.objects.create(staff=staff, staff_name=staff_name, staff_position=staff_position,
                                       person=person, relation=relation, filed_by=actor if actor.pk else None)
    audit.record(actor=actor, action="payroll.staff_relative_register", object_type="StaffRelative",
                 object_id=rel.pk, object_repr=f"{rel.staff_label}—{person.name}（{relation}）",
                 area_code=person.residence_area.code,
                 after={"staff": staff.pk if staff is not None else None, "staff_name": staff_name,
                        "staff_position": staff_position, "person": person.masked_id, "relation": relation})
    return rel


@transaction.atomic
def staff_relative_remove(*, actor: User, relative: StaffRelative, reason: str) -> None:
    """撤销备案 (e.g. the staff member has left, or it was filed in error). The row goes; the audit trail keeps who
    filed and who withdrew it, and anomalies already raised on earlier rosters stay as they were."""
    # Lock the filing only: staff is an outer join now (a cadre without an account has none).
    rel = (StaffRelative.objects.select_for_update(of=("self",)).select_related("person__residence_area", "staff")
           .filter(pk=relative.pk).first())
    if rel is None:

        raise NotFound("近亲属备案不存在或不在您的管辖范围内")
    ensure_can(actor, rel.person.residence_area, Cap.ANOMALY_HANDLE)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("撤销备案须填写原因", field="撤销原因")
    before = {"staff": rel.staff_id, "person": rel.person.masked_id, "relation": rel.relation,
              "registered_at": rel.registered_at}
    audit.record(actor=actor, action="payroll.staff_relative_remove", object_type="StaffRelative",
                 object_id=rel.pk, object_repr=f"{rel.staff_label}—{rel.person.name}（{rel.relation}）",
                 area_code=rel.person.residence_area.code, before=before, after={"reason": reason[:200]})
    rel.delete()


def anomaly_counts(roster: Roster) -> dict:
    return dict(roster.anomalies.values_list("status").annotate(n=Count("id")).values_list("status", "n"))




def outside_payment_record(*, person: Person, month: dt.date, need: str, payer: str, amount: Decimal,
                           source: str) -> tuple[OutsidePayment, list[str]]:
    """Record money a domain outside the rosters (a charity fund) paid a person for a need, inside the caller's
    transaction and audit; returns it with the names of this month's government programmes that already pay the
    same need to that person (the caller warns; the roster check flags it as `charity_double`)."""
    row = OutsidePayment.objects.create(person=person, month=month.replace(day=1), need=need, payer=payer[:100],
                                        amount=amount, source=source)
    lines = (RosterLine.objects.filter(person=person, roster__month=month.replace(day=1))
             .exclude(status=LineStatus.WITHHELD).values_list("roster__programme", flat=True).distinct())
    return row, sorted({programme_info(p).label for p in lines if need_of(p) == need})
