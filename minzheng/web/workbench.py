"""工作台: what this user must do today, as counts and the first items, each linking to its page.

The web shell sits below the business apps (pyproject.toml's layers), so it cannot ask them itself: each app
registers a contributor when it is ready (its own `workbench.py`), built from the same selectors its list pages use,
so scope and counts agree with the lists. A contributor returns nothing for a role with nothing to do there.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from minzheng.accounts.models import User

# How many items each task shows before "全部 N 条" links to the list (a page-layout choice, not a policy).
FIRST_ITEMS = 5


@dataclass(frozen=True)
class Item:
    label: str
    url: str
    due: dt.date | None = None  # the deadline, shown and compared with today
    note: str = ""


@dataclass
class Task:
    key: str  # stable id for tests and anchors (never shown)
    title: str  # 待受理, 待审核 …
    count: int
    url: str  # the list page with the same filter
    items: list[Item] = field(default_factory=list)
    due_label: str = "办理时限"
    today: dt.date | None = None

    def rows(self) -> list[tuple[Item, bool]]:
        """(item, overdue) for the template: overdue when its deadline has passed."""
        return [(i, bool(self.today and i.due and i.due < self.today)) for i in self.items]

    @property
    def overdue_count(self) -> int:
        return sum(1 for _, late in self.rows() if late)


Contributor = Callable[[User, dt.date], Iterable[Task]]
_contributors: list[tuple[int, str, Contributor]] = []


def register(name: str, contributor: Contributor, *, order: int = 100) -> None:
    """Called from an app's ready(); registering the same name twice (a reloaded app) replaces it."""
    _contributors[:] = [c for c in _contributors if c[1] != name]
    _contributors.append((order, name, contributor))
    _contributors.sort(key=lambda c: (c[0], c[1]))


def tasks_for(user: User, today: dt.date) -> list[Task]:
    """Every task with something to do, in the apps' registered order."""
    out: list[Task] = []
    for _order, _name, contributor in _contributors:
        for task in contributor(user, today):
            if task.count:
                task.today = today
                out.append(task)
    return out


def first(qs, to_item: Callable[..., Item]) -> list[Item]:
    return [to_item(obj) for obj in qs[:FIRST_ITEMS]]
