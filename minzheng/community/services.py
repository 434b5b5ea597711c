"""Writes of 城乡社区治理: bodies and members, 换届选举 records, 村务公开 with the 四议两公开 steps, and the 社区工作者
roster. Each validates, writes and audits in one transaction."""

import csv
import datetime as dt
import functools

from django.conf import settings
from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.periods import local_date, same_day_months_later
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person

from .models import STEPS, Body, CommunityWorker, Consultation, Disclosure, Election, Member
from .rules import participant_counts, participant_kinds, term_years


@functools.cache
def grades() -> dict[str, str]:
    with open(settings.DATA_DIR / "community" / "worker_grades.csv", encoding="utf-8") as f:
        return {r["code"]: f"{r['post']}{r['level']}级" for r in csv.DictReader(f)}


def _village(area: Area) -> None:
    if area.level != Level.VILLAGE:
        raise DomainError("请选择村（居）", field="村（居）")


def _text(value: object, field: str, limit: int) -> str:
    text = (str(value) if value is not None else "").strip()
    if not text:
        raise DomainError(f"请填写{field}", code="required", field=field)
    if len(text) > limit or "\x00" in text:
        raise DomainError(f"{field}不超过{limit}字且不含不可见字符", field=field)
    return text


def body_create(*, actor: User, area: Area, kind: str, term_start: dt.date, term_end: dt.date,
                members: list[tuple[Person, str, bool]]) -> Body:
    ensure_can(actor, area, Cap.COMMUNITY_EDIT)
    _village(area)
    if kind not in Body.Kind.values:
        raise DomainError("组织应为村民委员会、居民委员会或村（居）务监督委员会", field="组织")
    if term_end <= term_start:
        raise DomainError("任期届满日期应晚于任期开始日期", field="任期届满")
    if not members:
        raise DomainError("请填写组织成员", field="成员")
    with transaction.atomic():
        body = Body.objects.create(area=area, kind=kind, term_start=term_start, term_end=term_end)
        for n, (person, post, one_shoulder) in enumerate(members, start=1):
            if not person.residence_area.path.startswith(area.path):
                raise DomainError(f"第{n}名成员{person.name}不住在{area.name}", field="成员")
            Member.objects.create(body=body, person=person, post=_text(post, f"第{n}名成员的职务", 20),
                                  also_party_secretary=bool(one_shoulder))
        audit.record(actor=actor, action="community.body.create", object_type="community.body", object_id=body.pk,
                     object_repr=f"{area.name}{body.get_kind_display()}", area_code=area.code,
                     after={"kind": kind, "term": [term_start, term_end], "members": len(members)})
    return body


def election_record(*, actor: User, area: Area, held_on: dt.date, voters: int, votes: int,
                    non_hukou_voters: int = 0, first_round: bool = True, one_shoulder: bool = False) -> Election:
    """换届选举 record; the votes cast cannot exceed the registered voters."""
    ensure_can(actor, area, Cap.COMMUNITY_EDIT)
    _village(area)
    for label, n in (("登记选民数", voters), ("参加投票人数", votes), ("非户籍选民数", non_hukou_voters)):
        if not isinstance(n, int) or isinstance(n, bool) or n < 0 or n > 10_000_000:
            raise DomainError(f"{label}应为0至一千万之间的整数", field=label)
    if votes > voters:
        raise DomainError(f"参加投票人数（{votes}）不能超过登记选民数（{voters}）", code="votes_exceed_voters",
                          field="参加投票人数")
    if non_hukou_voters > voters:
        raise DomainError(f"非户籍选民数（{non_hukou_voters}）不能超过登记选民数（{voters}）", field="非户籍选民数")
    if not isinstance(held_on, dt.date) or held_on > local_date():
        raise DomainError("选举日期不能晚于今天", field="选举日期")
    with transaction.atomic():
        e = Election.objects.create(area=area, held_on=held_on, voters=voters, votes=votes,
                                    non_hukou_voters=non_hukou_voters, first_round=bool(first_round),
                                    one_shoulder=bool(one_shoulder), recorded_by=actor)
        audit.record(actor=actor, action="community.election", object_type="community.election", object_id=e.pk,
                     object_repr=area.name, area_code=area.code,
                     after={"held_on": held_on, "voters": voters, "votes": votes, "turnout": e.turnout})
    return e


def disclosure_create(*, actor: User, area: Area, category: str, title: str, content: str,
                      steps: dict[str, dt.date] | None = None) -> Disclosure:
    """A 村务公开 item; a decision records its 四议两公开 steps (each a date, in order)."""
    ensure_can(actor, area, Cap.COMMUNITY_EDIT)
    _village(area)
    if category not in Disclosure.Category.values:
        raise DomainError("类别应为村（居）务、财务或党务公开", field="类别")
    steps = steps or {}
    known = dict(STEPS)
    unknown = [k for k in steps if k not in known]
    if unknown:
        raise DomainError("四议两公开步骤只能是：" + "、".join(known.values()), field="四议两公开步骤")
    dates = [(known[k], steps[k]) for k, _ in STEPS if k in steps]
    for (a_label, a), (b_label, b) in zip(dates, dates[1:], strict=False):
        if not isinstance(a, dt.date) or not isinstance(b, dt.date) or b < a:
            raise DomainError(f"“{b_label}”的日期不能早于“{a_label}”", field="四议两公开步骤")
    with transaction.atomic():
        d = Disclosure.objects.create(area=area, category=category, title=_text(title, "标题", 100),
                                      content=_text(content, "公开内容", 5000),
                                      steps={k: v.isoformat() for k, v in steps.items()}, created_by=actor)
        audit.record(actor=actor, action="community.disclosure.create", object_type="community.disclosure",
                     object_id=d.pk, object_repr=d.title, area_code=area.code, after={"steps": d.steps})
    return d


def disclosure_publish(*, actor: User, item: Disclosure, today: dt.date | None = None) -> Disclosure:
    """Publish: a decision with 四议 steps recorded must have all four (提议、商议、审议、决议) before it is made
    public."""
    ensure_can(actor, item.area, Cap.COMMUNITY_EDIT)
    if item.published_on:
        raise Conflict("该事项已公开", field="状态")
    four = [k for k, _ in STEPS[:4]]
    if item.steps and any(k not in item.steps for k in four):
        missing = "、".join(label for k, label in STEPS[:4] if k not in item.steps)
        raise DomainError(f"“四议”未走完，尚缺：{missing}", code="steps_missing", field="四议两公开步骤")
    today = today or local_date()
    with transaction.atomic():
        Disclosure.objects.filter(pk=item.pk).update(published_on=today)
        item.published_on = today
        audit.record(actor=actor, action="community.disclosure.publish", object_type="community.disclosure",
                     object_id=item.pk, object_repr=item.title, area_code=item.area.code, after={"on": today})
    return item


def worker_add(*, actor: User, person: Person, area: Area, grade: str, since: dt.date, certificate: str = "",
               training_hours: int = 0, pay_band: str = "") -> CommunityWorker:
    ensure_can(actor, area, Cap.COMMUNITY_EDIT)
    _village(area)
    if grade not in grades():
        raise DomainError("岗位等级应为岗位等级序列中的一级：" + "、".join(grades().values()), field="岗位等级")
    if CommunityWorker.objects.filter(person=person, left_on__isnull=True).exists():
        raise Conflict(f"{person.name}已在社区工作者名册中（在岗）", field="社区工作者")
    last = CommunityWorker.objects.filter(person=person).order_by("-left_on").first()
    if last is not None and last.left_on is not None and since <= last.left_on:
        raise DomainError(f"{person.name}于{last.left_on}离岗，重新入职日期应晚于离岗日期", field="入职日期")
    if not isinstance(training_hours, int) or not 0 <= training_hours <= 2000:
        raise DomainError("年度培训学时应为0至2000之间的整数", field="年度培训学时")
    with transaction.atomic():
        w = CommunityWorker.objects.create(person=person, area=area, grade=grade, since=since,
                                           certificate=certificate[:30], training_hours=training_hours,
                                           pay_band=pay_band[:20])
        audit.record(actor=actor, action="community.worker.add", object_type="community.worker", object_id=w.pk,
                     object_repr=person.name, area_code=area.code, after={"grade": grade})
    return w


def worker_leave(*, actor: User, worker: CommunityWorker, left_on: dt.date, kind: str,
                 reason: str) -> CommunityWorker:
    """End a 社区工作者's service (离职 or 解聘). The row stays on the roster as history; from ``left_on`` (the
    day of leaving) the worker no longer counts in the ratio per 10,000 residents."""
    ensure_can(actor, worker.area, Cap.COMMUNITY_EDIT)
    if worker.left_on is not None:
        raise Conflict(f"{worker.person.name}已于{worker.left_on}离岗", field="状态")
    if kind not in CommunityWorker.LeaveKind.values:
        raise DomainError("离岗方式应为离职或解聘", field="离岗方式")
    if not isinstance(left_on, dt.date) or left_on < worker.since or left_on > local_date():
        raise DomainError(f"离岗日期应在入职日期{worker.since}至今天之间", field="离岗日期")
    reason = _text(reason, "离岗原因", 200)
    with transaction.atomic():
        # conditional on still serving, so two leavings at once record one
        if not CommunityWorker.objects.filter(pk=worker.pk, left_on__isnull=True).update(
                left_on=left_on, leave_kind=kind, leave_reason=reason):
            raise Conflict(f"{worker.person.name}已离岗", field="状态")
        worker.left_on, worker.leave_kind, worker.leave_reason = left_on, kind, reason
        audit.record(actor=actor, action="community.worker.leave", object_type="community.worker",
                     object_id=worker.pk, object_repr=worker.person.name, area_code=worker.area.code,
                     before={"left_on": None}, after={"left_on": left_on, "kind": kind, "reason": reason})
    return worker


def _count(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise DomainError(f"{field}应为0至100000之间的整数", field=field)
    return value


def consultation_record(*, actor: User, area: Area, topic: str, held_on: dt.date, participants: dict[str, int],
                        outcome: str, persons: list[Person] | None = None, follow_up: str = "",
                        follow_up_due: dt.date | None = None) -> Consultation:
    """议事协商: the matter, the day, who took part (counts by kind; registry persons where named), the outcome and
    what follows. Not a future day; at least one participant; a follow-up deadline not before the meeting."""
    ensure_can(actor, area, Cap.COMMUNITY_EDIT)
    _village(area)
    topic = _text(topic, "协商事项", 100)
    if not isinstance(held_on, dt.date) or held_on > local_date():
        raise DomainError("协商日期不能晚于今天", field="协商日期")
    kinds = participant_kinds()
    unknown = [k for k in participants if k not in kinds]
    if unknown:
        raise DomainError("参加人员类别只能是：" + "、".join(kinds.values()), field="参加人员")
    counts = {k: _count(participants[k], f"{kinds[k]}人数") for k in kinds if participants.get(k)}
    persons = list(dict.fromkeys(persons or []))
    if not counts and not persons:
        raise DomainError("请填写参加人员（至少一类人数或一名具名参加人）", field="参加人员")
    outcome = _text(outcome, "协商结果", 2000)
    follow_up = (follow_up or "").strip()
    if len(follow_up) > 500 or "\x00" in follow_up:
        raise DomainError("后续落实措施不超过500字且不含不可见字符", field="后续落实措施")
    if follow_up_due is not None and (not isinstance(follow_up_due, dt.date) or follow_up_due < held_on):
        raise DomainError("落实期限不能早于协商日期", field="落实期限")
    if follow_up_due is not None and not follow_up:
        raise DomainError("填写了落实期限，请同时填写后续落实措施", field="后续落实措施")
    with transaction.atomic():
        c = Consultation.objects.create(area=area, topic=topic, held_on=held_on, participants=counts,
                                        outcome=outcome, follow_up=follow_up, follow_up_due=follow_up_due,
                                        recorded_by=actor)
        c.persons.set(persons)
        audit.record(actor=actor, action="community.consultation.record", object_type="community.consultation",
                     object_id=c.pk, object_repr=topic, area_code=area.code,
                     after={"held_on": held_on, "participants": counts, "persons": [p.pk for p in persons],
                            "follow_up_due": follow_up_due})
    return c


def consultation_follow_up(*, actor: User, item: Consultation, done_on: dt.date, result: str) -> Consultation:
    """落实情况: what was done about the agreed follow-up, and when."""
    ensure_can(actor, item.area, Cap.COMMUNITY_EDIT)
    if not item.follow_up:
        raise DomainError("该协商没有需要落实的后续措施", field="落实情况")
    if item.follow_up_done_on:
        raise Conflict("该协商的后续措施已登记落实", field="落实情况")
    if not isinstance(done_on, dt.date) or done_on < item.held_on or done_on > local_date():
        raise DomainError(f"落实日期应在协商日期{item.held_on}至今天之间", field="落实日期")
    result = _text(result, "落实情况", 500)
    with transaction.atomic():
        Consultation.objects.filter(pk=item.pk).update(follow_up_done_on=done_on, follow_up_result=result)
        item.follow_up_done_on, item.follow_up_result = done_on, result
        audit.record(actor=actor, action="community.consultation.follow_up", object_type="community.consultation",
                     object_id=item.pk, object_repr=item.topic, area_code=item.area.code,
                     after={"done_on": done_on, "result": result})
    return item


def consultation_publish(*, actor: User, item: Consultation, today: dt.date | None = None) -> Disclosure:
    """Publish a 议事协商 on the public 村（居）务公开 page: the matter, the day, how many of each kind took part
    (never the names), the outcome and the follow-up."""
    ensure_can(actor, item.area, Cap.COMMUNITY_EDIT)
    if item.disclosure_id:
        raise Conflict("该协商结果已公开", field="状态")
    today = today or local_date()
    who = "、".join(f"{label}{n}人" for label, n in participant_counts(item.participants))
    named = item.persons.count()
    if named:
        who = "、".join(x for x in (who, f"其他具名参加人{named}人") if x)
    lines = [f"协商日期：{item.held_on.isoformat()}", f"参加人员：{who}", f"协商结果：{item.outcome}"]
    if item.follow_up:
        due = f"（{item.follow_up_due.isoformat()}前）" if item.follow_up_due else ""
        lines.append(f"后续落实：{item.follow_up}{due}")
    if item.follow_up_done_on:
        lines.append(f"落实情况：{item.follow_up_result}（{item.follow_up_done_on.isoformat()}）")
    with transaction.atomic():
        d = Disclosure.objects.create(area=item.area, category=Disclosure.Category.AFFAIRS,
                                      title=f"议事协商：{item.topic}"[:100], content="\n".join(lines)[:5000],
                                      published_on=today, created_by=actor)
        Consultation.objects.filter(pk=item.pk).update(disclosure=d)
        item.disclosure = d
        audit.record(actor=actor, action="community.consultation.publish", object_type="community.consultation",
                     object_id=item.pk, object_repr=item.topic, area_code=item.area.code,
                     after={"disclosure": d.pk, "on": today})
    return d


def member_add(*, actor: User, body: Body, person: Person, post: str, one_shoulder: bool = False) -> Member:
    """A member joins a 村（居）委会 or 村务监督委员会 for the rest of its term; they live in the village."""
    ensure_can(actor, body.area, Cap.COMMUNITY_EDIT)
    if Body.objects.filter(previous=body).exists():
        raise Conflict("该届组织已换届，请在新一届中增加成员", field="成员")
    if not person.residence_area.path.startswith(body.area.path):
        raise DomainError(f"{person.name}不住在{body.area.name}", field="成员")
    if Member.objects.filter(body=body, person=person).exists():
        raise Conflict(f"{person.name}已是该组织成员", field="成员")
    post = _text(post, "职务", 20)
    with transaction.atomic():
        m = Member.objects.create(body=body, person=person, post=post, also_party_secretary=bool(one_shoulder))
        audit.record(actor=actor, action="community.member.add", object_type="community.body", object_id=body.pk,
                     object_repr=f"{body.area.name}{body.get_kind_display()}", area_code=body.area.code,
                     after={"person": person.pk, "post": post})
    return m


def body_renew(*, actor: User, body: Body, election: Election,
               members: list[tuple[Person, str, bool]]) -> Body:
    """换届: the 换届选举 record of the body's village starts the next term of the same kind of body. The new term
    runs from the election day for the years in data/community/terms.csv; the old body stays as history (已换届)."""
    ensure_can(actor, body.area, Cap.COMMUNITY_EDIT)
    if Body.objects.filter(previous=body).exists():
        raise Conflict(f"{body.area.name}{body.get_kind_display()}（{body.term_start}起的一届）已换届", field="状态")
    if election.area_id != body.area_id:
        raise DomainError(f"该换届选举不是{body.area.name}的选举", field="换届选举")
    if election.held_on <= body.term_start:
        raise DomainError(f"换届选举日期应晚于本届任期开始日期{body.term_start}", field="换届选举")
    if Body.objects.filter(election=election, kind=body.kind).exists():
        raise Conflict(f"{election.held_on}的换届选举已产生新一届{body.get_kind_display()}", field="换届选举")
    years, citation = term_years()[body.kind]
    start = election.held_on
    end = same_day_months_later(start, 12 * years) - dt.timedelta(days=1)
    with transaction.atomic():
        new = body_create(actor=actor, area=body.area, kind=body.kind, term_start=start, term_end=end,
                          members=members)
        Body.objects.filter(pk=new.pk).update(previous=body, election=election)
        new.previous, new.election = body, election
        audit.record(actor=actor, action="community.body.renew", object_type="community.body", object_id=new.pk,
                     object_repr=f"{body.area.name}{body.get_kind_display()}", area_code=body.area.code,
                     before={"body": body.pk, "term": [body.term_start, body.term_end]},
                     after={"election": election.pk, "term": [start, end], "term_basis": citation})
    return new
