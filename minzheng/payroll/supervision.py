"""资金监管: the rules every roster passes before release, each one set query.

Each rule is an `INSERT INTO payroll_anomaly … SELECT` over the roster's pending lines; the unique (line, rule)
constraint makes a rerun insert nothing it found before. The detail text is built in SQL, in Chinese, naming the
person and the figures, so a million lines never pass through Python. Rule configuration (blocking, parameters)
is data: SupervisionRule, seeded from data/payroll/supervision_rules.csv.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from minzheng.core.periods import previous_month_start

from .models import Anomaly, LineStatus, Roster
from .reference import ensure_rules, exclusions_for, need_label, need_of, programme_info

ANALYZE_ABOVE = 10_000  # lines in a run from which the check refreshes the planner's statistics first


# Grouping and hashing a month's lines in memory rather than in batches on disk; SET LOCAL lasts to the end of
# the transaction. The benchmark's hand-written baseline runs with the same setting.
WORK_MEM_SQL = "SET LOCAL work_mem = '128MB'"
_NAME = "(SELECT pn.name FROM registry_person pn WHERE pn.id = l.person_id)"


def money_sql(expr: str) -> str:
    """An amount as text with two decimals, e.g. 1440.00."""
    if connection.vendor == "postgresql":
        return f"to_char({expr}, 'FM9999999990.00')"
    return f"printf('%%.2f', {expr})"


def tail_sql(expr: str, n: int = 4) -> str:
    if connection.vendor == "postgresql":
        return f"right({expr}, {n})"
    return f"substr({expr}, -{n})"


def in_force(alias: str, month_param: str = "%(month)s") -> str:
    return f"{alias}.from_month <= {month_param} AND ({alias}.to_month IS NULL OR {alias}.to_month > {month_param})"


def case_in_force(alias: str, month_param: str = "%(month)s") -> str:
    return (f"{alias}.status = 'active' AND {alias}.start_month <= {month_param} "
            f"AND ({alias}.end_month IS NULL OR {alias}.end_month >= {month_param})")


# Every rule is one INSERT … SELECT over all pending lines of the run's rosters (one programme, one month): the
# per-line facts it needs are joined in as sets (hash joins over the run), not looked up line by line, and the
# few correlated sub-selects left are in the detail text, evaluated only for the lines that hit.
_INSERT = """
INSERT INTO payroll_anomaly (roster_id, line_id, rule, blocking, detail, status, disposition, withheld, created_at)
SELECT l.roster_id, l.id, %(rule)s, %(blocking)s, {detail}, 'open', '', %(false)s, %(now)s
FROM payroll_rosterline l
{joins}
WHERE l.roster_id IN ({rosters}) AND l.status = 'pending' AND ({condition})
ON CONFLICT DO NOTHING
"""


@dataclass(frozen=True)
class RuleSQL:
    detail: str
    condition: str
    joins: str = ""
    extra: dict | None = None


# What a line may pay: the entitlements in force that month for its case and payee, or for a re-issue the failed
# line's amount. Shared by the above_entitlement rule and the four-eyes check on adjusted lines.
_ENTITLED_SQL = ("(SELECT e.case_id, e.person_id, SUM(e.monthly_amount) AS amount FROM assistance_entitlement e "
                 "JOIN assistance_case ce ON ce.id = e.case_id "
                 "WHERE ce.programme = %(programme)s AND {in_force} GROUP BY e.case_id, e.person_id)")
_ALLOWED_SQL = "CASE WHEN l.reissue_of_id IS NULL THEN COALESCE(ent.amount, 0) ELSE f.amount END"


def adjusted_above_entitlement(roster: Roster, *, line_id: int | None = None, unapproved: bool = False) -> list[int]:
    """Ids of the roster's pending lines adjusted to more than they may pay (optionally only one line, or only
    those no second person has approved yet). Few lines: adjustments are rare."""
    sql = (f"SELECT l.id FROM payroll_rosterline l "
           f"LEFT JOIN {_ENTITLED_SQL.format(in_force=in_force('e'))} ent "
           "ON ent.case_id = l.case_id AND ent.person_id = l.person_id "
           "LEFT JOIN payroll_rosterline f ON f.id = l.reissue_of_id "
           "WHERE l.roster_id = %(roster)s AND l.status = 'pending' AND l.adjusted_by_id IS NOT NULL "
           f"AND ROUND(l.amount, 2) > ROUND({_ALLOWED_SQL}, 2)")
    params = {"roster": roster.pk, "programme": roster.programme, "month": roster.month}
    if line_id is not None:
        sql += " AND l.id = %(line)s"
        params["line"] = line_id
    if unapproved:
        sql += " AND l.approved_by_id IS NULL"
    with connection.cursor() as cur:
        cur.execute(sql + " ORDER BY l.id", params)
        return [row[0] for row in cur.fetchall()]


def _rules(programme: str, params: dict, config) -> dict[str, list[RuleSQL]]:
    rules: dict[str, list[RuleSQL]] = {}
    regular = "l.reissue_of_id IS NULL"

    rules["deceased"] = [RuleSQL(
        detail="p.name || '已于' || CAST(p.death_date AS TEXT) || '死亡，仍在' || %(month_text)s || '发放名单中'",
        condition="p.death_date IS NOT NULL AND p.death_date < %(month)s",
        joins="JOIN registry_person p ON p.id = l.person_id",
    )]

    excl = []
    for i, ex in enumerate(exclusions_for(programme)):
        other = programme_info(ex.other).label
        own_part = "" if not ex.own_component else f" AND e1.component = %(own_comp_{i})s"
        other_part = "" if not ex.other_component else f" AND e2.component = %(other_comp_{i})s"
        # Driven from the (few) persons in force in the other programme: a semi-join, not a lookup per line.
        excl.append(RuleSQL(
            detail=f"p.name || %(excl_text_{i})s",
            condition=(
                f"{regular} AND l.person_id IN (SELECT e2.person_id FROM assistance_entitlement e2 "
                f"JOIN assistance_case c2 ON c2.id = e2.case_id WHERE c2.programme = %(other_{i})s "
                f"AND {case_in_force('c2')} AND {in_force('e2')}{other_part}) "
                f"AND EXISTS (SELECT 1 FROM assistance_entitlement e1 WHERE e1.case_id = l.case_id "
                f"AND e1.person_id = l.person_id AND {in_force('e1')}{own_part})"),
            extra={f"excl_text_{i}": f"同时享受{other}，两者不得同时享受（依据：{ex.citation}）",
                   f"other_{i}": ex.other, f"own_comp_{i}": ex.own_component,
                   f"other_comp_{i}": ex.other_component},
        ))
    rules["excluded_programmes"] = excl

    # Persons with money in force this month in more than one area (any programme), found by one grouping.
    rules["two_areas"] = [RuleSQL(
        detail=("p.name || '本月在' || (SELECT a2.name FROM assistance_entitlement e2 "
                "JOIN assistance_case c2 ON c2.id = e2.case_id JOIN areas_area a2 ON a2.id = c2.area_id "
                f"WHERE e2.person_id = l.person_id AND c2.area_id <> l.area_id AND {case_in_force('c2')} "
                f"AND {in_force('e2')} ORDER BY a2.id LIMIT 1) || '也有在保救助金额'"),
        condition=(f"{regular} AND l.person_id IN (SELECT e2.person_id FROM assistance_entitlement e2 "
                   "JOIN assistance_case c2 ON c2.id = e2.case_id "
                   f"WHERE {case_in_force('c2')} AND {in_force('e2')} "
                   "GROUP BY e2.person_id HAVING MIN(c2.area_id) <> MAX(c2.area_id))"),
    )]

    # Accounts that receive, this month (any roster), for more than one person: one grouping over the month's
    # lines; only lines on such accounts are then compared pairwise for the household exemption.
    other_payee = ("SELECT {what} FROM payroll_rosterline l2 JOIN payroll_roster r2 ON r2.id = l2.roster_id "
                   "{join} WHERE r2.month = %(month)s AND l2.bank_account = l.bank_account "
                   "AND l2.person_id <> l.person_id AND l2.case_id <> l.case_id AND l2.status <> 'withheld' "
                   "AND NOT EXISTS (SELECT 1 FROM registry_membership m1 JOIN registry_membership m2 "
                   "ON m2.household_id = m1.household_id WHERE m1.person_id = l.person_id "
                   "AND m2.person_id = l2.person_id AND m1.end_date IS NULL AND m2.end_date IS NULL)")
    shared = ("SELECT l3.bank_account FROM payroll_rosterline l3 JOIN payroll_roster r3 ON r3.id = l3.roster_id "
              "WHERE r3.month = %(month)s AND l3.bank_account <> '' AND l3.status <> 'withheld' "
              "GROUP BY l3.bank_account HAVING MIN(l3.person_id) <> MAX(l3.person_id)")
    rules["shared_account"] = [RuleSQL(
        detail=(f"'银行账号尾号' || {tail_sql('l.bank_account')} || '同时为' || ("
                + other_payee.format(what="p2.name", join="JOIN registry_person p2 ON p2.id = l2.person_id")
                + " ORDER BY l2.id LIMIT 1) || '收款，与' || p.name || '不属于同一家庭'"),
        condition=(f"l.bank_account IN ({shared}) AND EXISTS (" + other_payee.format(what="1", join="") + ")"),
    )]

    entitled, allowed = _ENTITLED_SQL.format(in_force=in_force("e")), _ALLOWED_SQL
    rules["above_entitlement"] = [RuleSQL(
        detail=(f"p.name || '本笔发放' || {money_sql('l.amount')} || '元，超过' || "
                f"CASE WHEN l.reissue_of_id IS NULL THEN '核定金额' ELSE '原失败明细金额' END || "
                f"{money_sql(allowed)} || '元'"),
        condition=f"ROUND(l.amount, 2) > ROUND({allowed}, 2)",
        joins=(f"LEFT JOIN {entitled} ent ON ent.case_id = l.case_id AND ent.person_id = l.person_id "
               "LEFT JOIN payroll_rosterline f ON f.id = l.reissue_of_id"),
    )]

    rules["staff_relative"] = [RuleSQL(
        detail=("p.name || COALESCE('为工作人员' || (SELECT COALESCE(NULLIF(u.display_name, ''), u.username, "
                "s.staff_name) FROM payroll_staffrelative s LEFT JOIN accounts_user u ON u.id = s.staff_id "
                "WHERE s.person_id = l.person_id ORDER BY s.id LIMIT 1) || '的近亲属（已备案）', "
                "'的申请已登记为与经办人员有近亲属关系') || '，发放前须重点核查'"),
        condition=("l.person_id IN (SELECT s.person_id FROM payroll_staffrelative s) "
                   "OR l.case_id IN (SELECT c.id FROM assistance_case c JOIN assistance_application ap "
                   "ON ap.id = c.application_id WHERE ap.related_to_staff = %(true)s)"),
    )]

    factor = config["sudden_jump"].parameter if "sudden_jump" in config else None
    if factor:
        previous = ("(SELECT l2.case_id, l2.person_id, SUM(l2.amount) AS amount FROM payroll_rosterline l2 "
                    "JOIN payroll_roster r2 ON r2.id = l2.roster_id WHERE r2.programme = %(programme)s "
                    "AND r2.month = %(prev_month)s AND l2.reissue_of_id IS NULL GROUP BY l2.case_id, l2.person_id)")
        rules["sudden_jump"] = [RuleSQL(
            detail=(f"p.name || '本月金额' || {money_sql('l.amount')} || '元，超过上月' || "
                    f"{money_sql('pv.amount')} || '元的' || %(factor_text)s || '倍'"),
            condition=f"{regular} AND pv.amount > 0 AND l.amount > CAST(%(factor)s AS NUMERIC) * pv.amount",
            joins=f"JOIN {previous} pv ON pv.case_id = l.case_id AND pv.person_id = l.person_id",
            extra={"factor": str(factor), "factor_text": format(factor.normalize(), "f")},
        )]

    # The same need paid this month by a charity fund (payroll_outsidepayment, written by the paying domain) and by
    # this programme: flagged, not forbidden — the anomaly's handler decides which payment stands.
    need = need_of(programme)
    if need:
        rules["charity_double"] = [RuleSQL(
            detail=("p.name || %(month_text)s || '已由' || (SELECT o.payer FROM payroll_outsidepayment o "
                    "WHERE o.person_id = l.person_id AND o.month = %(month)s AND o.need = %(need)s ORDER BY o.id "
                    f"LIMIT 1) || '支付同一需求（' || %(need_label)s || '）的慈善救助' || "
                    f"(SELECT {money_sql('SUM(o.amount)')} FROM payroll_outsidepayment o WHERE o.person_id = "
                    "l.person_id AND o.month = %(month)s AND o.need = %(need)s) || '元，与本项目发放重复'"),
            condition=(f"{regular} AND l.person_id IN (SELECT o.person_id FROM payroll_outsidepayment o "
                       "WHERE o.month = %(month)s AND o.need = %(need)s)"),
            extra={"need": need, "need_label": need_label(need)},
        )]

    rules["missing_account"] = [RuleSQL(
        detail="p.name || '及户主均未登记银行账号，无法社会化发放'",
        condition="l.bank_account = ''",
    )]
    return rules


def run_rules(rosters: list[Roster]) -> dict[int, dict[str, int]]:
    """Run every enabled rule once over the pending lines of all `rosters` (one month); returns new hits per rule
    for each roster."""
    config = ensure_rules()
    found: dict[int, dict[str, int]] = {r.pk: {} for r in rosters}
    by_run: dict[tuple[str, dt.date], list[Roster]] = {}
    for r in rosters:
        by_run.setdefault((r.programme, r.month), []).append(r)
    now = timezone.now()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(WORK_MEM_SQL)  # this transaction only
        for (programme, month), group in by_run.items():
            ids = ",".join(str(int(r.pk)) for r in group)
            if connection.vendor == "postgresql" and sum(r.line_count for r in group) >= ANALYZE_ABOVE:
                # The lines were probably just written (same transaction): without fresh statistics the planner
                # would take the new month's lines for a handful and pick nested loops over a million rows.
                cur.execute("ANALYZE payroll_rosterline")
            params = {
                "month": month, "prev_month": previous_month_start(month), "programme": programme,
                "now": connection.ops.adapt_datetimefield_value(now), "true": True, "false": False,
                "month_text": f"{month:%Y年%m月}",
            }
            for code, queries in _rules(programme, params, config).items():
                rule = config.get(code)
                if rule is None or not rule.enabled:
                    continue
                for r in group:
                    found[r.pk][code] = 0
                for q in queries:
                    # The payee's name is looked up only for the lines that hit, unless the rule joins persons.
                    detail = q.detail if "registry_person p " in q.joins else q.detail.replace("p.name", _NAME)
                    sql = _INSERT.format(detail=detail, condition=q.condition, joins=q.joins, rosters=ids)
                    cur.execute(sql, {**params, **(q.extra or {}), "rule": code, "blocking": rule.blocking})
    # New hits per roster and rule: anomalies are few, and found through the (roster, status) index.
    rows = (Anomaly.objects.filter(roster__in=rosters, created_at=now).values("roster", "rule").order_by()
            .annotate(n=Count("id")).values_list("roster", "rule", "n"))
    for roster_id, rule, n in rows:
        found[roster_id][rule] = n
    return found


def open_blocking(roster: Roster):
    return Anomaly.objects.filter(roster=roster, blocking=True,
                                  status__in=[Anomaly.Status.OPEN, Anomaly.Status.ASSIGNED],
                                  line__status=LineStatus.PENDING)
