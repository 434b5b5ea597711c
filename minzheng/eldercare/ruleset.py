"""老年人能力评估 (GB/T 42195-2022) as data: items, options, bands, adjustments and the care-level mapping are
read from data/eldercare/ability/*.csv; `score` is a pure function of a ruleset and the answers.

Nothing here knows a band edge or an item maximum: change the CSV and the engine follows. The loader checks the
files hang together (item maxima add up to the part maxima and the total; bands cover 0…total once each) so a
bad data change fails loudly at start, not in the middle of an assessment.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings

from minzheng.core.errors import DomainError

ABILITY_DIR = Path(settings.DATA_DIR) / "eldercare" / "ability"


class RulesetError(Exception):
    """The ruleset files are inconsistent (a data error for the maintainers, not the user)."""


@dataclass(frozen=True)
class Item:
    number: str          # B.1.1
    code: str            # eating
    label: str           # 进食
    part: str            # B.1
    max: int
    options: dict[int, str]  # score → anchor text
    citation: str


@dataclass(frozen=True)
class Part:
    code: str
    label: str
    max: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Level:
    level: int           # 0 best … 4 worst
    label: str
    short: str
    min_total: int
    max_total: int
    self_care: str = ""
    self_care_label: str = ""
    self_care_status: str = ""
    self_care_note: str = ""


@dataclass(frozen=True)
class Adjustment:
    order: int
    code: str
    label: str
    condition: str       # coma / diagnosis / risk_events: the input it reads
    threshold: int       # applies when the input ≥ threshold (booleans count as 0/1)
    effect: str          # at_least: level becomes at least `amount`; worsen: `amount` levels worse
    amount: int
    status: str          # certain / uncertain
    note: str
    citation: str


@dataclass(frozen=True)
class Ruleset:
    code: str
    version: str
    label: str
    effective_from: dt.date
    effective_to: dt.date | None
    total_max: int
    stack: str           # cumulative / worst_single
    stack_status: str
    citation: str
    note: str
    parts: tuple[Part, ...]
    levels: tuple[Level, ...]
    adjustments: tuple[Adjustment, ...]
    intervals: dict[str, tuple[str, int, str]]  # reason → (label, months, status)

    @property
    def key(self) -> str:
        return f"{self.code}@{self.version}"

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for p in self.parts for i in p.items)

    @property
    def worst(self) -> int:
        return max(lv.level for lv in self.levels)

    def level(self, n: int) -> Level:
        return next(lv for lv in self.levels if lv.level == n)

    def level_for_total(self, total: int) -> Level:
        for lv in self.levels:
            if lv.min_total <= total <= lv.max_total:
                return lv
        raise RulesetError(f"总分{total}不在任何等级区间内")

    def reasons(self) -> dict[str, str]:
        return {k: v[0] for k, v in self.intervals.items()}


@dataclass(frozen=True)
class Result:
    ruleset: str
    answers: dict[str, int]
    part_scores: dict[str, int]
    total: int
    initial_level: int
    final_level: int
    applied: tuple[str, ...]          # adjustment codes that changed or confirmed the level
    explanation: str
    self_care: str
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _read(name: str) -> list[dict]:
    with open(ABILITY_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _date(s: str) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


@cache
def rulesets() -> tuple[Ruleset, ...]:
    items = _read("items.csv")
    levels = _read("levels.csv")
    adjustments = _read("adjustments.csv")
    care = {(r["ruleset"], int(r["level"])): r for r in _read("self_care.csv")}
    intervals = _read("intervals.csv")
    out = []
    for r in _read("rulesets.csv"):
        code = r["code"]
        parts: dict[str, dict] = {}
        for row in (x for x in items if x["ruleset"] == code):
            p = parts.setdefault(row["part"], {"label": row["part_label"], "max": int(row["part_max"]), "items": {}})
            it = p["items"].setdefault(row["item"], {"number": row["number"], "label": row["label"], "options": {},
                                                      "citation": row["citation"]})
            it["options"][int(row["score"])] = row["option"]
        part_objs = []
        for pcode, p in parts.items():
            its = tuple(Item(number=v["number"], code=k, label=v["label"], part=pcode, max=max(v["options"]),
                             options=dict(sorted(v["options"].items(), reverse=True)), citation=v["citation"])
                        for k, v in p["items"].items())
            for it in its:
                if sorted(it.options) != list(range(it.max + 1)):
                    raise RulesetError(f"{code} {it.number}{it.label}的选项分值应为0至{it.max}的整数，各一项")
            if sum(i.max for i in its) != p["max"]:
                raise RulesetError(f"{code} {pcode}{p['label']}各项满分之和{sum(i.max for i in its)}≠{p['max']}")
            part_objs.append(Part(code=pcode, label=p["label"], max=p["max"], items=its))
        total_max = int(r["total_max"])
        if sum(p.max for p in part_objs) != total_max:
            raise RulesetError(f"{code}各部分满分之和≠总分{total_max}")
        lvls = []
        for x in (x for x in levels if x["ruleset"] == code):
            c = care.get((code, int(x["level"])), {})
            lvls.append(Level(level=int(x["level"]), label=x["label"], short=x["short"], min_total=int(x["min_total"]),
                              max_total=int(x["max_total"]), self_care=c.get("self_care", ""),
                              self_care_label=c.get("self_care_label", ""), self_care_status=c.get("status", ""),
                              self_care_note=c.get("note", "")))
        lvls.sort(key=lambda lv: lv.level)
        covered = sorted(t for lv in lvls for t in range(lv.min_total, lv.max_total + 1))
        if covered != list(range(total_max + 1)):
            raise RulesetError(f"{code}的等级区间应恰好覆盖0至{total_max}分各一次")
        adjs = tuple(sorted((Adjustment(order=int(x["order"]), code=x["code"], label=x["label"],
                                        condition=x["condition"], threshold=int(x["threshold"]), effect=x["effect"],
                                        amount=int(x["amount"]), status=x["status"], note=x["note"],
                                        citation=x["citation"])
                             for x in adjustments if x["ruleset"] == code), key=lambda a: a.order))
        for a in adjs:
            if a.effect not in ("at_least", "worsen") or a.condition not in CONDITIONS:
                raise RulesetError(f"{code}调整规则{a.code}的effect/condition无效")
            if not 0 <= a.amount <= max(lv.level for lv in lvls):
                raise RulesetError(f"{code}调整规则{a.code}的amount应为0至最差等级之间")
        if r["adjustments_stack"] not in ("cumulative", "worst_single"):
            raise RulesetError(f"{code}的adjustments_stack应为cumulative或worst_single")
        out.append(Ruleset(
            code=code, version=r["version"], label=r["label"], effective_from=_date(r["effective_from"]),
            effective_to=_date(r["effective_to"]), total_max=total_max, stack=r["adjustments_stack"],
            stack_status=r["stack_status"], citation=r["citation"], note=r["note"], parts=tuple(part_objs),
            levels=tuple(lvls), adjustments=adjs,
            intervals={x["reason"]: (x["label"], int(x["months"]), x["status"]) for x in intervals
                       if x["ruleset"] == code}))
    return tuple(out)


CONDITIONS = {"coma": "昏迷", "diagnosis": "痴呆或精神和行为障碍诊断", "risk_events": "近30天照护风险事件次数"}


def ruleset_on(day: dt.date) -> Ruleset:
    """The ruleset in force on `day` (the latest effective_from on or before it)."""
    candidates = [r for r in rulesets()
                  if r.effective_from <= day and (r.effective_to is None or day <= r.effective_to)]
    if not candidates:
        first = min(r.effective_from for r in rulesets())
        raise DomainError(f"评估日期{day.isoformat()}早于《老年人能力评估规范》的实施日期{first.isoformat()}，"
                          "无可用的评估标准", code="no_ruleset", field="评估日期")
    return max(candidates, key=lambda r: r.effective_from)


def ruleset_by_key(key: str) -> Ruleset:
    for r in rulesets():
        if r.key == key:
            return r
    raise DomainError(f"评估标准版本“{key}”不存在", code="no_ruleset", field="评估标准")


def _answer(item: Item, raw) -> int:
    """One item's score: an integer within the item's options; the error names the item."""
    name = f"{item.number}“{item.label}”"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise DomainError(f"评估项目{name}未填写", code="missing_item", field=item.label)
    if isinstance(raw, bool) or isinstance(raw, float):
        raise DomainError(f"评估项目{name}的得分“{raw}”应为整数", code="invalid_item", field=item.label)
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise DomainError(f"评估项目{name}的得分“{raw}”应为整数", code="invalid_item", field=item.label) from None
    if value not in item.options:
        raise DomainError(f"评估项目{name}的得分{value}超出范围（0～{item.max}分）", code="item_out_of_range",
                          field=item.label)
    return value


def _apply(rs: Ruleset, adj: Adjustment, level: int) -> int:
    target = adj.amount if adj.effect == "at_least" else level + adj.amount
    # An adjustment can only make the level worse or keep it, and never beyond the worst level.
    return min(rs.worst, max(level, target))


def score(rs: Ruleset, answers: dict, *, coma: bool = False, diagnosis: bool = False,
          risk_events: int = 0) -> Result:
    """Total, part scores, initial level from the bands, final level after the adjustments, and the wording.

    answers maps item code (or item label) → score; every item must be present exactly once."""
    by_label = {i.label: i.code for i in rs.items}
    given = {by_label.get(k, k): v for k, v in (answers or {}).items()}
    known = {i.code for i in rs.items}
    unknown = [k for k in given if k not in known]
    if unknown:
        raise DomainError(f"评估项目“{unknown[0]}”不属于{rs.code}", code="unknown_item", field="评估项目")
    if isinstance(risk_events, bool) or not isinstance(risk_events, int) or risk_events < 0:
        raise DomainError(f"近30天照护风险事件次数“{risk_events}”应为不小于0的整数", code="invalid_risk_events",
                          field="照护风险事件")
    scores = {i.code: _answer(i, given.get(i.code)) for i in rs.items}
    parts = {p.code: sum(scores[i.code] for i in p.items) for p in rs.parts}
    total = sum(parts.values())
    initial = rs.level_for_total(total)
    inputs = {"coma": int(bool(coma)), "diagnosis": int(bool(diagnosis)), "risk_events": risk_events}
    level, applied, steps = initial.level, [], []
    candidates = []
    for adj in rs.adjustments:
        if inputs[adj.condition] < adj.threshold:
            continue
        base = level if rs.stack == "cumulative" else initial.level
        new = _apply(rs, adj, base)
        applied.append(adj.code)
        effect = (f"至少评定为{rs.level(min(rs.worst, max(0, adj.amount))).short}" if adj.effect == "at_least"
                  else f"在原等级上加重{adj.amount}级")
        steps.append(f"{adj.label}：{effect}（{rs.level(base).short}→{rs.level(new).short}）"
                     + ("，此条规则的标准原文待核实" if adj.status == "uncertain" else ""))
        if rs.stack == "cumulative":
            level = new
        else:
            candidates.append(new)
    if candidates:
        level = max([level, *candidates])
    final = rs.level(level)
    part_text = "，".join(f"{p.label}{parts[p.code]}/{p.max}" for p in rs.parts)
    text = f"{part_text}；总分{total}/{rs.total_max}，初评{initial.short}"
    if steps:
        text += "；" + "；".join(steps)
    text += f"；最终等级{final.short}"
    if final.self_care:
        text += f"，对应特困照料护理档次{final.self_care_label}" + ("（对应关系为假定，见数据说明）"
                                                          if final.self_care_status == "assumed" else "")
    return Result(ruleset=rs.key, answers=scores, part_scores=parts, total=total, initial_level=initial.level,
                  final_level=final.level, applied=tuple(applied), explanation=text, self_care=final.self_care)
