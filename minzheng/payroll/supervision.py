"""资金监管: the rules every roster passes before release, each one set query.

Each rule is an `INSERT INTO payroll_anomaly … SELECT` over the roster's pending lines; the unique (line, rule)
constraint makes a rerun insert nothing it found before. The detail text is built in SQL, in Chinese, naming the
person and the figures, so a million lines never pass through Python. Rule configuration (blocking, parameters)
is data: SupervisionRule, seeded from data/payroll/supervision_rules.csv.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from .models import Anomaly, LineStatus, Roster
from .reference import ensure_rules, exclusions_for, programme_info


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


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


_INSERT = """
INSERT INTO payroll_anomaly (roster_id, line_id, rule, blocking, detail, status, disposition, withheld, created_at)
SELECT l.roster_id, l.id, %(rule)s, %(blocking)s, {detail}, 'open', '', %(false)s, %(now)s
FROM payroll_rosterline l
JOIN registry_person p ON p.id = l.person_id
{joins}
WHERE l.roster_id = %(roster)s AND l.status = 'pending' AND ({condition})
ON CONFLICT DO NOTHING
"""


@dataclass(frozen=True)
class RuleSQL:
    detail: str
    condition: str
    joins: str = ""
    extra: dict | None = None


def _rules(roster: Roster, params: dict, config) -> dict[str, list[RuleSQL]]:
    rules: dict[str, list[RuleSQL]] = {}
    regular = "l.reissue_of_id IS NULL"

    rules["deceased"] = [RuleSQL(
        detail="p.name || '已于' || CAST(p.death_date AS TEXT) || '死亡，仍在' || %(month_text)s || '发放名单中'",
        condition="p.death_date IS NOT NULL AND p.death_date < %(month)s",
    )]

    excl = []
    for i, ex in enumerate(exclusions_for(roster.programme)):
        other = programme_info(ex.other).label
        own_part = "" if not ex.own_component else f" AND e1.component = %(own_comp_{i})s"
        other_part = "" if not ex.other_component else f" AND e2.component = %(other_comp_{i})s"
        excl.append(RuleSQL(
            detail=f"p.name || %(excl_text_{i})s",
            condition=(
                f"{regular} AND EXISTS (SELECT 1 FROM assistance_entitlement e1 WHERE e1.case_id = l.case_id "
                f"AND e1.person_id = l.person_id AND {in_force('e1')}{own_part}) "
                f"AND EXISTS (SELECT 1 FROM assistance_entitlement e2 JOIN assistance_case c2 ON c2.id = e2.case_id "
                f"WHERE e2.person_id = l.person_id AND c2.programme = %(other_{i})s AND {case_in_force('c2')} "
                f"AND {in_force('e2')}{other_part})"),
            extra={f"excl_text_{i}": f"同时享受{other}，两者不得同时享受（依据：{ex.citation}）",
                   f"other_{i}": ex.other, f"own_comp_{i}": ex.own_component,
                   f"other_comp_{i}": ex.other_component},
        ))
    rules["excluded_programmes"] = excl

    rules["two_areas"] = [RuleSQL(
        detail=("p.name || '本月在' || (SELECT a2.name FROM assistance_entitlement e2 "
                "JOIN assistance_case c2 ON c2.id = e2.case_id JOIN areas_area a2 ON a2.id = c2.area_id "
                f"WHERE e2.person_id = l.person_id AND c2.area_id <> l.area_id AND {case_in_force('c2')} "
                f"AND {in_force('e2')} ORDER BY a2.id LIMIT 1) || '也有在保救助金额'"),
        condition=(f"{regular} AND EXISTS (SELECT 1 FROM assistance_entitlement e2 "
                   "JOIN assistance_case c2 ON c2.id = e2.case_id "
                   f"WHERE e2.person_id = l.person_id AND c2.area_id <> l.area_id AND {case_in_force('c2')} "
                   f"AND {in_force('e2')})"),
    )]

    other_payee = ("SELECT {what} FROM payroll_rosterline l2 JOIN payroll_roster r2 ON r2.id = l2.roster_id "
                   "{join} WHERE r2.month = %(month)s AND l2.bank_account = l.bank_account "
                   "AND l2.person_id <> l.person_id AND l2.case_id <> l.case_id AND l2.status <> 'withheld' "
                   "AND NOT EXISTS (SELECT 1 FROM registry_membership m1 JOIN registry_membership m2 "
                   "ON m2.household_id = m1.household_id WHERE m1.person_id = l.person_id "
                   "AND m2.person_id = l2.person_id AND m1.end_date IS NULL AND m2.end_date IS NULL)")
    rules["shared_account"] = [RuleSQL(
        detail=(f"'银行账号尾号' || {tail_sql('l.bank_account')} || '同时为' || ("
                + other_payee.format(what="p2.name", join="JOIN registry_person p2 ON p2.id = l2.person_id")
                + " ORDER BY l2.id LIMIT 1) || '收款，与' || p.name || '不属于同一家庭'"),
        condition="l.bank_account <> '' AND EXISTS (" + other_payee.format(what="1", join="") + ")",
    )]

    entitled = (f"(SELECT SUM(e.monthly_amount) FROM assistance_entitlement e WHERE e.case_id = l.case_id "
                f"AND e.person_id = l.person_id AND {in_force('e')})")
    allowed = f"CASE WHEN l.reissue_of_id IS NULL THEN COALESCE({entitled}, 0) ELSE f.amount END"
    rules["above_entitlement"] = [RuleSQL(
        detail=(f"p.name || '本笔发放' || {money_sql('l.amount')} || '元，超过' || "
                f"CASE WHEN l.reissue_of_id IS NULL THEN '核定金额' ELSE '原失败明细金额' END || "
                f"{money_sql(allowed)} || '元'"),
        condition=f"ROUND(l.amount, 2) > ROUND({allowed}, 2)",
        joins="LEFT JOIN payroll_rosterline f ON f.id = l.reissue_of_id",
    )]

    rules["staff_relative"] = [RuleSQL(
        detail=("p.name || COALESCE('为工作人员' || (SELECT COALESCE(NULLIF(u.display_name, ''), u.username) "
                "FROM payroll_staffrelative s JOIN accounts_user u ON u.id = s.staff_id "
                "WHERE s.person_id = l.person_id ORDER BY s.id LIMIT 1) || '的近亲属（已备案）', "
                "'的申请已登记为与经办人员有近亲属关系') || '，发放前须重点核查'"),
        condition=("EXISTS (SELECT 1 FROM payroll_staffrelative s WHERE s.person_id = l.person_id) "
                   "OR EXISTS (SELECT 1 FROM assistance_case c JOIN assistance_application ap "
                   "ON ap.id = c.application_id WHERE c.id = l.case_id AND ap.related_to_staff = %(true)s)"),
    )]

    factor = config["sudden_jump"].parameter if "sudden_jump" in config else None
    if factor:
        previous = ("(SELECT SUM(l2.amount) FROM payroll_rosterline l2 JOIN payroll_roster r2 ON r2.id = l2.roster_id "
                    "WHERE r2.programme = %(programme)s AND r2.month = %(prev_month)s AND l2.case_id = l.case_id "
                    "AND l2.person_id = l.person_id AND l2.reissue_of_id IS NULL)")
        rules["sudden_jump"] = [RuleSQL(
            detail=(f"p.name || '本月金额' || {money_sql('l.amount')} || '元，超过上月' || "
                    f"{money_sql(previous)} || '元的' || %(factor_text)s || '倍'"),
            condition=f"{regular} AND {previous} > 0 AND l.amount > CAST(%(factor)s AS NUMERIC) * {previous}",
            extra={"factor": str(factor), "factor_text": format(factor.normalize(), "f")},
        )]

    rules["missing_account"] = [RuleSQL(
        detail="p.name || '及户主均未登记银行账号，无法社会化发放'",
        condition="l.bank_account = ''",
    )]
    return rules


def run_rules(roster: Roster) -> dict[str, int]:
    """Run every enabled rule on the roster's pending lines; returns new hits per rule."""
    config = ensure_rules()
    params = {
        "roster": roster.pk, "month": roster.month, "prev_month": previous_month(roster.month),
        "programme": roster.programme, "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "true": True, "false": False,
        "month_text": f"{roster.month:%Y年%m月}",
    }
    found: dict[str, int] = {}
    with connection.cursor() as cur:
        for code, queries in _rules(roster, params, config).items():
            rule = config.get(code)
            if rule is None or not rule.enabled:
                continue
            found[code] = 0
            for q in queries:
                sql = _INSERT.format(detail=q.detail, condition=q.condition, joins=q.joins)
                cur.execute(sql, {**params, **(q.extra or {}), "rule": code, "blocking": rule.blocking})
                found[code] += max(cur.rowcount, 0)
    return found


def open_blocking(roster: Roster):
    return Anomaly.objects.filter(roster=roster, blocking=True,
                                  status__in=[Anomaly.Status.OPEN, Anomaly.Status.ASSIGNED],
                                  line__status=LineStatus.PENDING)
