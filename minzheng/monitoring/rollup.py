"""The roll-up: every indicator × every area for one year, rebuilt idempotently.

A full rebuild runs one step per data element (one grouped query each, replacing that element's rows for the
year) and then the values step (ratio of sums over the area tree, policy standards, rule targets, reported
figures, progress). Each step commits with the run's record of steps done, so an interrupted run resumes at
the first step not done and a rerun gives the same rows.

An incremental refresh reads the audit log after the last run: only the areas that changed (and everything under
them) are recounted, and only their values and their ancestors' are rewritten.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from minzheng.areas.models import Area
from minzheng.areas.selectors import retired_area_ancestors
from minzheng.core.bulk import copy_insert
from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEntry
from minzheng.policy.models import KINDS, Scope, Standard
from minzheng.policy.models import Formula as PolicyFormula
from minzheng.policy.rules import growth, memoized, ref_value

from . import elements, targets
from .models import ElementValue, Formula, Indicator, IndicatorValue, ReportedValue, RollupRun, TargetRule

# Audit actions that may carry no area code and change nothing an indicator counts.
_NO_DATA_ACTIONS = ("user.", "person.view_full", "person.export", "import.upload", "import.discard",
                    "monitoring.", "payroll.bank_file_export")
FIRST_YEAR = 2020
_Q = Decimal("0.0001")


def as_of(year: int) -> dt.date:
    return min(dt.date(year, 12, 31), timezone.localdate())


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise DomainError(f"年度{year}超出范围：应在{FIRST_YEAR}年至今年之间", field="年度")
    return year


def _terms(expr: str) -> list[str]:
    return [x.strip() for x in (expr or "").split("+") if x.strip()]


def needed_elements() -> list[str]:
    names = set()
    for f in Formula.objects.all():
        names.update(n for n in _terms(f.numerator) + _terms(f.denominator) if not elements.is_policy(n))
    return sorted(names)


# --- steps -------------------------------------------------------------------------------------------------

def count_element(name: str, year: int, area_ids: set[int] | None = None) -> int:
    """Replace the element's rows for `year` (all areas, or only `area_ids`): one INSERT … SELECT of the element's
    grouped query, so no row passes through Python."""
    el = elements.ELEMENTS[name]
    qs = el.query(as_of(year), year)
    old = ElementValue.objects.filter(element=name, period=year)
    if area_ids is not None:
        qs = qs.filter(**{f"{el.area_field}__in": area_ids})
        old = old.filter(area_id__in=area_ids)
    old.delete()
    sql, params = qs.query.sql_with_params()  # selects (area, v) in that order
    table = connection.ops.quote_name(ElementValue._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table} (area_id, value, element, period) SELECT q.*, %s, %s FROM ({sql}) q",
                    [name, year, *params])
        return cur.rowcount


class _Tree:
    """Current areas with their ancestors, for summing leaf values upwards."""

    def __init__(self, on: dt.date):
        self.areas = {a.pk: a for a in Area.objects.current(on)}
        self.up = {pk: [int(x) for x in a.path.strip("/").split("/")] for pk, a in self.areas.items()}
        # rows still pointing at an area re-divided by `on` count towards its successor (areas.selectors)
        self.up.update(retired_area_ancestors(on, self.areas))

    def within(self, area: Area) -> list[Area]:
        return [a for a in self.areas.values() if a.path.startswith(area.path)]

    def sums(self, values: dict[int, Decimal]) -> dict[int, Decimal]:
        out: dict[int, Decimal] = defaultdict(Decimal)
        for area_id, v in values.items():
            for anc in self.up.get(area_id, ()):
                out[anc] += v
        return out


def formula_for(ind: Indicator, formulas: dict[str, Formula]) -> Formula | None:
    return formulas.get(ind.template_row) or formulas.get(ind.key)


class PolicyLookup:
    """Standards and their growth for one as-of date, each looked up once per area (rules share operands)."""

    def __init__(self, on: dt.date, areas: dict[int, Area] | None = None):

        self.on, self.cache, self.areas = on, {}, areas or {}
        # areas that set any standard: a place below them resolves exactly as they do
        self.setters = set(Standard.objects.values_list("jurisdiction_id", flat=True).distinct()) | set(
            PolicyFormula.objects.values_list("jurisdiction_id", flat=True).distinct())

    def _anchor(self, area: Area) -> Area:
        ids = [int(x) for x in area.path.strip("/").split("/")]
        nearest = next((i for i in reversed(ids) if i in self.setters), None)
        if nearest is None or nearest == area.pk:
            return area
        if nearest not in self.areas:
            self.areas[nearest] = Area.objects.get(pk=nearest)
        return self.areas[nearest]

    def _get(self, fn, area: Area, ref: str):
        area = self._anchor(area)
        key = (fn.__name__, area.pk, ref)
        if key not in self.cache:
            try:
                self.cache[key] = fn(area, ref, self.on)
            except DomainError as e:
                self.cache[key] = e
        if isinstance(self.cache[key], DomainError):
            raise self.cache[key]
        return self.cache[key]

    def value(self, area: Area, ref: str) -> Decimal:

        return self._get(ref_value, area, ref)

    def growth(self, area: Area, ref: str) -> Decimal:
        """Growth over one year; a ':real' variant is deflated by the consumer price index (实际增速)."""

        name, _, when = ref.partition("@")
        if not name.endswith(":real"):
            return self._get(growth, area, ref)
        at = f"@{when}" if when else ""
        nominal = self._get(growth, area, name[: -len(":real")] + at)
        return (1 + nominal) / (1 + self._get(growth, area, "cpi_index:all" + at)) - 1

    def term(self, name: str, area: Area) -> tuple[Decimal | None, str]:
        """A formula's policy term ('std:dibao:urban', 'growth:…') in `area`, with its note; (None, why) when the
        standard cannot be resolved there."""
        prefix, _, ref = name.partition(":")
        try:
            if prefix == "growth":
                g = self.growth(area, ref)
                return g, f"{ref}较上年增长{g:.2%}"
            v = self.value(area, ref)
            return v, f"{ref}={v.normalize():f}"
        except DomainError as e:
            return None, e.message

    def holds(self, rule: TargetRule, area: Area) -> tuple[bool | None, str]:
        try:
            if rule.kind in (TargetRule.Kind.GROWTH_GE, TargetRule.Kind.GROWTH_FOLLOWS):
                left, right = self.growth(area, rule.left), self.growth(area, rule.right)
                ok = left >= rule.factor * right
                verdict = "成立" if ok else "不成立"
                return ok, (f"{rule.phrase}：{operand_label(rule.left)}增长{left:.2%}，"
                            f"{operand_label(rule.right)}增长{right:.2%}（{verdict}）")
            left, right = self.value(area, rule.left), self.value(area, rule.right)
            want = rule.factor * right
            if rule.kind in (TargetRule.Kind.RATIO_EQ, TargetRule.Kind.REF_EQ):
                # standards are set in whole yuan, rounded up from the multiple (policy/formulas.csv: yuan_up)
                ok = want <= left < want + 1
            else:
                ok = left >= want
            return ok, (f"{rule.phrase}：{operand_label(rule.left)}={left.normalize():f}，"
                        f"{rule.factor.normalize():f}×{operand_label(rule.right)}="
                        f"{want.normalize():f}（{'成立' if ok else '不成立'}）")
        except DomainError as e:
            return None, f"{rule.phrase}：无法校验，{e.message}"


def operand_label(ref: str) -> str:
    """'dibao:urban' / 'consumption_per_capita:all@prev' as a reader says it: 城镇低保标准, 上年居民人均消费支出."""
    name, _, when = ref.partition("@")
    kind, _, rest = name.partition(":")
    scope = rest.split(":")[0] if rest else ""
    scope_label = {Scope.URBAN: "城镇", Scope.RURAL: "农村"}.get(scope, "")
    real = "（实际）" if name.endswith(":real") else ""
    return f"{'上年' if when else ''}{scope_label}{KINDS.get(kind, kind)}{real}"


def unit_scale(formula_unit: str, indicator_unit: str) -> Decimal:
    """Some plans print counts in 万 (0.6万人次): a formula counting 人次 is scaled to the indicator's unit."""
    return Decimal("0.0001") if formula_unit and indicator_unit == "万" + formula_unit else Decimal(1)


def _is_rate(ind: Indicator, formula: Formula | None) -> bool:
    """A rate can be judged in every sub-area against the plan's target; a count only where it was set."""
    return bool(formula and (formula.denominator or any(elements.is_policy(t) for t in _terms(formula.numerator)))) \
        or ind.unit in ("%", "‰")


_VALUE_FIELDS = ("indicator_id", "area_id", "period", "numerator", "denominator", "value", "running_total",
                 "expected", "holds", "source", "status", "detail", "data_as_of")


def compute_values(year: int, affected: set[int] | None = None) -> int:
    """Write IndicatorValue rows for `year` (all areas, or only `affected` ones); returns the row count.

    Policy standards are resolved in one memoized batch (policy.rules.memoized) and the rows are written with COPY
    on PostgreSQL: per row only dictionary look-ups and the progress rule run in Python."""

    with memoized():
        rows = _value_rows(year, affected)
    with transaction.atomic():
        old = IndicatorValue.objects.filter(period=year)
        if affected is not None:
            old = old.filter(area_id__in=affected)
        old.delete()
        copy_insert(IndicatorValue, _VALUE_FIELDS, rows)
    return len(rows)


def _value_rows(year: int, affected: set[int] | None) -> list[tuple]:
    on, now = as_of(year), timezone.now()
    tree = _Tree(on)
    formulas = {f.key: f for f in Formula.objects.all()}
    rules = {r.name: r for r in TargetRule.objects.all()}
    leaf: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for name, area_id, v in ElementValue.objects.filter(period=year).values_list("element", "area_id", "value"):
        leaf[name][area_id] = v
    totals = {name: tree.sums(vals) for name, vals in leaf.items()}
    reported = defaultdict(dict)
    for rv in ReportedValue.objects.filter(period=year):
        reported[rv.indicator_id][rv.area_id] = rv
    earlier = defaultdict(Decimal)  # running totals of cumulative indicators before `year`
    for ind_id, area_id, v in IndicatorValue.objects.filter(
            period__gt=targets.BASE_YEAR, period__lt=year, indicator__cumulative=True, value__isnull=False
    ).values_list("indicator_id", "area_id", "value"):
        earlier[(ind_id, area_id)] += v
    pol = PolicyLookup(on, dict(tree.areas))
    zero, no_values = Decimal(0), {}


    def side(terms, area):
        total, notes = zero, []
        for name, is_policy in terms:
            if is_policy:
                v, note = pol.term(name, area)
                if v is None:
                    return None, note
                total += v
                notes.append(note)
            else:
                total += totals.get(name, no_values).get(area.id, zero)
        return total, "；".join(notes)

    rows = []
    within: dict[int, list[Area]] = {}
    for ind in Indicator.objects.select_related("area"):
        formula = formula_for(ind, formulas)
        num_terms = [(n, elements.is_policy(n)) for n in _terms(formula.numerator)] if formula else []
        den_terms = [(n, elements.is_policy(n)) for n in _terms(formula.denominator)] if formula else []
        baseline = targets.parse(ind.baseline_2020)
        ts = {2023: targets.parse(ind.target_2023), 2025: targets.parse(ind.target_2025)}
        rule_target = next((t for t in (ts[2025], ts[2023]) if t and t.is_rule), None)
        rule = rules.get(rule_target.rule) if rule_target else None
        policy_only = formula and all(p for _, p in num_terms)
        rate = _is_rate(ind, formula)
        factor = formula.factor * unit_scale(formula.unit, ind.unit) if formula else None
        mine = reported[ind.id]
        if ind.area_id not in within:
            within[ind.area_id] = tree.within(ind.area)
        # standards and rules are the plan area's own; counts and reports go down the tree
        areas = [ind.area] + [a for a in within[ind.area_id] if a.id != ind.area_id and (
            (formula and not policy_only) or a.id in mine)]
        for area in areas:
            aid = area.id  # not .pk (a property): this loop runs for every indicator × area
            if affected is not None and aid not in affected:
                continue
            num = den = value = holds = None
            detail, source = "", IndicatorValue.Source.COMPUTED
            if rule and aid == ind.area_id:
                holds, detail = pol.holds(rule, area)
                source = IndicatorValue.Source.RULE
            if formula:
                num, note = side(num_terms, area)
                if den_terms:
                    den, note2 = side(den_terms, area)
                    note = note or note2
                    if num is not None and den:
                        value = (num * factor / den).quantize(_Q)
                elif num is not None and (any(p for _, p in num_terms) or any(n in leaf for n, _ in num_terms)):
                    # a plain count is data only if the system holds such records for the year at all;
                    # otherwise the responsible unit's reported figure stands
                    value = (num * factor).quantize(_Q)
                detail = "；".join(x for x in (detail, note) if x)
            rv = mine.get(aid)
            if value is None and rv is not None:
                value, source = rv.value, IndicatorValue.Source.REPORTED
                detail = "；".join(x for x in (detail, f"{rv.get_status_display()}：{rv.note}".rstrip("：")) if x)
            elif value is None and holds is None and not formula:
                source = IndicatorValue.Source.REPORTED
            running = None
            if ind.cumulative and value is not None:
                running = earlier[(ind.id, aid)] + value
            p = None
            if aid == ind.area_id or rate:
                p = targets.progress(year=year, actual=running if ind.cumulative else value, holds=holds,
                                     baseline=baseline, targets=ts, direction=ind.direction,
                                     attribute=ind.attribute, cumulative=ind.cumulative)
            rows.append((ind.id, aid, year, num, den, value, running, p.expected if p else None, holds,
                         str(source), p.status if p else "", detail[:2000], now))
    return rows


# --- runs --------------------------------------------------------------------------------------------------

def _last_seq() -> int:
    return AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0


def rebuild(year: int, *, resume: bool = True, stop_after: int | None = None) -> RollupRun:
    """Full rebuild of `year`. `stop_after` ends the run after that many steps (to show and test resuming)."""
    check_year(year)
    run = RollupRun.objects.filter(period=year, kind="full", finished_at__isnull=True).first() if resume else None
    if run is None:
        run = RollupRun.objects.create(period=year, kind="full", started_at=timezone.now(), changes_until=_last_seq())
    steps = [f"element:{n}" for n in needed_elements()] + ["values"]
    done_now = 0
    for step in steps:
        if step in run.steps_done:
            continue
        if stop_after is not None and done_now >= stop_after:
            return run
        with transaction.atomic():
            if step == "values":
                compute_values(year)
            else:
                count_element(step.split(":", 1)[1], year)
            run.steps_done = [*run.steps_done, step]
            run.save(update_fields=["steps_done"])
        done_now += 1
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run


def _touched_areas(since: int) -> tuple[set[int] | None, int]:
    """Areas changed after audit seq `since` (with everything under them); None means 'everything'."""
    entries = AuditEntry.objects.filter(seq__gt=since)
    last = entries.aggregate(m=Max("seq"))["m"] or since
    codes = set()
    for action, code in entries.values_list("action", "area_code").distinct():
        if action.startswith("policy."):
            return None, last
        if not code:
            if action.startswith(_NO_DATA_ACTIONS):
                continue
            return None, last
        codes.add(code)
    if not codes:
        return set(), last
    q = Q()
    for path in Area.objects.filter(code__in=codes).values_list("path", flat=True):
        q |= Q(path__startswith=path)
    return set(Area.objects.filter(q).values_list("pk", flat=True)), last


def refresh(year: int) -> RollupRun:
    """Incremental refresh after the last finished run; falls back to a full rebuild when there is none."""
    check_year(year)
    last = RollupRun.objects.filter(period=year, finished_at__isnull=False).order_by("-changes_until").first()
    if last is None:
        return rebuild(year)
    touched, until = _touched_areas(last.changes_until)
    if touched is None:
        return rebuild(year, resume=False)
    run = RollupRun(period=year, kind="incremental", started_at=timezone.now(), changes_until=until,
                    note=f"变动区域{len(touched)}个")
    if touched:
        tree_up = {pk: [int(x) for x in p.strip("/").split("/")]
                   for pk, p in Area.objects.filter(pk__in=touched).values_list("pk", "path")}
        affected = {anc for ups in tree_up.values() for anc in ups}
        with transaction.atomic():
            for name in needed_elements():
                count_element(name, year, touched)
            compute_values(year, affected)
    run.finished_at = timezone.now()
    run.steps_done = ["incremental"]
    run.save()
    return run
