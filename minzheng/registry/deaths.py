"""A death date set or corrected on the registry's record is a fact every domain may have to follow (a spouse's
marital status, …). The registry sits below those domains (pyproject.toml's layers), so each registers, when it is
ready, a follower that person_update calls inside its own transaction: the follower's writes commit or roll back
with the death date itself. A follower is a domain's service function: it checks, writes and audits its own rows.
"""

import datetime as dt
from collections.abc import Callable

from minzheng.accounts.models import User

from .models import Person

# (actor, person, death_date now, death_date before): the date may be set, moved or cleared (a correction).
Follower = Callable[[User | None, Person, dt.date | None, dt.date | None], None]
_followers: list[tuple[str, Follower]] = []


def register(name: str, follower: Follower) -> None:
    _followers[:] = [f for f in _followers if f[0] != name]
    _followers.append((name, follower))
    _followers.sort(key=lambda f: f[0])


def death_date_changed(*, actor: User | None, person: Person, death_date: dt.date | None,
                       previous: dt.date | None) -> None:
    """Called by registry.services.person_update in its transaction when the death date changed."""
    for _name, follower in _followers:
        follower(actor, person, death_date, previous)
