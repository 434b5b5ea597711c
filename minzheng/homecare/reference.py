"""Reference data of 居家养老 (data/homecare/*.csv): the catalogue, packages, subsidy groups and rules, generated
entitlements, cancellation/no-show rules and 长者饭堂 meal tiers. Each row carries its source; values no plan states
are marked `assumed`. Rules apply per jurisdiction (a county, or the city where there is no county level): the
nearest ancestor of the elder's area that has rows in the file, valid on the day."""

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from minzheng.areas.models import Area
from minzheng.core import rows
from minzheng.core.errors import DomainError
from minzheng.core.money import fen as money  # homecare amounts are kept to the fen (policy data)
from minzheng.core.periods import age_on

DIR = settings.DATA_DIR / "homecare"


@functools.cache
def _rows(name: str) -> tuple[dict, ...]:
    with open(DIR / name, encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def ancestor_codes(area: Area) -> list[str]:
    """Codes of the area and its ancestors, nearest first."""
    return [area.code, *_ancestor_codes(area.path, area.code)[1:]]


@functools.lru_cache(maxsize=4096)
def _ancestor_codes(path: str, code: str) -> tuple[str, ...]:
    # Asked on every completion and cancellation: the codes along an area's path of ids do not change (a moved or
    # recoded area has a new key), so they are read once per process instead of once per order.
    ids = [int(x) for x in path.strip("/").split("/")]
    return tuple(reversed(Area.objects.filter(id__in=ids).order_by("path").values_list("code", flat=True)))


def _nearest(rows, area: Area, on: dt.date) -> tuple[str, list[dict]]:
    """Rows of the nearest jurisdiction (area or ancestor) that has any, valid on `on`: the latest valid_from per key
    is the caller's business; here every row valid on the day is returned."""
    for code in ancestor_codes(area):
        mine = [r for r in rows if r["jurisdiction"] == code and _date(r["valid_from"]) <= on
                and not (r.get("valid_to") and _date(r["valid_to"]) <= on)]
        if mine:
            return code, mine
    return "", []


# --- subsidy groups ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    code: str
    label: str
    category: str
    min_age: int | None
    rank: int


@functools.cache
def groups() -> dict[str, Group]:
    return {r["code"]: Group(r["code"], r["label"], r["category"], int(r["min_age"]) if r["min_age"] else None,
                             int(r["rank"])) for r in _rows("groups.csv")}


def elderly_age() -> int:
    return groups()["elderly"].min_age


def person_groups(person, on: dt.date) -> list[Group]:
    """The subsidy groups a person belongs to on a day: open registry categories and age bands, best rank first."""

    with rows.cursor() as cur:  # read at every completion: a prepared statement, not a compiled queryset
        cur.execute("SELECT category FROM registry_personcategory WHERE person_id = %s AND valid_from <= %s "
                    "AND (valid_to IS NULL OR valid_to >= %s)", [person.pk, on, on])
        cats = {c for (c,) in cur.fetchall()}
    age = age_on(person.birth_date, on)
    out = [g for g in groups().values()
           if (g.category and g.category in cats) or (g.min_age is not None and not g.category and age >= g.min_age)]
    return sorted(out, key=lambda g: g.rank)


# --- subsidy rules ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Subsidy:
    subsidy: Decimal
    self_pay: Decimal
    explanation: str


def subsidy_for(*, person, jurisdiction: Area, category: str, amount: Decimal, on: dt.date,
                used_this_month: Decimal) -> Subsidy:
    """The government's share of one service: the best rule among the elder's groups (highest rate), limited by that
    rule's monthly cap less what the elder's completed services already used this month."""
    code, rules = _nearest(_rows("subsidy_rules.csv"), jurisdiction, on)
    mine = {g.code: g for g in person_groups(person, on)}
    best = None
    for r in rules:
        if r["group"] in mine and r["category"] in ("*", category):
            key = (Decimal(r["rate"]), Decimal(r["monthly_cap"]))
            if best is None or key > best[0]:
                best = (key, r)
    if best is None:
        return Subsidy(money(0), money(amount), "不属于补贴对象，全部自付")
    (rate, cap), r = best
    left = max(money(cap) - money(used_this_month), money(0))
    subsidy = min(money(amount * rate), left)
    label = mine[r["group"]].label
    note = "（演示假设标准）" if r["source"].startswith("assumed") else ""
    text = (f"{label}：补贴比例{rate * 100:.0f}%，每月上限{money(cap)}元，本月已用{money(used_this_month)}元，"
            f"本次补贴{subsidy}元{note}")
    return Subsidy(subsidy, money(amount) - subsidy, text)


# --- order rules (cancellation, no-show) ------------------------------------------------------------------------

@dataclass(frozen=True)
class OrderRules:
    free_cancel_hours: Decimal
    late_cancel_fee_rate: Decimal
    elder_no_show_fee_rate: Decimal
    provider_no_show_grace_minutes: int
    source: str


def order_rules(jurisdiction: Area, on: dt.date) -> OrderRules:
    _, rows = _nearest(_rows("order_rules.csv"), jurisdiction, on)
    if not rows:
        raise DomainError(f"{jurisdiction.name}尚未配置居家养老服务取消和爽约规则", code="no_rules", field="辖区")
    r = max(rows, key=lambda x: x["valid_from"])
    return OrderRules(Decimal(r["free_cancel_hours"]), Decimal(r["late_cancel_fee_rate"]),
                      Decimal(r["elder_no_show_fee_rate"]), int(r["provider_no_show_grace_minutes"]), r["source"])


# --- entitlements (orders generated for subsidised elders) ------------------------------------------------------

def entitlements(jurisdiction: Area, on: dt.date) -> list[dict]:
    return [r for r in _rows("entitlements.csv") if r["jurisdiction"] == jurisdiction.code
            and _date(r["valid_from"]) <= on]


# --- 长者饭堂 meal tiers ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MealTier:
    group: str
    label: str
    price: Decimal
    subsidy: Decimal
    explanation: str


def meal_tier(*, person, area: Area, kind: str, on: dt.date) -> MealTier:
    """The meal price and subsidy for this person: the best-ranked group of theirs that has a tier for this meal."""
    code, rows = _nearest(_rows("meal_tiers.csv"), area, on)
    rows = [r for r in rows if r["meal"] == kind]
    if not rows:
        raise DomainError(f"{area.name}所在辖区未设定该餐次的长者饭堂补贴标准", code="no_meal_tier", field="餐次")
    by_group = {}
    for r in sorted(rows, key=lambda x: x["valid_from"]):
        by_group[r["group"]] = r
    for g in person_groups(person, on):
        if g.code in by_group:
            r = by_group[g.code]
            price, subsidy = money(r["price"]), money(r["subsidy"])
            note = "（演示假设标准）" if r["source"].startswith("assumed") else ""
            return MealTier(g.code, g.label, price, subsidy,
                            f"{g.label}：餐价{price}元，补贴{subsidy}元，自付{price - subsidy}元{note}")
    raise DomainError(f"{person.name}不满{elderly_age()}周岁，也不属于长者饭堂补贴对象", code="not_eligible",
                      field="就餐老人")


# --- catalogue loading ------------------------------------------------------------------------------------------

def catalogue_load() -> int:
    """Create the catalogue rows and package contents the database lacks (areas not present are skipped)."""
    from .models import PackageItem, ServiceItem

    areas = {a.code: a for a in Area.objects.current().filter(
        code__in={r["jurisdiction"] for r in _rows("catalogue.csv")})}
    made = 0
    with transaction.atomic():
        for r in _rows("catalogue.csv"):
            area = areas.get(r["jurisdiction"])
            if area is None:
                continue
            _, created = ServiceItem.objects.get_or_create(
                area=area, code=r["code"], valid_from=_date(r["valid_from"]),
                defaults={"name": r["name"], "category": r["category"], "unit": r["unit"],
                          "price": money(r["price"]), "duration_minutes": int(r["duration_minutes"] or 0),
                          "is_package": r["is_package"] == "1", "basis": r["basis"][:300],
                          "source": r["source"][:200], "valid_to": _date(r["valid_to"]) if r.get("valid_to") else None})
            made += created
        for r in _rows("packages.csv"):
            area = areas.get(r["jurisdiction"])
            if area is None:
                continue
            package = ServiceItem.objects.filter(area=area, code=r["package_code"]).order_by("-valid_from").first()
            item = ServiceItem.objects.filter(area=area, code=r["item_code"]).order_by("-valid_from").first()
            if package and item:
                PackageItem.objects.get_or_create(package=package, item=item,
                                                  defaults={"per_month": int(r["per_month"]), "source": r["source"]})
    return made
