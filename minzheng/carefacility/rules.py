"""The standards as data (data/carefacility/*.csv) and the pure functions that apply them.

- GB 38600-2019 服务安全风险评估: items and risk levels (risk_items.csv, risk_levels.csv);
- GB/T 37276-2018 等级评定: parts with their maximum scores and the thresholds of 一星…五星 (star_parts.csv,
  star_levels.csv);
- parameters (params.csv): how long a risk assessment stays usable for admission, inspectors per inspection,
  the retrofit age.

Uncertain values are marked `assumed` in the files themselves; fixing one is one edit there. Each row with an
`effective_from` date lets a later version of a standard take over on its date.
"""

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings

from minzheng.core.errors import DomainError


def data_dir() -> Path:
    return settings.BASE_DIR / "data" / "carefacility"


def _rows(name: str) -> list[dict]:
    with open(data_dir() / name, encoding="utf-8-sig", newline="") as f:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(f)]


def _in_force(rows: list[dict], on: dt.date) -> list[dict]:
    """Rows of the latest version effective on `on` (a version = all rows sharing one effective_from)."""
    dates = sorted({r["effective_from"] for r in rows if dt.date.fromisoformat(r["effective_from"]) <= on})
    if not dates:
        return []
    return [r for r in rows if r["effective_from"] == dates[-1]]


# --- parameters ----------------------------------------------------------------------------------------

@cache
def _params() -> list[dict]:
    return _rows("params.csv")


def param(key: str, on: dt.date) -> Decimal:
    rows = _in_force([r for r in _params() if r["key"] == key], on)
    if not rows:
        raise DomainError(f"参数“{key}”在{on:%Y-%m-%d}没有生效的取值（data/carefacility/params.csv）", code="no_param")
    return Decimal(rows[0]["value"])


# --- GB 38600-2019 risk assessment ----------------------------------------------------------------------

@dataclass(frozen=True)
class RiskRuleset:
    version: str
    items: dict[str, str]     # code → name, in the file's order
    levels: dict[str, tuple[str, int]]   # code → (name, rank)

    def overall(self, answers: dict[str, str]) -> str:
        return max(answers.values(), key=lambda c: self.levels[c][1])


@cache
def _risk_rows():
    return _rows("risk_items.csv"), _rows("risk_levels.csv")


def risk_ruleset(on: dt.date) -> RiskRuleset:
    items, levels = _risk_rows()
    current = _in_force(items, on)
    if not current:
        raise DomainError(f"{on:%Y-%m-%d}没有生效的服务安全风险评估规则", code="no_ruleset")
    version = f"{current[0]['ruleset']}@{current[0]['effective_from']}"
    return RiskRuleset(version=version, items={r["code"]: r["name"] for r in current},
                       levels={r["code"]: (r["name"], int(r["rank"])) for r in levels})


def check_risk_answers(ruleset: RiskRuleset, answers: dict) -> dict[str, str]:
    """Every item of the ruleset answered with a known level, and nothing else; errors name the item."""
    if not isinstance(answers, dict):
        raise DomainError("评估项目应为“项目：风险等级”的对应表", field="items")
    unknown = [k for k in answers if k not in ruleset.items]
    if unknown:
        raise DomainError(f"评估项目“{unknown[0]}”不属于{ruleset.version}的评估内容", field=f"items.{unknown[0]}")
    missing = [name for code, name in ruleset.items.items() if not answers.get(code)]
    if missing:
        raise DomainError(f"服务安全风险评估缺少项目：{'、'.join(missing)}（{ruleset.version}要求逐项评估）",
                          field="items")
    for code, level in answers.items():
        if level not in ruleset.levels:
            names = "、".join(n for n, _ in ruleset.levels.values())
            raise DomainError(f"评估项目“{ruleset.items[code]}”的风险等级“{level}”无效，应为{names}之一",
                              field=f"items.{code}")
    return {code: answers[code] for code in ruleset.items}


# --- GB/T 37276-2018 star rating -------------------------------------------------------------------------

@dataclass(frozen=True)
class StarLevel:
    level: int
    name: str
    min_total: Decimal
    min_part_share: Decimal


@dataclass(frozen=True)
class StarRuleset:
    version: str
    parts: dict[str, tuple[str, Decimal]]   # code → (name, max score)
    levels: list[StarLevel]                 # ascending


@cache
def _star_rows():
    return _rows("star_parts.csv"), _rows("star_levels.csv")


def star_ruleset(on: dt.date) -> StarRuleset:
    parts, levels = (_in_force(rows, on) for rows in _star_rows())
    if not parts or not levels:
        raise DomainError(f"{on:%Y-%m-%d}没有生效的养老机构等级评定规则", code="no_ruleset")
    return StarRuleset(
        version=f"{parts[0]['ruleset']}@{parts[0]['effective_from']}",
        parts={r["code"]: (r["name"], Decimal(r["max_score"])) for r in parts},
        levels=sorted((StarLevel(int(r["level"]), r["name"], Decimal(r["min_total"]), Decimal(r["min_part_share"]))
                       for r in levels), key=lambda s: s.level))


@dataclass(frozen=True)
class StarResult:
    total: Decimal
    level: int | None
    explanation: str


def star_level(ruleset: StarRuleset, scores: dict, *, prerequisites_met: bool = True) -> StarResult:
    """level = the highest L with total ≥ T_L and every part ≥ share_L × its maximum; None below 一星级."""
    if not isinstance(scores, dict):
        raise DomainError("各部分得分应为“部分：得分”的对应表", field="scores")
    unknown = [k for k in scores if k not in ruleset.parts]
    if unknown:
        raise DomainError(f"评分部分“{unknown[0]}”不属于{ruleset.version}", field=f"scores.{unknown[0]}")
    clean: dict[str, Decimal] = {}
    for code, (name, top) in ruleset.parts.items():
        raw = scores.get(code)
        if raw is None or raw == "":
            raise DomainError(f"缺少“{name}”部分的得分", field=f"scores.{code}")
        try:
            v = Decimal(str(raw))
        except ArithmeticError as e:
            raise DomainError(f"“{name}”部分的得分“{raw}”不是数字", field=f"scores.{code}") from e
        if not v.is_finite() or v < 0 or v > top:
            raise DomainError(f"“{name}”部分的得分{raw}超出范围：应在0至{top}分之间", field=f"scores.{code}")
        clean[code] = v
    total = sum(clean.values(), Decimal(0))
    if not prerequisites_met:
        return StarResult(total, None, f"总分{total}；不满足评定基本要求，不予评定等级（{ruleset.version}）")
    earned, notes = None, []
    for lv in ruleset.levels:
        short = [ruleset.parts[c][0] for c, v in clean.items() if v < lv.min_part_share * ruleset.parts[c][1]]
        if total >= lv.min_total and not short:
            earned = lv
        elif total < lv.min_total:
            notes.append(f"{lv.name}需总分≥{lv.min_total}")
        else:
            notes.append(f"{lv.name}需各部分≥满分的{lv.min_part_share:.0%}（{'、'.join(short)}未达到）")
    parts = "，".join(f"{ruleset.parts[c][0]}{v}/{ruleset.parts[c][1]}" for c, v in clean.items())
    verdict = f"评定为{earned.name}" if earned else "未达到一星级"
    missed = [n for n in notes if earned is None or not n.startswith(earned.name)]
    tail = f"；未达到更高等级：{'；'.join(missed[:1])}" if missed else ""
    return StarResult(total, earned.level if earned else None,
                      f"{parts}，总分{total}，{verdict}{tail}（{ruleset.version}）")
