"""一人一档's 大养老: the person's 能力评估 and 探访 (scoped: only for roles that read the elderly registry)."""

from collections.abc import Iterator

from django.urls import reverse

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.registry.dossier import ROWS_SHOWN, Row, Section
from minzheng.registry.models import Person

from . import rules, selectors
from .ruleset import rulesets


def sections(user: User, person: Person) -> Iterator[Section]:
    if not user.can(Cap.ELDER_VIEW):
        return
    levels = {lv.level: lv.short for lv in rulesets()[-1].levels}
    assessments = selectors.assessments_for(user).filter(person=person).order_by("-assessed_on", "-id")
    yield Section(key="assessments", title="老年人能力评估",
                  headers=("评估编号", "评估日期", "最终等级", "状态"),
                  rows=[Row(cells=(a.number, f"{a.assessed_on:%Y-%m-%d}", levels.get(a.final_level, "—"),
                                   a.get_status_display()),
                            url=reverse("eldercare:assessment", args=[a.pk])) for a in assessments[:ROWS_SHOWN]])
    modes = {m.code: m.label for m in rules.visit_modes()}
    visits = selectors.visits_for(user).filter(person=person).select_related("visitor").order_by("-visited_on", "-id")
    yield Section(key="visits", title="探访记录",
                  headers=("探访日期", "方式", "探访人", "探访情况"),
                  rows=[Row(cells=(f"{v.visited_on:%Y-%m-%d}", modes.get(v.mode, v.mode),
                                   v.visitor.display_name or v.visitor.username, v.findings[:60]),
                            url=reverse("eldercare:elder", args=[person.pk])) for v in visits[:ROWS_SHOWN]])
