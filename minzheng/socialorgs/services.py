"""Writes of the 社会组织 app: 登记申请 (受理 → 审查 → 核准/不予登记), 年报, the credit lists and their nightly run.
Each state change validates, writes and audits in one transaction."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Max, Q

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core import audit
from minzheng.core.creditcode import credit_code_problem, make_credit_code
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.periods import local_date, same_day_months_later
from minzheng.core.scope import ensure_can, subtree_q, users_covering_q, users_within_q
from minzheng.registry.models import Person

from .models import (
    FORM_CATEGORY,
    AnnualReport,
    Application,
    Check,
    CheckDraw,
    CreditListing,
    Form,
    Penalty,
    Rating,
    SocialOrg,
)
from .rules import grounds, report_due, rules


def registrar_of(area: Area) -> Area:
    """The 登记管理机关's area: the county above `area`, or the city where there is no county level."""
    chain = list(area.ancestors())
    for level in (Level.COUNTY, Level.CITY):
        found = [a for a in chain if a.level == level]
        if found:
            return found[-1]
    return chain[0]


def _amount_field(value: object, field: str) -> int:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(f"{field}应为金额（元）", field=field) from None
    if not d.is_finite() or d < 0 or d > Decimal("100000000000"):
        raise DomainError(f"{field}应为0至1000亿元之间的金额", field=field)
    if d != d.quantize(Decimal("0.01")):
        raise DomainError(f"{field}最多精确到分", field=field)
    return int(d * 100)


def _text(value: object, field: str, limit: int, *, required: bool = True) -> str:
    text = (str(value) if value is not None else "").strip()
    if "\x00" in text:
        raise DomainError(f"{field}含有不可见的空字符，请删除后重试", field=field)
    if required and not text:
        raise DomainError(f"请填写{field}", code="required", field=field)
    if len(text) > limit:
        raise DomainError(f"{field}不超过{limit}字", field=field)
    return text


def _name_taken(name: str, *, exclude_app: int | None = None) -> bool:
    pending = Application.objects.filter(kind=Application.Kind.ESTABLISH, particulars__name=name,
                                         status__in=[Application.Status.SUBMITTED, Application.Status.REVIEWED])
    if exclude_app:
        pending = pending.exclude(pk=exclude_app)
    return SocialOrg.objects.filter(name=name).exists() or pending.exists()


def establish_apply(*, actor: User, area: Area, name: str, form: str, legal_rep: Person, capital: object,
                    domicile: str, purpose: str, supervisor: str = "", hub: SocialOrg | None = None) -> Application:
    """受理 an application for 成立登记 (or, for a 社区社会组织, 备案 under a hub organisation)."""
    ensure_can(actor, area, Cap.SOCIALORG_APPLY)
    name = _text(name, "名称", 100)
    if form not in Form.values:
        raise DomainError("组织类型应为社会团体、社会服务机构、基金会或社区社会组织", field="组织类型")
    if _name_taken(name):
        raise Conflict(f"名称“{name}”已被登记或正在申请中，不能重复", code="duplicate_name", field="名称")
    if legal_rep is None or legal_rep.death_date:
        raise DomainError("法定代表人应为在世的已登记人员", field="法定代表人")
    particulars = {
        "name": name, "form": form, "legal_rep_id": legal_rep.pk, "capital_fen": _amount_field(capital, "注册资金"),
        "domicile": _text(domicile, "住所", 200), "purpose": _text(purpose, "业务范围", 500),
        "supervisor": _text(supervisor, "业务主管单位", 100, required=False), "hub_id": None,
    }
    if form == Form.COMMUNITY:
        if hub is None or not hub.is_hub or hub.status != SocialOrg.Status.ACTIVE:
            raise DomainError("社区社会组织须在一家正常状态的枢纽型社会组织备案", field="枢纽型社会组织")
        ensure_can(actor, hub.area, Cap.SOCIALORG_VIEW)
        particulars["hub_id"] = hub.pk
    with transaction.atomic():
        app = Application.objects.create(kind=Application.Kind.ESTABLISH, area=area, particulars=particulars,
                                         submitted_by=actor)
        audit.record(actor=actor, action="socialorgs.apply", object_type="socialorgs.application", object_id=app.pk,
                     object_repr=name, area_code=area.code, after={"kind": app.kind, **particulars})
    return app


def _locked(app: Application) -> Application:
    return Application.objects.select_for_update().select_related("area").get(pk=app.pk)


def application_review(*, actor: User, application: Application, approve: bool, opinion: str) -> Application:
    """审查 by one officer of the 登记管理机关; a refusal ends the application."""
    ensure_can(actor, application.area, Cap.SOCIALORG_REGISTER)
    opinion = _text(opinion, "审查意见", 300)
    with transaction.atomic():
        app = _locked(application)
        if app.status != Application.Status.SUBMITTED:
            raise Conflict(f"该申请当前为“{app.get_status_display()}”，不能审查", field="状态")
        if app.submitted_by_id == actor.pk:
            raise DomainError("受理人不能审查自己受理的申请", code="same_person", field="审查人")
        before = {"status": app.status}
        app.reviewed_by, app.review_opinion = actor, opinion
        app.status = Application.Status.REVIEWED if approve else Application.Status.REFUSED
        if not approve:
            app.refuse_reason = opinion
        app.save(update_fields=["reviewed_by", "review_opinion", "status", "refuse_reason"])
        audit.record(actor=actor, action="socialorgs.review", object_type="socialorgs.application", object_id=app.pk,
                     object_repr=app.particulars.get("name", ""), area_code=app.area.code, before=before,
                     after={"status": app.status, "opinion": opinion})
    return app


CHANGEABLE = {"name": ("名称", 100), "domicile": ("住所", 200), "purpose": ("业务范围", 500),
              "supervisor": ("业务主管单位", 100)}


def change_apply(*, actor: User, org: SocialOrg, changes: dict[str, str]) -> Application:
    """受理 a 变更登记: the particulars to change (名称, 住所, 业务范围, 业务主管单位) as the organisation asks."""
    ensure_can(actor, org.area, Cap.SOCIALORG_APPLY)
    if org.status != SocialOrg.Status.ACTIVE:
        raise DomainError(f"{org.name}已{org.get_status_display()}，不能办理变更", field="组织")
    unknown = [k for k in changes if k not in CHANGEABLE]
    if unknown or not changes:
        raise DomainError("可变更的事项为：" + "、".join(v[0] for v in CHANGEABLE.values()), field="变更事项")
    clean = {k: _text(v, CHANGEABLE[k][0], CHANGEABLE[k][1], required=k != "supervisor") for k, v in changes.items()}
    if "name" in clean and clean["name"] != org.name and _name_taken(clean["name"]):
        raise Conflict(f"名称“{clean['name']}”已被登记或正在申请中，不能重复", code="duplicate_name", field="名称")
    return _apply_for(actor, org, Application.Kind.CHANGE, clean)


def deregister_apply(*, actor: User, org: SocialOrg, reason: str) -> Application:
    """受理 a 注销登记 (清算完成后)."""
    ensure_can(actor, org.area, Cap.SOCIALORG_APPLY)
    if org.status != SocialOrg.Status.ACTIVE:
        raise DomainError(f"{org.name}已{org.get_status_display()}", field="组织")
    return _apply_for(actor, org, Application.Kind.DEREGISTER, {"reason": _text(reason, "注销理由", 300)})


def _apply_for(actor: User, org: SocialOrg, kind: str, particulars: dict) -> Application:
    if Application.objects.filter(org=org, status__in=[Application.Status.SUBMITTED,
                                                       Application.Status.REVIEWED]).exists():
        raise Conflict(f"{org.name}有尚未办结的登记申请", field="组织")
    with transaction.atomic():
        app = Application.objects.create(kind=kind, org=org, area=org.area,
                                         particulars={"name": org.name, **particulars}, submitted_by=actor)
        audit.record(actor=actor, action="socialorgs.apply", object_type="socialorgs.application", object_id=app.pk,
                     object_repr=org.name, area_code=org.area.code, after={"kind": kind, **particulars})
    return app


def application_approve(*, actor: User, application: Application, credit_code: str = "",
                        today: dt.date | None = None) -> SocialOrg:
    """核准 by a second officer. 成立: the organisation is registered and (except a filed 社区社会组织) gets its
    统一社会信用代码 — the one entered from the code-issuing system, or one made here. 变更: the particulars change.
    注销: the organisation ends today."""
    ensure_can(actor, application.area, Cap.SOCIALORG_REGISTER)
    today = today or local_date()
    code = (credit_code or "").strip().upper()
    with transaction.atomic():
        app = _locked(application)
        if app.status != Application.Status.REVIEWED:
            raise Conflict(f"该申请当前为“{app.get_status_display()}”，须审查通过后才能核准", field="状态")
        if actor.pk in (app.reviewed_by_id, app.submitted_by_id):
            raise DomainError("核准须由受理人和审查人以外的人员办理", code="same_person", field="核准人")
        if app.kind != Application.Kind.ESTABLISH:
            return _approve_existing(actor, app, today)
        p = app.particulars
        if _name_taken(p["name"], exclude_app=app.pk):
            raise Conflict(f"名称“{p['name']}”已被登记，不能重复", code="duplicate_name", field="名称")
        registrar = registrar_of(app.area)
        if p["form"] == Form.COMMUNITY:
            code = ""
        elif code:
            problem = credit_code_problem(code)
            if problem:
                raise DomainError(problem, field="统一社会信用代码")
            if SocialOrg.objects.filter(credit_code=code).exists():
                raise Conflict(f"统一社会信用代码{code}已被其他组织使用", code="duplicate_code",
                               field="统一社会信用代码")
        else:
            serial = (SocialOrg.objects.aggregate(m=Max("id"))["m"] or 0) + 1
            code = make_credit_code(category=FORM_CATEGORY[p["form"]], area_code=registrar.code, serial=serial)
            while SocialOrg.objects.filter(credit_code=code).exists():
                serial += 1
                code = make_credit_code(category=FORM_CATEGORY[p["form"]], area_code=registrar.code, serial=serial)
        org = SocialOrg.objects.create(
            name=p["name"], form=p["form"], credit_code=code or None, area=app.area, registrar=registrar,
            supervisor=p["supervisor"], legal_rep_id=p["legal_rep_id"], capital_fen=p["capital_fen"],
            domicile=p["domicile"], purpose=p["purpose"], hub_id=p["hub_id"], established_on=today)
        app.org, app.status, app.decided_by, app.decided_on = org, Application.Status.APPROVED, actor, today
        app.save(update_fields=["org", "status", "decided_by", "decided_on"])
        audit.record(actor=actor, action="socialorgs.approve", object_type="socialorgs.org", object_id=org.pk,
                     object_repr=org.name, area_code=app.area.code,
                     after={"application": app.pk, "credit_code": code, "established_on": today})
    return org


def _approve_existing(actor: User, app: Application, today: dt.date) -> SocialOrg:
    if app.org_id is None:
        raise DomainError("该申请未关联社会组织", field="组织")
    org = SocialOrg.objects.select_for_update().get(pk=app.org_id)
    if org.status != SocialOrg.Status.ACTIVE:
        raise Conflict(f"{org.name}已{org.get_status_display()}", field="组织")
    before = {k: getattr(org, k) for k in (*CHANGEABLE, "status")}
    if app.kind == Application.Kind.CHANGE:
        changes = {k: v for k, v in app.particulars.items() if k in CHANGEABLE}
        if "name" in changes and changes["name"] != org.name and SocialOrg.objects.filter(
                name=changes["name"]).exists():
            raise Conflict(f"名称“{changes['name']}”已被登记，不能重复", code="duplicate_name", field="名称")
        for k, v in changes.items():
            setattr(org, k, v)
    else:
        org.status, org.ended_on = SocialOrg.Status.DEREGISTERED, today
    org.save()
    app.status, app.decided_by, app.decided_on = Application.Status.APPROVED, actor, today
    app.save(update_fields=["status", "decided_by", "decided_on"])
    after = {k: getattr(org, k) for k in (*CHANGEABLE, "status")}
    b, a = audit.diff(before, after)
    audit.record(actor=actor, action=f"socialorgs.approve.{app.kind}", object_type="socialorgs.org",
                 object_id=org.pk, object_repr=org.name, area_code=org.area.code, before=b,
                 after={**a, "application": app.pk})
    return org


def hub_designate(*, actor: User, org: SocialOrg, is_hub: bool = True) -> SocialOrg:
    """Mark a registered organisation as a 枢纽型社会组织 under which 社区社会组织 file."""
    ensure_can(actor, org.area, Cap.SOCIALORG_REGISTER)
    if org.form == Form.COMMUNITY:
        raise DomainError("备案的社区社会组织不能作为枢纽型社会组织", field="枢纽型社会组织")
    with transaction.atomic():
        SocialOrg.objects.filter(pk=org.pk).update(is_hub=is_hub)
        audit.record(actor=actor, action="socialorgs.hub", object_type="socialorgs.org", object_id=org.pk,
                     object_repr=org.name, area_code=org.area.code, before={"is_hub": org.is_hub},
                     after={"is_hub": is_hub})
        org.is_hub = is_hub
    return org


def annual_report_submit(*, actor: User, org: SocialOrg, year: int, income: object = 0, expense: object = 0,
                         activities: str = "", today: dt.date | None = None) -> AnnualReport:
    """报送 the 年报 for a past year; one per organisation and year."""
    ensure_can(actor, org.area, Cap.SOCIALORG_APPLY)
    today = today or local_date()
    if org.status != SocialOrg.Status.ACTIVE:
        raise DomainError(f"{org.name}已{org.get_status_display()}，不再报送年度报告", field="组织")
    if not isinstance(year, int) or year >= today.year or year < org.established_on.year:
        raise DomainError(f"报告年度应在{org.established_on.year}年至{today.year - 1}年之间", field="报告年度")
    if AnnualReport.objects.filter(org=org, year=year).exists():
        raise Conflict(f"{org.name}的{year}年度工作报告已报送，不能重复报送", code="duplicate_report",
                       field="报告年度")
    with transaction.atomic():
        r = AnnualReport.objects.create(org=org, year=year, submitted_on=today, due_on=report_due(year),
                                        income_fen=_amount_field(income, "年度收入"),
                                        expense_fen=_amount_field(expense, "年度支出"),
                                        activities=_text(activities, "年度主要活动", 500, required=False),
                                        submitted_by=actor)
        audit.record(actor=actor, action="socialorgs.annual_report", object_type="socialorgs.org", object_id=org.pk,
                     object_repr=org.name, area_code=org.area.code,
                     after={"year": year, "submitted_on": today, "due_on": r.due_on, "late": r.late})
    return r


def credit_list(*, actor: User, org: SocialOrg, ground: str, today: dt.date | None = None) -> CreditListing:
    """An officer lists an organisation on the ground named (a serious ground moves an open 异常名录 listing)."""
    ensure_can(actor, org.area, Cap.SOCIALORG_REGISTER)
    today = today or local_date()
    g = grounds().get(ground)
    if g is None or g.code == "abnormal_two_years" or g.valid_from > today:
        raise DomainError("请选择《社会组织信用信息管理办法》规定的列入事由", field="列入事由")
    with transaction.atomic():
        SocialOrg.objects.select_for_update().get(pk=org.pk)
        current = CreditListing.objects.filter(org=org, removed_on__isnull=True).first()
        if current and (current.list_kind == g.list_kind or current.list_kind == CreditListing.List.SERIOUS):
            raise Conflict(f"{org.name}已在{current.get_list_kind_display()}中", field="列入事由")
        if current:  # abnormal → serious on a serious ground
            before: dict[str, object] = {"list": current.list_kind}
            current.list_kind, current.escalated_on, current.escalation_ground = g.list_kind, today, g.code
            current.decided_by = actor
            current.save(update_fields=["list_kind", "escalated_on", "escalation_ground", "decided_by"])
            listing = current
        else:
            before = {"list": None}
            listing = CreditListing.objects.create(org=org, list_kind=g.list_kind, ground=g.code, listed_on=today,
                                                   decided_by=actor)
        audit.record(actor=actor, action="socialorgs.credit.list", object_type="socialorgs.org", object_id=org.pk,
                     object_repr=org.name, area_code=org.area.code, before=before,
                     after={"list": g.list_kind, "ground": g.code, "citation": g.citation, "on": today})
    return listing


def _missed_reports_sql() -> str:
    t = {m: m._meta.db_table for m in (SocialOrg, AnnualReport, CreditListing)}
    return (
        f"INSERT INTO {t[CreditListing]} (org_id, list_kind, ground, report_year, listed_on, escalated_on, "
        f"escalation_ground, decided_by_id, removed_on, removal_reason, removed_by_id) "
        f"SELECT o.id, 'abnormal', 'no_annual_report', %s, %s, NULL, '', NULL, NULL, '', NULL "
        f"FROM {t[SocialOrg]} o WHERE o.status = 'active' AND o.form <> 'community' AND o.established_on < %s "
        f"AND NOT EXISTS (SELECT 1 FROM {t[AnnualReport]} r WHERE r.org_id = o.id AND r.year = %s) "
        f"AND NOT EXISTS (SELECT 1 FROM {t[CreditListing]} l WHERE l.org_id = o.id AND l.removed_on IS NULL)")


def _list_overdue_rectifications(today: dt.date) -> int:
    """Organisations past a 双随机 rectification deadline without rectifying go on the 活动异常名录 (one
    INSERT … SELECT; an organisation already on a list stays where it is)."""
    t = {m: m._meta.db_table for m in (SocialOrg, Check, CreditListing)}
    sql = (f"INSERT INTO {t[CreditListing]} (org_id, list_kind, ground, report_year, listed_on, escalated_on, "
           f"escalation_ground, decided_by_id, removed_on, removal_reason, removed_by_id) "
           f"SELECT o.id, 'abnormal', 'rectification_overdue', NULL, %s, NULL, '', NULL, NULL, '', NULL "
           f"FROM {t[SocialOrg]} o WHERE o.status = 'active' "
           f"AND EXISTS (SELECT 1 FROM {t[Check]} c WHERE c.org_id = o.id AND c.result = 'rectify' "
           f"AND c.rectify_by < %s) "
           f"AND NOT EXISTS (SELECT 1 FROM {t[CreditListing]} l WHERE l.org_id = o.id AND l.removed_on IS NULL)")
    with connection.cursor() as cur:
        cur.execute(sql, [today, today])
        return cur.rowcount


def escalation_cutoff(today: dt.date) -> dt.date:
    """Listed on or before this day = on the 异常名录 for the full two years."""
    return same_day_months_later(today, -12 * rules()["abnormal_to_serious_years"])


def credit_nightly(*, today: dt.date | None = None) -> dict[str, int]:
    """The nightly credit-list run, idempotent (a rerun the same day changes nothing):
    1. organisations that missed last year's 年报 past its due date, or a 双随机 rectification deadline, go on
       the 活动异常名录 (one INSERT … SELECT each; an organisation already on a list stays where it is);
    2. every listing on the 活动异常名录 for two full years moves to the 严重违法失信名单 — ONE set-based UPDATE.
    Organisations do not report the year they were established in."""
    today = today or local_date()
    year = today.year - 1
    with transaction.atomic():
        listed = 0
        if today > report_due(year):
            with connection.cursor() as cur:
                cur.execute(_missed_reports_sql(), [year, today, dt.date(year, 1, 1), year])
                listed = cur.rowcount
        listed += _list_overdue_rectifications(today)
        escalated = (CreditListing.objects
                     .filter(list_kind=CreditListing.List.ABNORMAL, removed_on__isnull=True,
                             listed_on__lte=escalation_cutoff(today))
                     .update(list_kind=CreditListing.List.SERIOUS, escalated_on=today,
                             escalation_ground="abnormal_two_years"))
        if listed or escalated:
            audit.record(actor=None, action="socialorgs.credit.nightly", object_type="socialorgs.credit",
                         object_id=today.isoformat(), object_repr="信用名录夜间处理",
                         after={"listed_missed_report": listed, "report_year": year, "escalated": escalated,
                                "citation": grounds()["abnormal_two_years"].citation})
    return {"listed": listed, "escalated": escalated}


def listing_remove(*, actor: User, listing: CreditListing, reason: str, today: dt.date | None = None) -> CreditListing:
    """移出 after remedy: a listing for a missed 年报 only once that report is filed; otherwise the officer states
    the remedy (整改完成、恢复联系 …)."""
    ensure_can(actor, listing.org.area, Cap.SOCIALORG_REGISTER)
    today = today or local_date()
    reason = _text(reason, "移出理由", 300)
    with transaction.atomic():
        item = CreditListing.objects.select_for_update().select_related("org__area").get(pk=listing.pk)
        if item.removed_on:
            raise Conflict("该记录已移出名录", field="状态")
        if item.ground == "rectification_overdue" and item.org.checks.filter(result="rectify").exists():
            raise DomainError(f"{item.org.name}的抽查问题尚未整改完毕，不能移出名录", code="not_remedied",
                              field="移出理由")
        if item.ground == "no_annual_report" and not AnnualReport.objects.filter(
                org=item.org, year=item.report_year or 0).exists():
            raise DomainError(f"{item.org.name}尚未补报{item.report_year}年度工作报告，不能移出名录",
                              code="not_remedied", field="移出理由")
        item.removed_on, item.removal_reason, item.removed_by = today, reason, actor
        item.save(update_fields=["removed_on", "removal_reason", "removed_by"])
        audit.record(actor=actor, action="socialorgs.credit.remove", object_type="socialorgs.org",
                     object_id=item.org_id, object_repr=item.org.name, area_code=item.org.area.code,
                     before={"list": item.list_kind}, after={"removed_on": today, "reason": reason})
    return item


def rating_award(*, actor: User, org: SocialOrg, grade: int, today: dt.date | None = None) -> Rating:
    """等级评估: 1A–5A, valid five years (《社会组织评估管理办法》); an organisation on a credit list is not rated."""
    ensure_can(actor, org.area, Cap.SOCIALORG_REGISTER)
    today = today or local_date()
    if not isinstance(grade, int) or isinstance(grade, bool) or not 1 <= grade <= 5:
        raise DomainError("评估等级应为1A至5A", field="评估等级")
    if org.status != SocialOrg.Status.ACTIVE or org.form == Form.COMMUNITY:
        raise DomainError(f"{org.name}不是正常状态的登记社会组织，不能参加等级评估", field="组织")
    if CreditListing.objects.filter(org=org, removed_on__isnull=True).exists():
        raise DomainError(f"{org.name}在信用名录中，不能评定等级", code="listed", field="组织")
    years = rules()["rating_valid_years"]
    with transaction.atomic():
        r = Rating.objects.create(org=org, grade=grade, awarded_on=today,
                                  valid_to=same_day_months_later(today, 12 * years) - dt.timedelta(days=1),
                                  decided_by=actor)
        audit.record(actor=actor, action="socialorgs.rating", object_type="socialorgs.org", object_id=org.pk,
                     object_repr=org.name, area_code=org.area.code,
                     after={"grade": f"{grade}A", "valid_to": r.valid_to})
    return r


def penalty_record(*, actor: User, org: SocialOrg, kind: str, decision_no: str, facts: str, fine: object = 0,
                   today: dt.date | None = None) -> Penalty:
    """Record a 行政处罚 and the listing it calls for: a warning or a fine under 5万元 → 活动异常名录 (the second within
    three years → 严重违法失信名单); 5万元 or more, 限期停止活动, 撤销/吊销 → 严重违法失信名单 (撤销 also ends the
    registration)."""
    ensure_can(actor, org.area, Cap.SOCIALORG_REGISTER)
    today = today or local_date()
    if kind not in Penalty.Kind.values:
        raise DomainError("处罚种类应为警告、罚款、限期停止活动或撤销登记", field="处罚种类")
    fine_fen = _amount_field(fine, "罚款金额")
    if (kind == Penalty.Kind.FINE) != (fine_fen > 0):
        raise DomainError("罚款须填写大于0的金额，其他处罚不填金额", field="罚款金额")
    if org.status != SocialOrg.Status.ACTIVE:
        raise DomainError(f"{org.name}已{org.get_status_display()}", field="组织")
    r = rules()
    light = kind == Penalty.Kind.WARNING or (kind == Penalty.Kind.FINE and fine_fen < r["heavy_fine_fen"])
    since = same_day_months_later(today, -12 * r["repeat_penalty_years"])
    with transaction.atomic():
        earlier_light = Penalty.objects.filter(org=org, decided_on__gte=since).filter(
            Q(kind=Penalty.Kind.WARNING) | Q(kind=Penalty.Kind.FINE, fine_fen__lt=r["heavy_fine_fen"])).exists()
        p = Penalty.objects.create(org=org, kind=kind, fine_fen=fine_fen, decided_on=today, recorded_by=actor,
                                   decision_no=_text(decision_no, "处罚决定书文号", 50),
                                   facts=_text(facts, "违法事实", 500))
        audit.record(actor=actor, action="socialorgs.penalty", object_type="socialorgs.org", object_id=org.pk,
                     object_repr=org.name, area_code=org.area.code,
                     after={"kind": kind, "fine_fen": fine_fen, "decision_no": p.decision_no})
        if light:
            ground = "repeat_light_penalty" if earlier_light else "light_penalty"
        else:
            ground = {Penalty.Kind.FINE: "heavy_fine", Penalty.Kind.SUSPENSION: "suspension_penalty",
                      Penalty.Kind.REVOCATION: "revoked"}[Penalty.Kind(kind)]
        current = CreditListing.objects.filter(org=org, removed_on__isnull=True).first()
        if current is None or (current.list_kind == CreditListing.List.ABNORMAL
                               and grounds()[ground].list_kind == CreditListing.List.SERIOUS):
            credit_list(actor=actor, org=org, ground=ground, today=today)
        if kind == Penalty.Kind.REVOCATION:
            SocialOrg.objects.filter(pk=org.pk).update(status=SocialOrg.Status.REVOKED, ended_on=today)
            org.status, org.ended_on = SocialOrg.Status.REVOKED, today
    return p


def inspector_candidates(area: Area) -> list[User]:
    """The 执法检查人员名录 of a draw: active users of the 登记管理机关 (who may register and inspect) assigned to the
    draw area, an area inside it, or an area above it (the county's officers inspect its towns), by id — after a
    re-division, as scope resolves it (a merged town's successor staff are on it)."""
    from minzheng.accounts.roles import CAPABILITIES

    roles = [r for r, caps in CAPABILITIES.items() if Cap.SOCIALORG_REGISTER in caps]
    return list(User.objects.filter(is_active=True, role__in=roles)
                .filter(users_covering_q(area) | users_within_q(area)).distinct().order_by("id"))


def draw_sample(*, seed: int, org_pool: list[int], inspector_pool: list[int],
                sample_size: int) -> list[tuple[int, list[int]]]:
    """The draw itself, a pure function of its recorded inputs: (organisation id, two inspector ids) per check."""
    import random

    rng = random.Random(seed)
    picked = rng.sample(sorted(org_pool), min(sample_size, len(org_pool)))
    return [(org_id, sorted(rng.sample(sorted(inspector_pool), 2))) for org_id in picked]


def check_draw(*, actor: User, area: Area, sample_size: object, inspectors: list[User] | None = None,
               seed: int | None = None, today: dt.date | None = None) -> CheckDraw:
    """双随机: draw `sample_size` active registered organisations of `area` and two inspectors for each from the
    inspector roster. The seed is drawn here on the server (never asked of the officer) and kept with both pools,
    so anyone can redo the draw; tests pass a seed to know the outcome."""
    import secrets

    ensure_can(actor, area, Cap.SOCIALORG_REGISTER)
    today = today or local_date()
    try:
        size = int(str(sample_size).strip())
    except ValueError:
        raise DomainError("抽取数量应为1至1000的整数", field="抽取数量") from None
    if not 1 <= size <= 1000:
        raise DomainError("抽取数量应为1至1000的整数", field="抽取数量")
    candidates = inspector_candidates(area) if inspectors is None else inspectors
    pool = sorted({u.pk: u for u in candidates if u.can(Cap.SOCIALORG_REGISTER) and u.is_active}.values(),
                  key=lambda u: u.pk)
    if len(pool) < 2:
        raise DomainError(f"{area.name}至少需要两名具有执法资格的检查人员", field="检查人员")
    ids = list(SocialOrg.objects.filter(subtree_q(area, "area__path"), status=SocialOrg.Status.ACTIVE)
               .exclude(form=Form.COMMUNITY).order_by("id").values_list("id", flat=True))
    if not ids:
        raise DomainError(f"{area.name}没有可抽取的社会组织", field="抽取范围")
    if size > len(ids):
        raise DomainError(f"{area.name}正常状态的社会组织只有{len(ids)}家，抽取数量不能超过此数", field="抽取数量")
    seed = int(seed) if seed is not None else secrets.randbits(48)
    inspector_ids = [u.pk for u in pool]
    sample = draw_sample(seed=seed, org_pool=ids, inspector_pool=inspector_ids, sample_size=size)
    with transaction.atomic():
        draw = CheckDraw.objects.create(area=area, seed=seed, drawn_on=today, sample_size=size, org_pool=ids,
                                        inspector_pool=inspector_ids, drawn_by=actor)
        for org_id, chosen in sample:
            c = Check.objects.create(draw=draw, org_id=org_id, seed=seed, drawn_on=today, drawn_by=actor)
            c.inspectors.set(chosen)
        audit.record(actor=actor, action="socialorgs.check.draw", object_type="socialorgs.checkdraw",
                     object_id=draw.pk, object_repr=f"{area.name}双随机抽查", area_code=area.code,
                     after={"seed": seed, "org_pool": ids, "inspector_pool": inspector_ids, "sample": sample})
    return draw


def check_result(*, actor: User, check: Check, result: str, findings: str,
                 rectify_by: dt.date | None = None, today: dt.date | None = None) -> Check:
    """An inspector drawn for the check records its result; a 限期整改 needs a deadline after today."""
    ensure_can(actor, check.org.area, Cap.SOCIALORG_REGISTER)
    today = today or local_date()
    if not check.inspectors.filter(pk=actor.pk).exists():
        raise Forbidden("只有抽中的检查人员可以登记检查结果")
    if result not in (Check.Result.PASSED, Check.Result.RECTIFY, Check.Result.RECTIFIED):
        raise DomainError("检查结果应为未发现问题、责令限期整改或已整改", field="检查结果")
    if result == Check.Result.RECTIFY and not isinstance(rectify_by, dt.date):
        raise DomainError("责令限期整改须填写整改期限", field="整改期限")
    if result == Check.Result.RECTIFY and isinstance(rectify_by, dt.date) and rectify_by <= today:
        raise DomainError("整改期限应晚于今天", field="整改期限")
    expected = Check.Result.RECTIFY if result == Check.Result.RECTIFIED else Check.Result.PENDING
    with transaction.atomic():
        c = Check.objects.select_for_update().get(pk=check.pk)
        if c.result != expected:
            raise Conflict(f"该抽查当前为“{c.get_result_display()}”，不能登记为“{Check.Result(result).label}”",
                           field="检查结果")
        before = {"result": c.result}
        c.result, c.findings, c.checked_on = result, _text(findings, "检查情况", 500), today
        if result == Check.Result.RECTIFY:
            c.rectify_by = rectify_by
        c.save(update_fields=["result", "findings", "rectify_by", "checked_on"])
        audit.record(actor=actor, action="socialorgs.check.result", object_type="socialorgs.check", object_id=c.pk,
                     object_repr=c.org.name, area_code=c.org.area.code, before=before,
                     after={"result": result, "rectify_by": rectify_by})
    return c
