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

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from minzheng.areas.models import Area
from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEntry

from . import elements, targets
from .models import ElementValue, Formula, Indicator, IndicatorValue, ReportedValue, RollupRun, TargetRule

# Audit actions that may carry no area code and change nothing an indicator counts.
_NO_DATA_ACTIONS = ("user.", "person.view_full", "person.export", "import.upload", "import.discard",
                    "monitoring.", "payroll.bank_file_export")
FIRST_YEAR, LAST_YEAR = 2020, 2030


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
    el = elements.ELEMENTS[name]
    qs = el.query(as_of(year), year)
    old = ElementValue.objects.filter(element=name, period=year)
    if area_ids is not None:
        qs = qs.filter(**{f"{el.area_field}__in": area_ids})
        old = old.filter(area_id__in=area_ids)
    rows = [ElementValue(element=name, period=year, area_id=r["area"], value=r["v"] or 0) for r in qs]
    old.delete()
    ElementValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


class _Tree:
    """Current areas with their ancestors, for summing leaf values upwards."""

    def __init__(self, on: dt.date):
        self.areas = {a.pk: a for a in Area.objects.current(on)}
        self.up = {pk: [int(x) for x in a.path.strip("/").split("/")] for pk, a in self.areas.items()}

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


class _Policy:
    """Standards and their growth for one as-of date, each looked up once per area (rules share operands)."""

    def __init__(self, on: dt.date):
        from minzheng.policy.models import Formula as PolicyFormula
        from minzheng.policy.models import Standard

        self.on, self.cache = on, {}
        # areas that set any standard: a place below them resolves exactly as they do
        self.setters = set(Standard.objects.values_list("jurisdiction_id", flat=True).distinct()) | set(
            PolicyFormula.objects.values_list("jurisdiction_id", flat=True).distinct())

    def _anchor(self, area: Area) -> Area:
        ids = [int(x) for x in area.path.strip("/").split("/")]
        nearest = next((i for i in reversed(ids) if i in self.setters), None)
        if nearest is None or nearest == area.pk:
            return area
        return Area.objects.get(pk=nearest)

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
        from minzheng.policy.rules import ref_value

        return self._get(ref_value, area, ref)

    def growth(self, area: Area, ref: str) -> Decimal:
        """Growth over one year; a ':real' variant is deflated by the consumer price index (实际增速)."""
        from minzheng.policy.rules import growth

        name, _, when = ref.partition("@")
        if not name.endswith(":real"):
            return self._get(growth, area, ref)
        at = f"@{when}" if when else ""
        nominal = self._get(growth, area, name[: -len(":real")] + at)
        return (1 + nominal) / (1 + self._get(growth, area, "cpi_index:all" + at)) - 1

    def holds(self, rule: TargetRule, area: Area) -> tuple[bool | None, str]:
        try:
            if rule.kind in (TargetRule.Kind.GROWTH_GE, TargetRule.Kind.GROWTH_FOLLOWS):
                left, right = self.growth(area, rule.left), self.growth(area, rule.right)
                ok = left >= rule.factor * right
                verdict = "成立" if ok else "不成立"
                return ok, f"{rule.phrase}：{rule.left}增长{left:.2%}，{rule.right}增长{right:.2%}（{verdict}）"
            left, right = self.value(area, rule.left), self.value(area, rule.right)
            want = rule.factor * right
            if rule.kind in (TargetRule.Kind.RATIO_EQ, TargetRule.Kind.REF_EQ):
                # standards are set in whole yuan, rounded up from the multiple (policy/formulas.csv: yuan_up)
                ok = want <= left < want + 1
            else:
                ok = left >= want
            return ok, (f"{rule.phrase}：{rule.left}={left.normalize():f}，{rule.factor.normalize():f}×{rule.right}="
                        f"{want.normalize():f}（{'成立' if ok else '不成立'}）")
        except DomainError as e:
            return None, f"{rule.phrase}：无法校验，{e.message}"


def _progress(ind: Indicator, year: int, actual, holds):
    ts = {2023: targets.parse(ind.target_2023), 2025: targets.parse(ind.target_2025)}
    return targets.progress(year=year, actual=actual, holds=holds, baseline=targets.parse(ind.baseline_2020),
                            targets=ts, direction=ind.direction, attribute=ind.attribute,
                            cumulative=ind.cumulative)


def _is_rate(ind: Indicator, formula: Formula | None) -> bool:
    """A rate can be judged in every sub-area against the plan's target; a count only where it was set."""
    return bool(formula and (formula.denominator or any(elements.is_policy(t) for t in _terms(formula.numerator)))) \
        or ind.unit in ("%", "‰")


def compute_values(year: int, affected: set[int] | None = None) -> int:
    """Write IndicatorValue rows for `year` (all areas, or only `affected` ones); returns the row count."""
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
    pol = _Policy(on)

    def policy(name, area):
        prefix, _, ref = name.partition(":")
        try:
            if prefix == "growth":
                g = pol.growth(area, ref)
                return g, f"{ref}较上年增长{g:.2%}"
            v = pol.value(area, ref)
            return v, f"{ref}={v.normalize():f}"
        except DomainError as e:
            return None, e.message

    def side(expr, area):
        total, notes = Decimal(0), []
        for name in _terms(expr):
            if elements.is_policy(name):
                v, note = policy(name, area)
                if v is None:
                    return None, note
                total += v
                notes.append(note)
            else:
                total += totals.get(name, {}).get(area.pk, Decimal(0))
        return total, "；".join(notes)

    rows = []
    for ind in Indicator.objects.select_related("area"):
        formula = formula_for(ind, formulas)
        rule_target = next((t for t in (targets.parse(ind.target_2025), targets.parse(ind.target_2023)) if t
                            and t.is_rule), None)
        policy_only = formula and all(elements.is_policy(t) for t in _terms(formula.numerator))
        # standards and rules are the plan area's own; counts and reports go down the tree
        areas = [ind.area] + [a for a in tree.within(ind.area) if a.pk != ind.area.pk and (
            (formula and not policy_only) or a.pk in reported[ind.pk])]
        for area in areas:
            if affected is not None and area.pk not in affected:
                continue
            num = den = value = holds = None
            detail, source = "", IndicatorValue.Source.COMPUTED
            if rule_target and area.pk == ind.area_id and rule_target.rule in rules:
                holds, detail = pol.holds(rules[rule_target.rule], area)
                source = IndicatorValue.Source.RULE
            if formula:
                num, note = side(formula.numerator, area)
                if formula.denominator:
                    den, note2 = side(formula.denominator, area)
                    note = note or note2
                    if num is not None and den:
                        value = (num * formula.factor / den).quantize(Decimal("0.0001"))
                elif num is not None:
                    value = (num * formula.factor).quantize(Decimal("0.0001"))
                detail = "；".join(x for x in (detail, note) if x)
            rv = reported[ind.pk].get(area.pk)
            if value is None and rv is not None:
                value, source = rv.value, IndicatorValue.Source.REPORTED
                detail = "；".join(x for x in (detail, f"{rv.get_status_display()}：{rv.note}".rstrip("：")) if x)
            elif value is None and holds is None and not formula:
                source = IndicatorValue.Source.REPORTED
            running = None
            if ind.cumulative and value is not None:
                running = earlier[(ind.pk, area.pk)] + value
            judged = area.pk == ind.area.pk or _is_rate(ind, formula)
            p = _progress(ind, year, running if ind.cumulative else value, holds) if judged else None
            rows.append(IndicatorValue(
                indicator=ind, area=area, period=year, numerator=num, denominator=den, value=value,
                running_total=running, expected=p.expected if p else None, holds=holds, source=source,
                status=p.status if p else "", detail=detail[:2000], data_as_of=now))
    with transaction.atomic():
        old = IndicatorValue.objects.filter(period=year)
        if affected is not None:
            old = old.filter(area_id__in=affected)
        old.delete()
        IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


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
