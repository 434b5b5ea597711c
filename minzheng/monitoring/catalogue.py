"""Loading the indicator catalogue, the rule-type targets and the formulas from data/monitoring/.

All three files are checked before anything is written: an unknown area code, an unreadable target, a target
naming a rule that does not exist, or a formula naming a data element that does not exist is a Chinese error
naming the file, row and column, and the database is left as it was.
"""

import csv
import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction

from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEntry

from . import elements, targets
from .models import Attribute, Formula, Indicator, TargetRule

FILES = ("indicators.csv", "rules.csv", "formulas.csv")
TARGET_COLUMNS = ("baseline_2020", "target_2023", "target_2025", "city_target_2025", "province_target_2025")
DIRECTIONS = ("ge", "le", "eq")


def data_dir() -> Path:
    return settings.BASE_DIR / "data" / "monitoring"


def _rows(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            yield n, {k: (v or "").strip() for k, v in row.items()}


def _decimal(text: str, where: str, default: str | None = None) -> Decimal:
    try:
        return Decimal(text or default)
    except (InvalidOperation, TypeError) as e:
        raise DomainError(f"{where}不是有效数字：“{text}”", field=where) from e


def read_rules(path: Path) -> list[TargetRule]:
    out = []
    for n, r in _rows(path):
        where = f"{path.name}第{n}行"
        if r["kind"] not in TargetRule.Kind.values:
            raise DomainError(f"{where}“kind”列的规则类型“{r['kind']}”不存在", field="kind")
        for side in ("left", "right"):
            elements.check_name("std:" + r[side].split("@")[0], field=f"{where}“{side}”列")
        out.append(TargetRule(name=r["name"], kind=r["kind"], left=r["left"], right=r["right"],
                              factor=_decimal(r.get("factor"), f"{where}“factor”列", "1"), phrase=r["phrase"],
                              citation=r["citation"], note=r.get("note", "")))
    return out


def read_formulas(path: Path) -> list[tuple[str, Formula]]:
    out = []
    for n, r in _rows(path):
        where = f"{path.name}第{n}行"
        for col in ("numerator", "denominator"):
            for name in filter(None, (x.strip() for x in r[col].split("+"))):
                elements.check_name(name, field=f"{where}“{col}”列")
        if not r["numerator"]:
            raise DomainError(f"{where}缺少分子（numerator）", field="numerator")
        key = f"{r['key']}.{r['sub']}" if r.get("sub") else r["key"]
        out.append((key, Formula(key=key, numerator=r["numerator"], denominator=r["denominator"],
                                 factor=_decimal(r.get("factor"), f"{where}“factor”列", "1"), unit=r.get("unit", ""),
                                 citation=r["citation"], note=r.get("note", ""))))
    return out


def read_indicators(path: Path, rule_names: set[str]) -> list[Indicator]:
    areas = {a.code: a for a in Area.objects.filter(valid_to__isnull=True)}
    out, seen = [], set()
    for n, r in _rows(path):
        where = f"{path.name}第{n}行"
        area = areas.get(r["area_code"])
        if area is None:
            raise DomainError(f"{where}的地区代码“{r['area_code']}”不存在", field="area_code")
        if (r["code"], r.get("variant", "")) in seen:
            raise DomainError(f"{where}的指标编码“{r['code']}”重复", field="code")
        seen.add((r["code"], r.get("variant", "")))
        if r.get("attribute", "") not in Attribute.values:
            raise DomainError(f"{where}的指标属性“{r['attribute']}”应为约束性或预期性", field="attribute")
        direction = r.get("direction") or "ge"
        if direction not in DIRECTIONS:
            raise DomainError(f"{where}的方向“{direction}”应为 ge、le 或 eq", field="direction")
        for col in TARGET_COLUMNS:
            t = targets.parse(r.get(col, ""), field=f"{where}“{col}”列")
            if t and t.is_rule and t.rule not in rule_names:
                raise DomainError(f"{where}“{col}”列引用的规则“{t.rule}”在 rules.csv 中不存在", field=col)
        out.append(Indicator(
            code=r["code"], variant=r.get("variant", ""), adopted=r.get("adopted", "1") != "0", area=area,
            key=r["key"], category=r["category"], name=r["name"], sub_item=r.get("sub_item", ""), unit=r["unit"],
            attribute=r["attribute"], cumulative=r.get("cumulative") == "1", direction=direction,
            source=r.get("source", ""), citation=r["citation"], note=r.get("note", ""),
            **{col: r.get(col, "") for col in TARGET_COLUMNS}))
    return out


def load(*, actor=None, directory: Path | None = None) -> dict:
    """Replace the catalogue with the files' contents (idempotent); returns counts."""
    d = directory or data_dir()
    digest = hashlib.sha256(b"".join((d / n).read_bytes() for n in FILES)).hexdigest()
    last = AuditEntry.objects.filter(action="monitoring.load_catalogue").order_by("-seq").first()
    if last and (last.after or {}).get("digest") == digest and Indicator.objects.exists():
        return {k: v for k, v in last.after.items() if k != "digest"}  # unchanged files: nothing to write
    rules = read_rules(d / "rules.csv")
    formulas = read_formulas(d / "formulas.csv")
    indicators = read_indicators(d / "indicators.csv", {r.name for r in rules})
    with transaction.atomic():
        TargetRule.objects.all().delete()
        TargetRule.objects.bulk_create(rules)
        Formula.objects.all().delete()
        Formula.objects.bulk_create([f for _, f in formulas])
        existing = {(i.code, i.variant): i for i in Indicator.objects.all()}
        keep = set()
        for ind in indicators:
            old = existing.get((ind.code, ind.variant))
            if old:
                ind.pk = old.pk
            ind.save()
            keep.add(ind.pk)
        gone = Indicator.objects.exclude(pk__in=keep)
        if gone.filter(reported__isnull=False).exists():
            names = "、".join(sorted({str(i) for i in gone.filter(reported__isnull=False)}))
            raise DomainError(f"指标{names}已有填报值，不能从目录中删除", code="in_use")
        gone.delete()
        counts = {"indicators": len(indicators), "rules": len(rules), "formulas": len(formulas)}
        audit.record(actor=actor, action="monitoring.load_catalogue", object_type="Indicator", object_id="*",
                     object_repr="规划指标目录", after={**counts, "digest": digest})
    return counts
