"""Demo 大养老 work for the five jurisdictions, run by `setup_demo` after the 大救助 demo.

Everything goes through the real services as the demo accounts (assistance.demo.STAFF plus two assessors per
jurisdiction, setup_demo.ACCOUNTS): the two assessors of the 养老服务指导中心 (never the approver) assess a dozen
elders — every 特困 elder first, so their 照料护理 tier has its source — two elders are marked 计划生育特殊家庭,
last month's and this month's visit plans are generated for the county and mostly visited (by the village worker
in her village, else by the county), and the call desk takes a handful of calls (one still open, one 误触).

Deterministic (seeded) and idempotent: a jurisdiction whose county already holds assessments is skipped; each
jurisdiction is seeded in one transaction.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.assistance.models import Entitlement
from minzheng.assistance.selectors import tekun_care_tiers
from minzheng.core.periods import birthday, month_end, previous_month_start
from minzheng.demo.assistance import STAFF
from minzheng.eldercare import selectors, services
from minzheng.eldercare.models import Assessment, VisitDue
from minzheng.eldercare.ruleset import ruleset_on
from minzheng.registry.models import PersonCategory

DEMO_SEED = 2026
FINDINGS = [
    "精神状态良好，家中整洁，叮嘱按时服药",
    "独自在家，冰箱食物充足，已检查燃气阀门",
    "腿脚不便，已联系村医上门测血压",
    "子女本周回家探望，情况稳定",
    "近期睡眠欠佳，已做心理疏导",
    "屋内潮湿，已登记适老化改造需求",
]
CALLS = [
    ("fall", "在家中跌倒，自述腰部疼痛"),
    ("illness", "胸闷气短，呼叫求助"),
    ("help", "停电，求助查看线路"),
    ("illness", "血压偏高，头晕"),
    ("fall", "夜间起床跌倒，无法站起"),
    ("lost", "家属报告老人外出未归"),
]
RESPONDERS = ["村（居）网格员", "家属", "120急救", "社工站社工", "平安通服务人员"]


@dataclass
class DemoError(Exception):
    """A demo prerequisite is missing, with a Chinese message for the operator."""


@dataclass
class Result:
    code: str
    name: str
    skipped: bool = False
    assessments: int = 0
    visits_due: int = 0
    visits: int = 0
    calls: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.skipped:
            return f"{self.name}：已有能力评估，跳过"
        return (
            f"{self.name}：能力评估{self.assessments}人，探访名单{self.visits_due}人次、已探访{self.visits}人次，"
            f"紧急呼叫{self.calls}宗" + ("；" + "；".join(self.notes) if self.notes else "")
        )


def _answers(rng: random.Random, target: int, on: dt.date) -> dict[str, int]:
    """Item answers near a target total: start full, take points off random items."""
    items = list(ruleset_on(on).items)
    answers = {i.code: i.max for i in items}
    total = sum(answers.values())
    while total > target:
        i = rng.choice(items)
        if answers[i.code] > 0:
            answers[i.code] -= 1
            total -= 1
    return answers


def _target_for_tier(rng: random.Random, tier: str, on: dt.date) -> int:
    """A total score inside a level that maps to the 特困 care tier (data/eldercare/ability/self_care.csv)."""
    levels = [lv for lv in ruleset_on(on).levels if lv.self_care == tier]
    if not levels:
        raise DemoError(f"能力评估等级中没有对应“{tier}”照料护理档次的等级")
    lv = rng.choice(levels)
    return rng.randint(lv.min_total, lv.max_total)


ASSESSORS = {
    "441800": "qy_assessor",
    "445322": "yn_assessor",
    "440704": "jh_assessor",
    "442000": "zs_assessor",
    "441900": "dg_assessor",
}


def _seed(code: str, rng: random.Random, today: dt.date) -> Result:
    names = dict(STAFF[code], assessor=ASSESSORS[code], assessor2=f"{ASSESSORS[code]}2")
    users = {u.username: u for u in User.objects.filter(username__in=names.values())}
    missing = set(names.values()) - set(users)
    if missing:
        raise DemoError(f"大养老演示缺少演示账号：{'、'.join(sorted(missing))}（请先运行 setup_demo 创建账号）")
    county_user, assessor, assessor2 = users[names["county"]], users[names["assessor"]], users[names["assessor2"]]
    village_user = users[names["village"]]
    county = county_user.area_assignments.select_related("area").first().area
    village = village_user.area_assignments.select_related("area").first().area
    result = Result(code, Area.objects.current().get(code=code).name)
    if Assessment.objects.filter(area__path__startswith=county.path).exists():
        result.skipped = True
        return result

    # aged 60 for at least 90 days, so a back-dated assessment or visit is never before the 60th birthday
    elders = list(selectors.elders_for(county_user, on=today - dt.timedelta(days=90)).order_by("id"))
    if not elders:
        result.notes.append("没有60周岁以上的演示人员")
        return result
    tekun_ids = set(
        Entitlement.objects.filter(case__programme="tekun", person__in=elders).values_list("person_id", flat=True)
    ) | set(
        PersonCategory.objects.filter(category="tekun", person__in=elders, valid_to__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    rng.shuffle(elders)
    chosen = [p for p in elders if p.pk in tekun_ids] + [p for p in elders if p.pk not in tekun_ids]
    chosen = chosen[: max(12, len(tekun_ids))]
    targets = [90, 84, 78, 70, 60, 52, 40, 33, 25, 88, 66, 46]
    # A 特困 elder's assessment scores within the band of the care tier their case was granted at, with no
    # adjustment, so the case and the assessment (the tier's one source) never disagree on any date.
    tiers = tekun_care_tiers([p.pk for p in chosen])
    for n, person in enumerate(chosen):
        on = today - dt.timedelta(days=rng.randint(10, 80))
        tier = tiers.get(person.pk)
        target = _target_for_tier(rng, tier, on) if tier else targets[n % len(targets)]
        diagnosis = not tier and n % 7 == 5
        services.assessment_record(
            actor=assessor,
            person=person,
            reason="initial",
            assessed_on=on,
            assessor_1=assessor,
            assessor_2=assessor2,
            answers=_answers(rng, target, on),
            diagnosis=diagnosis,
            diagnosis_note="阿尔茨海默病（县人民医院诊断）" if diagnosis else "",
            risk_events=2 if not tier and n % 9 == 4 else 0,
            today=today,
        )
        result.assessments += 1
    # 计划生育特殊家庭: two elders not yet flagged
    for person in [p for p in elders if p not in chosen][:2]:
        services.elder_category_add(
            actor=county_user,
            person=person,
            category="family_planning_special",
            valid_from=max(today - dt.timedelta(days=400), birthday(person.birth_date, 60)),
            note="独生子女死亡家庭（演示）",
            today=today,
        )

    this_month, last_month = today.replace(day=1), previous_month_start(today)
    for month, share in ((last_month, 0.9), (this_month, 0.45)):
        result.visits_due += services.visit_plan_month(actor=county_user, area=county, month=month)
        last_day = min(today, month_end(month))
        for due in (
            VisitDue.objects.filter(month=month, area__path__startswith=county.path)
            .select_related("person", "area")
            .order_by("id")
        ):
            if rng.random() > share:
                continue
            actor = village_user if due.area.path.startswith(village.path) else county_user
            visited_on = month + dt.timedelta(days=rng.randint(0, (last_day - month).days))
            services.visit_record(
                actor=actor,
                person=due.person,
                visited_on=visited_on,
                mode="home" if rng.random() < 0.9 else "phone",
                findings=rng.choice(FINDINGS),
                needs_followup=rng.random() < 0.15,
                today=today,
            )
            result.visits += 1

    now = timezone.now()
    callers = chosen[: len(CALLS)] or elders[: len(CALLS)]
    for i, (kind, text) in enumerate(CALLS[: len(callers)]):
        received = now - dt.timedelta(days=rng.randint(2, 50), hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
        call = services.call_intake(
            actor=county_user,
            person=callers[i],
            channel=rng.choice(["terminal", "pingantong"]),
            kind=kind,
            description=text,
            received_at=received,
        )
        dispatched = received + dt.timedelta(minutes=rng.randint(1, 4))
        call = services.call_dispatch(actor=county_user, call=call, dispatched_to=rng.choice(RESPONDERS), at=dispatched)
        arrived = dispatched + dt.timedelta(minutes=rng.randint(6, 45))
        call = services.call_arrive(actor=county_user, call=call, responder=rng.choice(RESPONDERS), at=arrived)
        services.call_close(
            actor=county_user,
            call=call,
            outcome="现场处置完毕，已告知家属",
            at=arrived + dt.timedelta(minutes=rng.randint(10, 90)),
        )
        result.calls += 1
    false_alarm = services.call_intake(
        actor=county_user,
        person=callers[0],
        channel="terminal",
        kind="false_alarm",
        description="终端误触",
        received_at=now - dt.timedelta(days=3),
    )
    services.call_close(
        actor=county_user,
        call=false_alarm,
        outcome="回拨确认误触，老人平安",
        at=now - dt.timedelta(days=3) + dt.timedelta(minutes=2),
    )
    services.call_intake(
        actor=county_user,
        person=callers[-1],
        channel="pingantong",
        kind="help",
        description="咨询上门助浴服务，待派单",
        received_at=now - dt.timedelta(minutes=20),
    )
    result.calls += 2
    return result


def seed_eldercare_demo(*, jurisdictions=None, seed: int = DEMO_SEED, today: dt.date | None = None) -> list[Result]:
    today = today or timezone.localdate()
    out = []
    for code in jurisdictions or list(STAFF):
        rng = random.Random(f"eldercare-demo:{code}:{seed}")
        with transaction.atomic():
            out.append(_seed(code, rng, today))
    return out
