"""一人一档's 救助衔接: the referrals of the person's households (current and past) to a charity, with the charity's
answer and what it did — read through the same scoped selector as the charity desk."""

from collections.abc import Iterator

from django.db.models import Q

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.registry.dossier import ROWS_SHOWN, Row, Section, household_ids
from minzheng.registry.models import Person

from . import selectors


def sections(user: User, person: Person) -> Iterator[Section]:
    if not user.can(Cap.CHARITY_VIEW):
        return
    referrals = (selectors.referrals_for(user).filter(Q(person=person) | Q(household_id__in=household_ids(person)))
                 .order_by("-referred_on", "-id"))
    yield Section(key="charity_referrals", title="慈善救助转介",
                  headers=("转介日期", "家庭编号", "转介原因", "原因说明", "慈善组织", "状态", "结果"),
                  rows=[Row(cells=(f"{r.referred_on:%Y-%m-%d}", r.household.number, r.get_ground_display(),
                                   r.ground_detail, str(r.charity), r.get_status_display(), r.outcome or "—"))
                        for r in referrals[:ROWS_SHOWN]])
