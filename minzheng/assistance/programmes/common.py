"""Helpers the programme modules share: reading standards for a household, money arithmetic and wording.

Every figure comes from policy.rules.resolve; the only literals here are the names of the kinds and
variants looked up (data/policy/README.md lists them) and the unit labels used to pick monthly rows.
"""

from decimal import Decimal

from minzheng.core.errors import DomainError
from minzheng.core.money import round_amount
from minzheng.policy.rules import Resolved, resolve

from .base import HouseholdFacts, Member

MONTHLY = "元/人·月"   # standards stated per year have a derived monthly row; programmes pay monthly amounts
SCOPES = {"urban": "城镇", "rural": "农村"}
SELF_CARE = {"full_self_care": "全自理", "partial": "半自理", "full_dependent": "全护理"}


def money(value: Decimal) -> str:
    """2100 → '2100', 1924.40 → '1924.4', never an exponent."""
    text = format(Decimal(value).normalize(), "f")
    return text


def shown(value: Decimal, places: Decimal = Decimal("0.01")) -> str:
    """A figure for an explanation: exact when it has at most two decimals, else '约' and two decimals."""
    rounded = round_amount(value, "fen", unit=places)
    return money(value) if rounded == value else f"约{money(rounded)}"


def check_amount(value, label: str, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise DomainError(f"{label}“{value}”不是有效金额（应为以元为单位的数字）", code="invalid_amount", field=field)
    value = Decimal(value)
    if not value.is_finite():
        raise DomainError(f"{label}“{value}”不是有效金额", code="invalid_amount", field=field)
    if value < 0:
        raise DomainError(f"{label}不能为负数（填写为{money(value)}元）", code="negative_amount", field=field)
    return value


def check_facts(facts: HouseholdFacts) -> None:
    """Second line of defence behind assistance.facts: reject facts no programme can assess."""
    if facts.urban_rural not in SCOPES:
        raise DomainError(f"城乡类别“{facts.urban_rural}”无效，应为城镇或农村", code="invalid_scope", field="城乡")
    for m in facts.members:
        check_amount(m.monthly_income, f"{m.name}的月收入", "月收入")
        if m.self_care and m.self_care not in SELF_CARE:
            raise DomainError(f"{m.name}的自理能力“{m.self_care}”无效，应为全自理、半自理或全护理",
                              code="invalid_self_care", field="自理能力")
    check_amount(facts.assets, "家庭金融资产", "家庭金融资产")
    check_amount(facts.rigid_expenses, "家庭月刚性支出", "刚性支出")
    if not facts.living:
        raise DomainError("该家庭在评估日期没有在世的成员，无法评估", code="no_members", field="家庭成员")


def standard(facts: HouseholdFacts, kind: str, variant: str = "", unit: str | None = None) -> Resolved:
    return resolve(facts.area, kind, scope=facts.urban_rural, variant=variant, on=facts.on, unit=unit)


def optional_standard(facts: HouseholdFacts, kind: str, variant: str = "", unit: str | None = None
                      ) -> Resolved | None:
    """A standard a jurisdiction may or may not set (分类施保 rates): None when no value is in force."""
    try:
        return standard(facts, kind, variant, unit)
    except DomainError as e:
        if e.code == "no_standard":
            return None
        raise


def age_limit(facts: HouseholdFacts, variant: str) -> int:
    return int(standard(facts, "age_threshold", variant).value)


def severe_grade(facts: HouseholdFacts, member: Member) -> tuple[bool, Resolved | None]:
    """Whether the member counts as 重度残疾 here, and the rule that decided it."""
    if member.disability_grade is None:
        return False, None
    rule = standard(facts, "severe_disability_grade")
    if member.disability_grade <= rule.value:
        return True, rule
    if member.disability_category in ("intellectual", "mental"):
        wider = optional_standard(facts, "severe_disability_grade", "intellectual_mental")
        if wider is not None and member.disability_grade <= wider.value:
            return True, wider
    return False, rule


def rounding(facts: HouseholdFacts) -> Resolved:
    return standard(facts, "payment_rounding")


def version(code: str, *resolved: Resolved | None) -> str:
    sources = []
    for r in resolved:
        for s in (r.sources if r else ()):
            if s not in sources:
                sources.append(s)
    return f"{code}:{'+'.join(sources)}"


def per_capita_income(facts: HouseholdFacts, *, minus_rigid: bool = False) -> Decimal:
    income = facts.monthly_income - (facts.rigid_expenses if minus_rigid else Decimal("0"))
    return income / len(facts.living)


def assets_check(facts: HouseholdFacts, dibao: Resolved) -> tuple[bool, str, Resolved]:
    """Per-capita financial assets against (months × 低保标准)."""
    months = standard(facts, "asset_limit_months")
    n = len(facts.living)
    limit = months.value * dibao.value
    per_head = facts.assets / n
    ok = per_head <= limit
    text = (f"家庭金融资产{money(facts.assets)}元 ÷ {n}人 = 人均{shown(per_head)}元，"
            f"{'未超过' if ok else '超过'}上限{money(months.value)}个月 × {money(dibao.value)}元 = {money(limit)}元"
            f"（{months.explanation}）")
    return ok, text, months


def working_age(facts: HouseholdFacts, member: Member) -> bool:
    """Of working age and not severely disabled: such members make a household 'unstable' for 复核."""
    age = member.age_on(facts.on)
    if not age_limit(facts, "working_from") <= age < age_limit(facts, "elderly_from"):
        return False
    return not severe_grade(facts, member)[0]


def recheck_by_household(facts: HouseholdFacts) -> int:
    variant = "working_age" if any(working_age(facts, m) for m in facts.living) else "stable"
    return int(standard(facts, "recheck_months", variant).value)


def scope_label(facts: HouseholdFacts) -> str:
    return SCOPES.get(facts.urban_rural, facts.urban_rural)
