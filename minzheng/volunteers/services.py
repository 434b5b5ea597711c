"""Writes of 志愿服务: activities, sign-up, the organiser's confirmation of hours (never the volunteer's own) and
the 志愿服务记录证明. Each validates, writes and audits in one transaction."""

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap, Role
from minzheng.areas.models import Area, Level
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.periods import local_date
from minzheng.core.scope import ensure_can
from minzheng.socialorgs.models import SocialOrg
from minzheng.timebank import services as timebank
from minzheng.timebank.models import Volunteer

from .models import Activity, Certificate, Point, Signup, VolunteerOrg

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or typed from paper


def _text(value: object, field: str, limit: int) -> str:
    text = (str(value) if value is not None else "").strip()
    if not text:
        raise DomainError(f"请填写{field}", code="required", field=field)
    if len(text) > limit or "\x00" in text:
        raise DomainError(f"{field}不超过{limit}字且不含不可见字符", field=field)
    return text


def volunteer_org_register(*, actor: User, org: SocialOrg, service_fields: str,
                           today: dt.date | None = None) -> VolunteerOrg:
    """标识 a registered social organisation (or a filed 社区社会组织) as a 志愿服务组织 (《志愿服务条例》第六条):
    it must be in normal standing — registered, not ended, not on the 严重违法失信名单."""
    ensure_can(actor, org.area, Cap.SOCIALORG_REGISTER)
    today = today or local_date()
    fields = _text(service_fields, "志愿服务领域", 200)
    if org.status != SocialOrg.Status.ACTIVE:
        raise DomainError(f"{org.name}已{org.get_status_display()}，不能标识为志愿服务组织", field="社会组织")
    if org.listings.filter(removed_on__isnull=True, list_kind="serious").exists():
        raise DomainError(f"{org.name}在严重违法失信名单中，不能标识为志愿服务组织", code="listed", field="社会组织")
    with transaction.atomic():
        SocialOrg.objects.select_for_update().get(pk=org.pk)
        known = VolunteerOrg.objects.filter(org=org).first()
        if known is not None and known.revoked_on:
            raise Conflict(f"{org.name}的志愿服务组织标识已于{known.revoked_on}撤销", field="社会组织")
        if known is not None:
            raise Conflict(f"{org.name}已标识为志愿服务组织", field="社会组织")
        v = VolunteerOrg.objects.create(org=org, area=org.area, identified_on=today, identified_by=actor,
                                        service_fields=fields)
        audit.record(actor=actor, action="volunteers.org.register", object_type="volunteers.volunteerorg",
                     object_id=v.pk, object_repr=org.name, area_code=org.area.code,
                     after={"org": org.pk, "credit_code": org.credit_code, "service_fields": fields,
                            "identified_on": today})
    return v


def volunteer_org_revoke(*, actor: User, vorg: VolunteerOrg, reason: str,
                         today: dt.date | None = None) -> VolunteerOrg:
    """撤销 the 志愿服务组织 identification (the registrar, with a reason). The row stays as history; the
    organisation opens no new activities afterwards and no activity held on or after that day counts hours;
    hours served before it still count."""
    ensure_can(actor, vorg.area, Cap.SOCIALORG_REGISTER)
    reason = _text(reason, "撤销原因", 200)
    today = today or local_date()
    with transaction.atomic():
        v = VolunteerOrg.objects.select_for_update().select_related("org").get(pk=vorg.pk)
        if v.revoked_on:
            raise Conflict(f"{v.org.name}的志愿服务组织标识已于{v.revoked_on}撤销", field="状态")
        VolunteerOrg.objects.filter(pk=v.pk).update(revoked_on=today, revoke_reason=reason, revoked_by=actor)
        vorg.revoked_on, vorg.revoke_reason, vorg.revoked_by = today, reason, actor
        audit.record(actor=actor, action="volunteers.org.revoke", object_type="volunteers.volunteerorg",
                     object_id=v.pk, object_repr=v.org.name, area_code=v.area.code,
                     before={"revoked_on": None}, after={"revoked_on": today, "reason": reason})
    return vorg


def _counting_org(org: SocialOrg | None, *, opening: bool = False, held_on: dt.date | None = None) -> str | None:
    """Why an activity of `org` cannot be opened (``opening``) or count the hours of a day (``held_on``), or None
    when it can. After the identification is revoked nothing new opens and no activity on or after that day
    counts."""
    if org is None:
        return "志愿服务活动须由已登记的志愿服务组织发起"
    vorg = VolunteerOrg.objects.filter(org=org).first()
    if vorg is None:
        return f"{org.name}不是已登记的志愿服务组织"
    if vorg.revoked_on and (opening or (held_on is not None and held_on >= vorg.revoked_on)):
        return f"{org.name}的志愿服务组织标识已于{vorg.revoked_on}撤销"
    if org.status != SocialOrg.Status.ACTIVE:
        return f"{org.name}已{org.get_status_display()}"
    return None


def activity_create(*, actor: User, area: Area, title: str, held_on: dt.date, content: str,
                    org: SocialOrg | None = None, feeds_timebank: bool = False) -> Activity:
    """Publish an activity of a registered 志愿服务组织; the actor (a staff member or the organisation's contact) is
    its organiser."""
    ensure_can(actor, area, Cap.TIMEBANK_REPORT)
    if actor.role == Role.RESIDENT:
        raise Forbidden("志愿服务活动须由志愿服务组织或村（居）、镇街工作人员发布")
    problem = _counting_org(org, opening=True)
    if problem:
        raise DomainError(f"{problem}，不能发布志愿服务活动", code="not_volunteer_org", field="志愿服务组织")
    if not isinstance(held_on, dt.date):
        raise DomainError("请填写活动日期", field="活动日期")
    with transaction.atomic():
        a = Activity.objects.create(title=_text(title, "活动名称", 100), area=area, org=org, organiser=actor,
                                    held_on=held_on, content=_text(content, "服务内容", 300),
                                    feeds_timebank=bool(feeds_timebank))
        audit.record(actor=actor, action="volunteers.activity.create", object_type="volunteers.activity",
                     object_id=a.pk, object_repr=a.title, area_code=area.code,
                     after={"held_on": held_on, "feeds_timebank": a.feeds_timebank, "org": a.org_id})
    return a


def signup(*, actor: User, activity: Activity, volunteer: Volunteer) -> Signup:
    """报名: the volunteer themselves or a worker of their village."""
    if actor.role == Role.RESIDENT:
        if volunteer.user_id != actor.pk:
            raise Forbidden("只能为自己报名")
    else:
        ensure_can(actor, volunteer.area, Cap.TIMEBANK_REPORT)
    if Signup.objects.filter(activity=activity, volunteer=volunteer).exists():
        raise Conflict(f"{volunteer.person.name}已报名该活动", field="志愿者")
    with transaction.atomic():
        s = Signup.objects.create(activity=activity, volunteer=volunteer)
        audit.record(actor=actor, action="volunteers.signup", object_type="volunteers.signup", object_id=s.pk,
                     object_repr=volunteer.person.name, area_code=activity.area.code, after={"activity": activity.pk})
    return s


def hours_confirm(*, actor: User, signup: Signup, hours: object, today: dt.date | None = None) -> Signup:
    """The organiser confirms the hours served; a volunteer never confirms their own. When the activity feeds the
    time bank, the hours go in as the organiser's time-bank report (two reviews there credit them)."""
    today = today or local_date()
    with transaction.atomic():
        s = Signup.objects.select_for_update().select_related("activity__area", "volunteer__person").get(pk=signup.pk)
        a = s.activity
        if actor.pk == s.volunteer.user_id or (actor.role == Role.RESIDENT and actor.pk != a.organiser_id):
            raise DomainError("志愿者本人不能确认自己的服务时长，须由活动组织人确认", code="self_confirm",
                              field="确认人")
        ensure_can(actor, a.area, Cap.TIMEBANK_REPORT)
        if actor.pk != a.organiser_id:
            raise Forbidden("服务时长须由该活动的组织人确认")
        if s.status == Signup.Status.CONFIRMED:
            raise Conflict("该报名的服务时长已确认", field="状态")
        problem = _counting_org(a.org, held_on=a.held_on)
        if problem:
            raise DomainError(f"{problem}，该活动的服务时长不能记录", code="not_volunteer_org", field="志愿服务组织")
        if a.held_on > today:
            raise DomainError("活动尚未举行，不能确认时长", field="服务时长")
        h = timebank.hours_check(hours, "服务时长")
        if h > timebank.rules()["max_hours_per_report"]:
            raise DomainError(f"一次活动的服务时长不超过{timebank.rules()['max_hours_per_report']}小时",
                              field="服务时长")
        s.hours, s.status, s.confirmed_by, s.confirmed_at = h, Signup.Status.CONFIRMED, actor, timezone.now()
        if a.feeds_timebank:
            s.timebank_report = timebank.hours_report(actor=actor, volunteer=s.volunteer, service_date=a.held_on,
                                                      hours=h, activity=a.title, today=today)
        s.save(update_fields=["hours", "status", "confirmed_by", "confirmed_at", "timebank_report"])
        audit.record(actor=actor, action="volunteers.hours.confirm", object_type="volunteers.signup",
                     object_id=s.pk, object_repr=s.volunteer.person.name, area_code=a.area.code,
                     after={"hours": h, "timebank_report": s.timebank_report_id})
    return s


def certificate_issue(*, actor: User, volunteer: Volunteer, issuer: str,
                      today: dt.date | None = None) -> Certificate:
    """出具 志愿服务记录证明 over all confirmed hours (《志愿服务记录与证明出具办法》): the record is frozen into
    the certificate, which anyone can verify by its code."""
    ensure_can(actor, volunteer.area, Cap.TIMEBANK_REPORT)
    if actor.role == Role.RESIDENT:
        raise Forbidden("志愿服务记录证明由志愿服务组织或工作人员出具")
    today = today or local_date()
    confirmed = (Signup.objects.filter(volunteer=volunteer, status=Signup.Status.CONFIRMED)
                 .select_related("activity").order_by("activity__held_on", "id"))
    if not confirmed.exists():
        raise DomainError(f"{volunteer.person.name}还没有经组织人确认的服务时长", field="志愿者")
    rows = [{"date": s.activity.held_on.isoformat(), "title": s.activity.title, "hours": str(s.hours)}
            for s in confirmed]
    total = confirmed.aggregate(t=Sum("hours"))["t"] or Decimal(0)
    with transaction.atomic():
        c = Certificate.objects.create(volunteer=volunteer, code=_new_code(), issued_on=today,
                                       issuer=_text(issuer, "出具单位", 100), total_hours=total, activities=rows,
                                       issued_by=actor)
        audit.record(actor=actor, action="volunteers.certificate", object_type="volunteers.certificate",
                     object_id=c.pk, object_repr=volunteer.person.name, area_code=volunteer.area.code,
                     after={"code": c.code, "total_hours": total})
    return c


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        if not Certificate.objects.filter(code=code).exists():
            return code


def point_open(*, actor: User, area: Area, host: str, name: str, opened_on: dt.date) -> Point:
    """设立 a 志愿服务站点 in a village's community service facility or 社工站 point."""
    ensure_can(actor, area, Cap.TIMEBANK_REPORT)
    if actor.role == Role.RESIDENT:
        raise Forbidden("志愿服务站点由工作人员登记")
    if area.level != Level.VILLAGE:
        raise DomainError("志愿服务站点设在村（居）", field="所在村（居）")
    if host not in Point.Host.values:
        raise DomainError("站点应设在社区（村）综合服务设施或社工站（点）", field="设在")
    if Point.objects.filter(area=area, host=host).exists():
        raise Conflict(f"{area.name}的{Point.Host(host).label}已设有志愿服务站点", field="设在")
    with transaction.atomic():
        p = Point.objects.create(area=area, host=host, name=_text(name, "站点名称", 100), opened_on=opened_on,
                                 created_by=actor)
        audit.record(actor=actor, action="volunteers.point.open", object_type="volunteers.point", object_id=p.pk,
                     object_repr=p.name, area_code=area.code, after={"host": host, "opened_on": opened_on})
    return p
