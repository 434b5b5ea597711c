"""One interface for every assistance programme: a new programme is a new module here, nothing else.

A programme reads plain facts about a household on a date (members, incomes, assets, care levels) and
answers with a Decision: eligible or not, the reasons in Chinese, and the monthly amount per person with
the rule version (policy rows used) and an explanation a caseworker can read out to the family.
"""

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal

from minzheng.core.errors import DomainError
from minzheng.core.periods import age_on


@dataclass(frozen=True)
class Member:
    person_id: int
    name: str
    birth_date: dt.date
    relation: str = ""                       # registry.models.Relation value
    monthly_income: Decimal = Decimal("0")   # after the deductions policy allows
    self_care: str = ""                      # full_self_care / partial / full_dependent (能力评估 result)
    self_care_source: str = ""               # where self_care came from (the assessment, or typed by staff)
    disability_category: str = ""
    disability_grade: int | None = None
    categories: frozenset[str] = frozenset()  # registry Category values in force
    # (programme, component) of the member's 大救助 entitlements in force that month — how eldercare derives
    # 特困/低保 — so a programme can tell enrolment without a registry 类别 row
    enrolled: frozenset[tuple[str, str]] = frozenset()
    care_level: int | None = None            # GB/T 42195 final level 0–4 of the latest valid assessment
    care_level_label: str = ""               # its short name (轻度失能 …)
    care_level_source: str = ""              # which assessment (number, date, ruleset)
    deceased: bool = False

    def in_programme(self, code: str, component: str = "") -> bool:
        return any(p == code and (not component or c == component) for p, c in self.enrolled)

    def age_on(self, on: dt.date) -> int:
        return age_on(self.birth_date, on)


@dataclass(frozen=True)
class HouseholdFacts:
    area: object                             # areas.Area (the household's village); standards resolve from it
    urban_rural: str                         # "urban" / "rural"
    on: dt.date                              # the month the decision applies from
    members: tuple[Member, ...]
    assets: Decimal = Decimal("0")           # financial assets per household (核对)
    rigid_expenses: Decimal = Decimal("0")   # monthly 刚性支出 (medical, education ...) for 支出型困难家庭
    variant: str = ""                        # programme-specific (e.g. "emergency" 急难型 临时救助)
    extra: dict = field(default_factory=dict)

    @property
    def living(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if not m.deceased)

    @property
    def monthly_income(self) -> Decimal:
        return sum((m.monthly_income for m in self.living), Decimal("0"))


@dataclass(frozen=True)
class Amount:
    person_id: int
    component: str
    monthly_amount: Decimal
    rule_version: str
    explanation: str


@dataclass(frozen=True)
class Decision:
    eligible: bool
    reasons: tuple[str, ...]
    amounts: tuple[Amount, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((a.monthly_amount for a in self.amounts), Decimal("0"))


class Programme(ABC):
    code: str
    label: str
    per_household: bool = True      # a household case (低保) or a person case (孤儿, 两项补贴)
    one_off: bool = False           # 临时救助 pays once; others monthly
    pays_cash: bool = True          # False: approval confers a status only (低收入家庭认定), no amounts to pay
    excludes: frozenset[str] = frozenset()  # programmes a person may not receive at the same time
    # The figures the 审批 / 复核 page asks for (forms.ApprovalForm): only what assess() reads, so that a 低保 officer
    # meets no 特困 or 两项补贴 fields and hints. Household: urban_rural, assets, rigid_expenses, household_status;
    # per member: income, self_care, no_work, no_supporter.
    approval_inputs: frozenset[str] = frozenset({"urban_rural", "assets", "rigid_expenses", "household_status",
                                                 "income", "self_care", "no_work", "no_supporter"})

    @abstractmethod
    def assess(self, facts: HouseholdFacts) -> Decision:
        """Eligibility and amounts on facts.on."""

    def recheck_months(self, facts: HouseholdFacts) -> int:
        """Months until the next 复核; programmes override with their policy."""
        return 12


REGISTRY: dict[str, Programme] = {}


def register(cls: type[Programme]) -> type[Programme]:
    REGISTRY[cls.code] = cls()
    return cls


def get_programme(code: str) -> Programme:
    from . import load_all  # noqa: F401  (importing the package registers every programme)

    try:
        return REGISTRY[code]
    except KeyError:
        raise DomainError(f"救助项目“{code}”不存在", code="unknown_programme", field="救助项目") from None


def find_programme(code: str) -> Programme | None:
    """The registered programme, or None (for callers to whom an unknown code is not an error)."""
    try:
        return get_programme(code)
    except DomainError:
        return None
