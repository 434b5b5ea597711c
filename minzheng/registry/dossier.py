"""一人一档: the person page as the whole record. The registry sits below every domain (pyproject.toml's layers),
so each domain registers, when it is ready, a contributor that lists this person's records from its own scoped
selectors — applications, cases, payments, assessments, orders, visits, 核对 reports — each row a link.
A contributor returns nothing when the user's role may not read that domain."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from minzheng.accounts.models import User

from .models import Household, Membership, Person

# Rows shown per section; the section links to its list for the rest (a layout choice, not a policy).
ROWS_SHOWN = 20


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    url: str = ""  # the first cell links here


@dataclass
class Section:
    key: str  # stable id for tests and anchors (never shown)
    title: str
    headers: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    empty: str = "暂无记录"
    # Facts for the person card a domain knows better than the registry (the account the roster pays, …).
    facts: dict[str, str] = field(default_factory=dict)


Contributor = Callable[[User, Person], Iterable[Section]]
_contributors: list[tuple[int, str, Contributor]] = []


def register(name: str, contributor: Contributor, *, order: int = 100) -> None:
    _contributors[:] = [c for c in _contributors if c[1] != name]
    _contributors.append((order, name, contributor))
    _contributors.sort(key=lambda c: (c[0], c[1]))


def sections_for(user: User, person: Person) -> list[Section]:
    out: list[Section] = []
    for _order, _name, contributor in _contributors:
        out.extend(contributor(user, person))
    return out


def household_ids(person: Person) -> list[int]:
    """Every household the person has belonged to (current and past): a family's application is theirs too."""
    return list(Membership.objects.filter(person=person).values_list("household_id", flat=True).distinct()) + list(
        Household.objects.filter(head=person).values_list("id", flat=True))
