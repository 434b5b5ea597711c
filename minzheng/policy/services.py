"""Writing policy data: each new standard is checked for overlaps and against the plans' uprating rules."""

import csv
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden

from .models import KINDS, Check, Formula, Rounding, Scope, Standard, Status
from .rules import evaluate_checks

POLICY_DIR = Path(settings.DATA_DIR) / "policy"
# Rows of one class may not overlap in time; an assumption may sit beside a stated value (it is only a fallback).
_CLASSES: dict[str, str] = {Status.STATED: "official", Status.DERIVED: "official", Status.ASSUMED: "assumed",
                             Status.UNSTATED: "gap"}


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"{field}“{value}”不是有效日期（格式如2021-01-01）", field=field) from None


def _required_date(value: str, field: str, where: str) -> dt.date:
    date = _date(value, field)
    if date is None:
        raise DomainError(f"{where}：{field}不能为空", field=field)
    return date


def _decimal(value: object, field: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{field}“{value}”不是有效数字", field=field) from None
    if not d.is_finite() or d < 0:
        raise DomainError(f"{field}不能为负数或非数字", field=field)
    return d


def _overlapping[M: (Standard, Formula)](model: type[M], *, jurisdiction: Area, kind: str, scope: str, variant: str,
                 effective_from: dt.date, effective_to: dt.date | None, extra: dict[str, object] | None = None
                 ) -> QuerySet[M]:
    qs = model.objects.filter(jurisdiction=jurisdiction, kind=kind, scope=scope, variant=variant, **(extra or {}))
    qs = qs.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from))  # inclusive periods
    if effective_to:
        qs = qs.filter(effective_from__lte=effective_to)
    return qs


def standard_create(*, actor: User | None, jurisdiction: Area, kind: str, value: object, unit: str,
                    effective_from: dt.date,
                    scope: str = Scope.ALL, variant: str = "", effective_to: dt.date | None = None,
                    status: str = Status.STATED, citation: str, note: str = "", audited: bool = True
                    ) -> tuple[Standard, list[str]]:
    """Add a standard; returns it and the uprating-rule warnings it raises (warnings do not block)."""
    if actor is not None and not actor.can(Cap.POLICY_EDIT):
        raise Forbidden("您的角色无权维护政策参数")
    if kind not in KINDS:
        raise DomainError(f"未知的标准类别“{kind}”", field="标准类别")
    if scope not in Scope.values:
        raise DomainError(f"城乡范围“{scope}”无效", field="城乡")
    if status not in Status.values:
        raise DomainError(f"来源状态“{status}”无效", field="来源状态")
    amount = None if value in (None, "") and status == Status.UNSTATED else _decimal(value, "数值")
    if amount is None and status != Status.UNSTATED:
        raise DomainError("数值不能为空（规划未载明的请标记为“未载明”）", field="数值")
    if effective_to and effective_to < effective_from:
        raise DomainError("失效日期（最后执行日）不能早于生效日期", field="失效日期")
    if not citation.strip() and status == Status.ASSUMED and note.strip():
        citation = "演示假设值，依据见说明"
    if not citation.strip():
        raise DomainError("必须注明出处（规划文件及行号或政策文件名）", field="出处")
    same_class = [s for s, c in _CLASSES.items() if c == _CLASSES[status]]
    clash = _overlapping(Standard, jurisdiction=jurisdiction, kind=kind, scope=scope, variant=variant,
                         effective_from=effective_from, effective_to=effective_to,
                         extra={"status__in": same_class, "unit": unit}).first()
    if clash:
        raise Conflict(f"{jurisdiction.name}“{KINDS[kind]}”的有效期与已有标准重叠（{clash.effective_from}起，"
                       f"{clash.value}{clash.unit}），请先设置原标准的失效日期", code="overlap", field="生效日期")
    with transaction.atomic():
        row = Standard.objects.create(jurisdiction=jurisdiction, kind=kind, scope=scope, variant=variant,
                                      value=amount, unit=unit, effective_from=effective_from,
                                      effective_to=effective_to, status=status, citation=citation, note=note)
        warnings = evaluate_checks(jurisdiction, kind, effective_from) if amount is not None else []
        if audited:
            audit.record(actor=actor, action="policy.standard_create", object_type="standard", object_id=row.pk,
                         object_repr=str(row), area_code=jurisdiction.code,
                         after={"kind": kind, "scope": scope, "variant": variant, "value": amount, "unit": unit,
                                "effective_from": effective_from, "status": status, "warnings": warnings})
    return row, warnings


def standard_close(*, actor: User | None, standard: Standard, effective_to: dt.date) -> Standard:
    if actor is not None and not actor.can(Cap.POLICY_EDIT):
        raise Forbidden("您的角色无权维护政策参数")
    if effective_to < standard.effective_from:
        raise DomainError("失效日期（最后执行日）不能早于生效日期", field="失效日期")
    with transaction.atomic():
        before = standard.effective_to
        standard.effective_to = effective_to
        standard.save(update_fields=["effective_to"])
        audit.record(actor=actor, action="policy.standard_close", object_type="standard", object_id=standard.pk,
                     object_repr=str(standard), area_code=standard.jurisdiction.code,
                     before={"effective_to": before}, after={"effective_to": effective_to})
    return standard


def _rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
    with open(POLICY_DIR / name, encoding="utf-8") as f:
        yield from enumerate(csv.DictReader(f), start=2)


def load_policy_data(*, actor: User | None = None) -> dict[str, int]:
    """Idempotent load of data/policy/*.csv; a bad row names the file and line and nothing is written."""
    areas = {a.code: a for a in Area.objects.all()}
    counts = {"standards": 0, "formulas": 0, "checks": 0}

    def area(code: str, where: str) -> Area:
        if code not in areas:
            raise DomainError(f"{where}：区划代码“{code}”不存在", field="jurisdiction")
        return areas[code]

    with transaction.atomic():
        for line, r in _rows("standards.csv"):
            where = f"standards.csv 第{line}行"
            jurisdiction, scope = area(r["jurisdiction"], where), r["scope"] or Scope.ALL
            effective_from = _required_date(r["effective_from"], "生效日期", where)
            if Standard.objects.filter(jurisdiction=jurisdiction, kind=r["kind"], scope=scope, variant=r["variant"],
                                       unit=r["unit"], status=r["status"], effective_from=effective_from).exists():
                continue
            try:
                standard_create(actor=None, jurisdiction=jurisdiction, kind=r["kind"], scope=scope,
                                variant=r["variant"], unit=r["unit"], status=r["status"],
                                effective_from=effective_from, value=r["value"],
                                effective_to=_date(r["effective_to"], "失效日期"),
                                citation=r["citation"], note=r["note"], audited=False)
            except DomainError as e:
                raise DomainError(f"{where}：{e.message}", code=e.code, field=e.field) from None
            counts["standards"] += 1
        for line, r in _rows("formulas.csv"):
            where = f"formulas.csv 第{line}行"
            jurisdiction, scope = area(r["jurisdiction"], where), r["scope"] or Scope.ALL
            effective_from = _required_date(r["effective_from"], "生效日期", where)
            if r["kind"] not in KINDS or r["base_kind"] not in KINDS:
                raise DomainError(f"{where}：公式引用了不存在的标准类别“{r['kind']}”或“{r['base_kind']}”",
                                  field="base_kind")
            if r["rounding"] not in Rounding.values:
                raise DomainError(f"{where}：取整规则“{r['rounding']}”无效", field="rounding")
            if Formula.objects.filter(jurisdiction=jurisdiction, kind=r["kind"], scope=scope, variant=r["variant"],
                                      effective_from=effective_from).exists():
                continue
            effective_to = _date(r["effective_to"], "失效日期")
            if _overlapping(Formula, jurisdiction=jurisdiction, kind=r["kind"], scope=scope, variant=r["variant"],
                            effective_from=effective_from, effective_to=effective_to).exists():
                raise Conflict(f"{where}：与已有公式的有效期重叠", code="overlap", field="effective_from")
            Formula.objects.create(jurisdiction=jurisdiction, kind=r["kind"], scope=scope, variant=r["variant"],
                                   effective_from=effective_from, base_kind=r["base_kind"],
                                   base_variant=r["base_variant"], factor=_decimal(r["factor"], "倍数"),
                                   rounding=r["rounding"], effective_to=effective_to, citation=r["citation"],
                                   note=r["note"])
            counts["formulas"] += 1
        for line, r in _rows("checks.csv"):
            where = f"checks.csv 第{line}行"
            key = dict(jurisdiction=area(r["jurisdiction"], where), name=r["name"], kind=r["kind"], left=r["left"],
                       right=r["right"])
            if r["rule"] not in Check.Rule.values:
                raise DomainError(f"{where}：校验规则“{r['rule']}”无效", field="rule")
            if Check.objects.filter(**key).exists():
                continue
            Check.objects.create(**key, rule=r["rule"], factor=_decimal(r["factor"], "倍数"),
                                 effective_from=_required_date(r["effective_from"], "生效日期", where),
                                 citation=r["citation"], note=r["note"])
            counts["checks"] += 1
        if any(counts.values()):
            audit.record(actor=actor, action="policy.load", object_type="policy", object_id="data/policy",
                         after=counts)
    return counts
