"""Writes of 大慈善. Each state change validates, writes and audits in one transaction; every movement of money goes
through `_transfer` (two entries summing to zero, no account but the source below zero, accounts locked in id
order). Numbers of 慈善法 come from data/charity/law.csv (rules.py), never from literals here."""

import datetime as dt
import hashlib
import hmac
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.assistance.models import Application, ApplicationStatus, Case
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.money import FEN, Mode, amount, round_to
from minzheng.core.periods import local_date, month_start, same_day_months_later
from minzheng.core.scope import can_access_area, ensure_can
from minzheng.payroll.services import outside_payment_record
from minzheng.registry.models import Household, Membership, Person
from minzheng.socialorgs.models import Form, SocialOrg
from minzheng.verification.models import Conclusion, VerificationReport

from .models import (
    Account,
    Charity,
    DemoSite,
    Disclosure,
    Donation,
    Entry,
    Expenditure,
    Fund,
    FundraisingPlan,
    Project,
    Receipt,
    Referral,
    Resource,
    Space,
    Stock,
    Transfer,
    Trust,
    TrustReport,
    Wish,
)
from .rules import needs, rule
from .selectors import annual_totals

MAX_AMOUNT = Decimal("10000000000")  # 100亿元: far above any single gift; beyond it is a typo


def money(value: object, field: str = "金额") -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(f"{field}应为金额（元）", field=field) from None
    if not d.is_finite() or d <= 0:
        raise DomainError(f"{field}应大于0", field=field)
    if d > MAX_AMOUNT:
        raise DomainError(f"{field}超过100亿元，请核对", field=field)
    if d != d.quantize(Decimal("0.01")):
        raise DomainError(f"{field}最多精确到分", field=field)
    return d


def text(value: object, field: str, limit: int, *, required: bool = True) -> str:
    s = (str(value) if value is not None else "").strip()
    if "\x00" in s:
        raise DomainError(f"{field}含有不可见的空字符，请删除后重试", field=field)
    if required and not s:
        raise DomainError(f"请填写{field}", code="required", field=field)
    if len(s) > limit:
        raise DomainError(f"{field}不超过{limit}字", field=field)
    return s


def _date(value: object, field: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise DomainError(f"请填写{field}", code="required", field=field)
    return value


# --- the ledger ---------------------------------------------------------------------------------------------------

def _account(charity: Charity, kind: str, *, fund: Fund | None = None, project: Project | None = None) -> Account:
    if fund is not None:
        acc, _ = Account.objects.get_or_create(fund=fund, defaults={"charity": charity, "kind": kind})
    elif project is not None:
        acc, _ = Account.objects.get_or_create(project=project, defaults={"charity": charity, "kind": kind})
    else:
        acc, _ = Account.objects.get_or_create(charity=charity, kind=kind, fund=None, project=None)
    return acc


def _transfer(*, actor: User, charity: Charity, kind: str, source: Account, target: Account, amount: Decimal,
              on: dt.date, memo: str = "") -> Transfer:
    """Two entries, −amount and +amount; the sending account may not go below zero unless it is the source."""
    if source.pk == target.pk:
        raise DomainError("转出和转入不能是同一账户", field="账户")
    with transaction.atomic():
        locked = {a.pk: a for a in Account.objects.select_for_update(of=("self",))
                  .filter(pk__in=[source.pk, target.pk]).order_by("pk")}
        src, dst = locked[source.pk], locked[target.pk]
        if src.kind != Account.Kind.SOURCE and src.balance < amount:
            raise DomainError(f"“{src}”余额不足：现有{src.balance}元，本次需支出{amount}元", code="overdraw",
                              field="金额")
        t = Transfer.objects.create(charity=charity, kind=kind, amount=amount, on=on, memo=memo[:200],
                                    created_by=actor)
        Entry.objects.bulk_create([Entry(transfer=t, account=src, amount=-amount),
                                   Entry(transfer=t, account=dst, amount=amount)])
        Account.objects.filter(pk=src.pk).update(balance=F("balance") - amount)
        Account.objects.filter(pk=dst.pk).update(balance=F("balance") + amount)
    return t


# --- charities, funds, plans --------------------------------------------------------------------------------------

def charity_recognise(*, actor: User, org: SocialOrg, public_fundraising: bool = False,
                      today: dt.date | None = None) -> Charity:
    """认定 a registered organisation as 慈善组织 (慈善法 第十条), optionally with 公开募捐资格 (第二十二条)."""
    ensure_can(actor, org.area, Cap.CHARITY_APPROVE)
    today = today or local_date()
    if org.status != SocialOrg.Status.ACTIVE:
        raise DomainError(f"{org.name}当前为“{org.get_status_display()}”，不能认定为慈善组织", field="社会组织")
    if org.form == Form.COMMUNITY:
        raise DomainError("备案的社区社会组织不能认定为慈善组织，须先依法登记", field="社会组织")
    if Charity.objects.filter(org=org).exists():
        raise Conflict(f"{org.name}已认定为慈善组织", field="社会组织")
    if public_fundraising:
        _ensure_fundraising_eligible(org, today)
    with transaction.atomic():
        charity = Charity.objects.create(org=org, area=org.area, recognised_on=today, recognised_by=actor,
                                         public_fundraising_on=today if public_fundraising else None)
        general = Fund.objects.create(charity=charity, name="非定向资金", kind=Fund.Kind.GENERAL, restricted=False,
                                      purpose="按章程开展慈善活动")
        _account(charity, Account.Kind.SOURCE)
        _account(charity, Account.Kind.ADMIN)
        _account(charity, Account.Kind.FUND, fund=general)
        audit.record(actor=actor, action="charity.recognise", object_type="charity.charity", object_id=charity.pk,
                     object_repr=org.name, area_code=org.area.code,
                     after={"public_fundraising": public_fundraising, "recognised_on": today})
    return charity


def _ensure_fundraising_eligible(org: SocialOrg, today: dt.date) -> None:
    r = rule("fundraising_min_years")
    if same_day_months_later(org.established_on, 12 * int(r.value)) > today:
        raise DomainError(f"{org.name}于{org.established_on:%Y年%m月%d日}登记，未满{r.value}年，不能取得公开募捐资格"
                          f"（{r.citation}）", code="not_eligible", field="公开募捐资格")


def fundraising_grant(*, actor: User, charity: Charity, today: dt.date | None = None) -> Charity:
    ensure_can(actor, charity.area, Cap.CHARITY_APPROVE)
    today = today or local_date()
    if charity.public_fundraising_on:
        raise Conflict(f"{charity}已具有公开募捐资格", field="公开募捐资格")
    _ensure_fundraising_eligible(charity.org, today)
    with transaction.atomic():
        charity.public_fundraising_on = today
        charity.save(update_fields=["public_fundraising_on"])
        audit.record(actor=actor, action="charity.fundraising_grant", object_type="charity.charity",
                     object_id=charity.pk, object_repr=str(charity), area_code=charity.area.code,
                     after={"public_fundraising_on": today})
    return charity


def fund_create(*, actor: User, charity: Charity, name: str, kind: str, purpose: str) -> Fund:
    """冠名基金/专项基金/微基金 under a charity: restricted to its purpose."""
    ensure_can(actor, charity.area, Cap.CHARITY_RECORD)
    name, purpose = text(name, "基金名称", 100), text(purpose, "基金用途", 300)
    if kind not in (Fund.Kind.NAMED, Fund.Kind.SPECIAL, Fund.Kind.MICRO):
        raise DomainError("基金类别应为冠名基金、专项基金或微基金", field="基金类别")
    if Fund.objects.filter(charity=charity, name=name).exists():
        raise Conflict(f"{charity}已有名为“{name}”的基金", field="基金名称")
    with transaction.atomic():
        fund = Fund.objects.create(charity=charity, name=name, kind=kind, restricted=True, purpose=purpose)
        _account(charity, Account.Kind.FUND, fund=fund)
        audit.record(actor=actor, action="charity.fund_create", object_type="charity.fund", object_id=fund.pk,
                     object_repr=name, area_code=charity.area.code, after={"kind": kind, "purpose": purpose})
    return fund


def plan_file(*, actor: User, charity: Charity, fund: Fund, title: str, purpose: str, target: object,
              starts_on: dt.date, ends_on: dt.date, today: dt.date | None = None) -> FundraisingPlan:
    """备案 a 募捐方案 before the fund-raising starts (慈善法 第二十四条)."""
    ensure_can(actor, charity.area, Cap.CHARITY_APPROVE)
    today = today or local_date()
    title, purpose = text(title, "方案名称", 100), text(purpose, "募捐目的", 300)
    amount = money(target, "募捐目标")
    starts_on, ends_on = _date(starts_on, "开始日期"), _date(ends_on, "结束日期")
    if fund.charity_id != charity.pk:
        raise DomainError("接收善款的基金不属于该慈善组织", field="基金")
    if not charity.public_fundraising_on:
        raise DomainError(f"{charity}不具有公开募捐资格，不能备案募捐方案（{rule('fundraising_min_years').citation}）",
                          code="not_eligible", field="公开募捐资格")
    if starts_on < today:
        raise DomainError(f"募捐方案应在开展募捐活动前备案：开始日期{starts_on}早于今天"
                          f"（{rule('plan_filing_before_start').citation}）", field="开始日期")
    if ends_on < starts_on:
        raise DomainError("结束日期不能早于开始日期", field="结束日期")
    with transaction.atomic():
        seq = FundraisingPlan.objects.filter(filed_on__year=today.year).count() + 1
        plan = FundraisingPlan.objects.create(
            charity=charity, fund=fund, number=f"MJ{today.year}{charity.pk:05d}{seq:05d}", title=title,
            purpose=purpose, target=amount, starts_on=starts_on, ends_on=ends_on, filed_on=today, filed_by=actor)
        audit.record(actor=actor, action="charity.plan_file", object_type="charity.plan", object_id=plan.pk,
                     object_repr=title, area_code=charity.area.code,
                     after={"number": plan.number, "target": amount, "starts_on": starts_on, "ends_on": ends_on})
    return plan


# --- donations and receipts ---------------------------------------------------------------------------------------

def donation_receive(*, actor: User, fund: Fund, donor_name: str, amount: object, received_on: dt.date,
                     kind: str = Donation.Kind.MONEY, goods: str = "",
                     plan: FundraisingPlan | None = None) -> Donation:
    """A gift of money or goods (at their valued price) into a fund: SOURCE → fund account."""
    charity = fund.charity
    ensure_can(actor, charity.area, Cap.CHARITY_RECORD)
    donor = text(donor_name, "捐赠人", 100)
    value = money(amount, "捐赠金额")
    received_on = _date(received_on, "接收日期")
    if kind not in Donation.Kind.values:
        raise DomainError("捐赠形式应为资金或物资", field="捐赠形式")
    goods = text(goods, "物资名称及数量", 200, required=kind == Donation.Kind.IN_KIND)
    if plan is not None:
        if plan.charity_id != charity.pk or plan.fund_id != fund.pk:
            raise DomainError(f"募捐方案“{plan.title}”的善款应进入“{plan.fund.name}”", field="募捐方案")
        if not plan.starts_on <= received_on <= plan.ends_on:
            raise DomainError(f"接收日期{received_on}不在募捐方案“{plan.title}”的募捐期间"
                              f"（{plan.starts_on}至{plan.ends_on}）内", code="outside_period", field="接收日期")
    with transaction.atomic():
        t = _transfer(actor=actor, charity=charity, kind=Transfer.Kind.DONATION,
                      source=_account(charity, Account.Kind.SOURCE),
                      target=_account(charity, Account.Kind.FUND, fund=fund), amount=value, on=received_on,
                      memo=f"{donor}捐赠")
        d = Donation.objects.create(charity=charity, fund=fund, plan=plan, donor_name=donor, kind=kind,
                                    amount=value, goods=goods, received_on=received_on, transfer=t,
                                    recorded_by=actor)
        audit.record(actor=actor, action="charity.donation", object_type="charity.donation", object_id=d.pk,
                     object_repr=donor, area_code=charity.area.code,
                     after={"fund": fund.name, "amount": value, "kind": kind, "plan": plan.number if plan else None})
    return d


def receipt_code(number: str) -> str:
    """The verification code printed on a receipt: a keyed digest of its number, so it cannot be guessed."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"charity-receipt:{number}".encode(), hashlib.sha256).hexdigest()[:8].upper()


def receipt_issue(*, actor: User, donation: Donation, today: dt.date | None = None) -> Receipt:
    """捐赠票据 (慈善法 第三十八条): one per donation; a second is refused."""
    charity = donation.charity
    ensure_can(actor, charity.area, Cap.CHARITY_RECORD)
    today = today or local_date()
    try:
        with transaction.atomic():
            Donation.objects.select_for_update().filter(pk=donation.pk).first()
            if Receipt.objects.filter(donation=donation).exists():
                raise Conflict(f"该笔捐赠已开具捐赠票据（{donation.receipt.number}），不能重复开具", code="duplicate",
                               field="捐赠票据")
            seq = Receipt.objects.filter(donation__charity=charity, issued_on__year=today.year).count() + 1
            number = f"{today.year}{charity.pk:05d}{seq:08d}"
            r = Receipt.objects.create(donation=donation, number=number, code=receipt_code(number), issued_on=today,
                                       issued_by=actor)
            audit.record(actor=actor, action="charity.receipt", object_type="charity.receipt", object_id=r.pk,
                         object_repr=number, area_code=charity.area.code,
                         after={"donation": donation.pk, "amount": donation.amount})
    except IntegrityError:
        raise Conflict("该笔捐赠已开具捐赠票据，不能重复开具", code="duplicate", field="捐赠票据") from None
    return r


# --- projects and spending ----------------------------------------------------------------------------------------

def project_create(*, actor: User, fund: Fund, name: str, purpose: str, area: Area) -> Project:
    charity = fund.charity
    ensure_can(actor, charity.area, Cap.CHARITY_RECORD)
    ensure_can(actor, area, Cap.CHARITY_RECORD)
    name, purpose = text(name, "项目名称", 100), text(purpose, "项目内容", 300)
    with transaction.atomic():
        p = Project.objects.create(charity=charity, fund=fund, name=name, purpose=purpose, area=area)
        _account(charity, Account.Kind.PROJECT, project=p)
        audit.record(actor=actor, action="charity.project_create", object_type="charity.project", object_id=p.pk,
                     object_repr=name, area_code=area.code, after={"fund": fund.name, "purpose": purpose})
    return p


def expenditure_prepare(*, actor: User, fund: Fund, amount: object, spent_on: dt.date, evidence: str,
                        project: Project | None = None, beneficiary: Person | None = None,
                        need: str = "") -> Expenditure:
    """申报 a spending from a fund on one of its projects, or (unrestricted money only) as management cost. Money
    moves when a second person approves it."""
    charity = fund.charity
    ensure_can(actor, charity.area, Cap.CHARITY_RECORD)
    value = money(amount, "支出金额")
    spent_on = _date(spent_on, "支出日期")
    evidence = text(evidence, "支出凭证", 200)
    if project is None and fund.restricted:
        raise DomainError(f"“{fund.name}”为定向资金，只能用于其项目，不能列支管理费用", code="restricted", field="项目")
    if project is not None:
        if project.charity_id != charity.pk:
            raise DomainError("该项目不属于本慈善组织", field="项目")
        if fund.restricted and project.fund_id != fund.pk:
            raise DomainError(f"“{fund.name}”为定向资金（{fund.purpose}），不能用于项目“{project.name}”",
                              code="restricted", field="项目")
    if beneficiary is not None and not can_access_area(actor, beneficiary.residence_area):
        raise NotFound("所选受助人不存在或不在您的管辖范围内")
    if beneficiary is not None or need:
        if beneficiary is None or need not in needs():
            raise DomainError("向个人支付须同时填写受助人和救助需求（" + "、".join(needs().values()) + "）",
                              field="救助需求")
    balance = _account(charity, Account.Kind.FUND, fund=fund).balance
    if value > balance:
        raise DomainError(f"“{fund.name}”余额不足：现有{balance}元，本次申报{value}元", code="overdraw", field="金额")
    with transaction.atomic():
        e = Expenditure.objects.create(charity=charity, fund=fund, project=project, amount=value, spent_on=spent_on,
                                       evidence=evidence, beneficiary=beneficiary, need=need, prepared_by=actor)
        audit.record(actor=actor, action="charity.expenditure_prepare", object_type="charity.expenditure",
                     object_id=e.pk, object_repr=project.name if project else "管理费用", area_code=charity.area.code,
                     after={"fund": fund.name, "amount": value, "evidence": evidence,
                            "beneficiary": beneficiary.pk if beneficiary else None, "need": need})
    return e


def expenditure_approve(*, actor: User, expenditure: Expenditure, approve: bool = True,
                        reason: str = "") -> tuple[Expenditure, list[str]]:
    """审批 by someone other than the preparer; approval moves the money (fund → project or 管理费用) and, for a
    payment to a person, reports it to 资金监管. Returns the expenditure and any warnings (double payment)."""
    charity = expenditure.charity
    ensure_can(actor, charity.area, Cap.CHARITY_APPROVE)
    warnings: list[str] = []
    with transaction.atomic():
        e = Expenditure.objects.select_for_update(of=("self",)).select_related("fund", "project", "beneficiary").get(
            pk=expenditure.pk)
        if e.status != Expenditure.Status.PREPARED:
            raise Conflict(f"该笔支出当前为“{e.get_status_display()}”，不能再审批", field="状态")
        if e.prepared_by_id == actor.pk:
            raise DomainError("申报人不能审批自己申报的支出", code="same_person", field="审批人")
        before = {"status": e.status}
        if approve:
            target = (_account(charity, Account.Kind.PROJECT, project=e.project) if e.project
                      else _account(charity, Account.Kind.ADMIN))
            e.transfer = _transfer(actor=actor, charity=charity,
                                   kind=Transfer.Kind.SPEND if e.project else Transfer.Kind.ADMIN,
                                   source=_account(charity, Account.Kind.FUND, fund=e.fund), target=target,
                                   amount=e.amount, on=e.spent_on, memo=e.evidence)
            e.status = Expenditure.Status.APPROVED
            if e.beneficiary is not None:
                _, programmes = outside_payment_record(
                    person=e.beneficiary, month=month_start(e.spent_on), need=e.need, payer=str(charity),
                    amount=e.amount, source=f"charity.expenditure:{e.pk}")
                warnings = [f"{e.beneficiary.name}{e.spent_on:%Y年%m月}已在{p}发放名单中，同一需求"
                            f"（{needs()[e.need]}）重复救助，资金监管将提示疑点" for p in programmes]
        else:
            e.status = Expenditure.Status.REJECTED
            reason = text(reason, "不予批准理由", 200)
        e.approved_by = actor
        e.save(update_fields=["status", "approved_by", "transfer"])
        audit.record(actor=actor, action="charity.expenditure_approve", object_type="charity.expenditure",
                     object_id=e.pk, object_repr=e.project.name if e.project else "管理费用",
                     area_code=charity.area.code, before=before,
                     after={"status": e.status, "amount": e.amount, "reason": reason, "warnings": warnings})
    return e, warnings


def annual_report_publish(*, actor: User, charity: Charity, year: int, activities: str,
                          today: dt.date | None = None) -> Disclosure:
    """年度工作报告 (慈善法 第十三条), made from the ledger and published; one per year."""
    ensure_can(actor, charity.area, Cap.CHARITY_RECORD)
    today = today or local_date()
    activities = text(activities, "年度主要活动", 500)
    if year >= today.year:
        raise DomainError(f"{year}年度尚未结束，不能报送该年度工作报告", field="年度")
    if Disclosure.objects.filter(charity=charity, kind=Disclosure.Kind.ANNUAL_REPORT, year=year).exists():
        raise Conflict(f"{charity}{year}年度工作报告已公开，不能重复报送", field="年度")
    totals = annual_totals(charity, year)
    body = {k: str(v) if isinstance(v, Decimal) else v for k, v in totals.items()} | {"activities": activities}
    with transaction.atomic():
        d = Disclosure.objects.create(charity=charity, kind=Disclosure.Kind.ANNUAL_REPORT, year=year,
                                      title=f"{charity}{year}年度工作报告", body=body, published_on=today,
                                      published_by=actor)
        audit.record(actor=actor, action="charity.annual_report", object_type="charity.disclosure", object_id=d.pk,
                     object_repr=d.title, area_code=charity.area.code, after=body)
    return d


def fundraising_disclose(*, actor: User, plan: FundraisingPlan, today: dt.date | None = None) -> Disclosure:
    """信息公开 of a 公开募捐's 募捐情况 — during the fund-raising and once it has ended — made from the ledger: the
    gifts received under the plan, money and goods apart, against its target. At most one per plan per day."""
    charity = plan.charity
    ensure_can(actor, charity.area, Cap.CHARITY_RECORD)
    today = today or local_date()
    if today < plan.starts_on:
        raise DomainError(f"募捐方案“{plan.title}”于{plan.starts_on}开始，开始后才能公开募捐情况", field="募捐方案")
    gifts = {k: (n, round_to(amount(total or 0), unit=FEN, mode=Mode.HALF_UP)) for k, n, total in
             Donation.objects.filter(plan=plan).values("kind").annotate(n=Count("id"), total=Sum("amount"))
             .values_list("kind", "n", "total")}
    n_money, money_total = gifts.get(Donation.Kind.MONEY, (0, Decimal("0.00")))
    n_goods, goods_total = gifts.get(Donation.Kind.IN_KIND, (0, Decimal("0.00")))
    ended, target = today > plan.ends_on, Decimal(plan.target).quantize(Decimal("0.01"))
    stage = "募捐已结束" if ended else "募捐进行中"
    words = (f"{stage}：截至{today:%Y年%m月%d日}，募捐方案“{plan.title}”（备案编号{plan.number}，"
             f"募捐期间{plan.starts_on}至{plan.ends_on}，目标{target}元）共收到捐赠{n_money + n_goods}笔，"
             f"其中资金{money_total}元、物资折价{goods_total}元。")
    body = {"plan": plan.number, "target": str(target), "starts_on": plan.starts_on.isoformat(),
            "ends_on": plan.ends_on.isoformat(), "gifts": n_money + n_goods, "money": str(money_total),
            "goods": str(goods_total), "ended": ended, "as_of": today.isoformat(), "text": words}
    return _disclose(actor=actor, charity=charity, kind=Disclosure.Kind.FUNDRAISING, today=today,
                     title=f"{plan.title}募捐情况（{today:%Y年%m月%d日}）", body=body, subject=plan.number)


def project_disclose(*, actor: User, project: Project, summary: str, today: dt.date | None = None) -> Disclosure:
    """信息公开 of a project's 项目实施情况: what the desk writes of its progress, and from the ledger what was spent
    on it (approved spending only). At most one per project per day."""
    charity = project.charity
    ensure_can(actor, charity.area, Cap.CHARITY_RECORD)
    today = today or local_date()
    summary = text(summary, "实施情况", 500)
    spent = Expenditure.objects.filter(project=project, status=Expenditure.Status.APPROVED, spent_on__lte=today)
    agg = spent.aggregate(n=Count("id"), total=Sum("amount"))
    total = round_to(amount(agg["total"] or 0), unit=FEN, mode=Mode.HALF_UP)
    body = {"project": project.name, "area": project.area.name, "fund": project.fund.name,
            "spendings": agg["n"], "spent": str(total), "as_of": today.isoformat(), "summary": summary,
            "text": f"截至{today:%Y年%m月%d日}，项目“{project.name}”（实施地{project.area.name}，资金来源"
                    f"“{project.fund.name}”）已支出{total}元（{agg['n']}笔）。{summary}"}
    return _disclose(actor=actor, charity=charity, kind=Disclosure.Kind.PROJECT, today=today,
                     title=f"{project.name}项目实施情况（{today:%Y年%m月%d日}）", body=body,
                     subject=f"project:{project.pk}")


def _disclose(*, actor: User, charity: Charity, kind: str, today: dt.date, title: str, body: dict,
              subject: str) -> Disclosure:
    with transaction.atomic():
        Charity.objects.select_for_update().filter(pk=charity.pk).first()  # one disclosure at a time per charity
        if Disclosure.objects.filter(charity=charity, kind=kind, published_on=today, body__subject=subject).exists():
            raise Conflict(f"“{title}”今天已公开，不能重复公开", code="duplicate", field="信息公开")
        d = Disclosure.objects.create(charity=charity, kind=kind, year=today.year, title=title[:100],
                                      body=body | {"subject": subject}, published_on=today, published_by=actor)
        audit.record(actor=actor, action=f"charity.disclose_{kind}", object_type="charity.disclosure",
                     object_id=d.pk, object_repr=d.title, area_code=charity.area.code, after=body)
    return d


# --- 慈善信托 -------------------------------------------------------------------------------------------------------

def trust_file(*, actor: User, area: Area, name: str, trustee: str, supervisor: str, assets: object, purpose: str,
               signed_on: dt.date, today: dt.date | None = None) -> Trust:
    """备案 a 慈善信托 within the days the law gives after signing (慈善法 第四十五条)."""
    ensure_can(actor, area, Cap.CHARITY_APPROVE)
    today = today or local_date()
    name, trustee = text(name, "信托名称", 100), text(trustee, "受托人", 100)
    supervisor, purpose = text(supervisor, "监察人", 100, required=False), text(purpose, "信托目的", 300)
    value = money(assets, "信托财产")
    signed_on = _date(signed_on, "信托文件签订日期")
    if signed_on > today:
        raise DomainError("信托文件签订日期不能晚于今天", field="信托文件签订日期")
    r = rule("trust_filing_days")
    if (today - signed_on).days > int(r.value):
        raise DomainError(f"信托文件于{signed_on}签订，已超过{r.value}日备案期限（{r.citation}）",
                          code="late", field="信托文件签订日期")
    if Trust.objects.filter(name=name).exists():
        raise Conflict(f"慈善信托“{name}”已备案", field="信托名称")
    with transaction.atomic():
        seq = Trust.objects.filter(filed_on__year=today.year).count() + 1
        t = Trust.objects.create(number=f"XT{today.year}{area.code[:6]}{seq:04d}", name=name, trustee=trustee,
                                 supervisor=supervisor, assets=value, purpose=purpose, signed_on=signed_on,
                                 filed_on=today, area=area, filed_by=actor)
        audit.record(actor=actor, action="charity.trust_file", object_type="charity.trust", object_id=t.pk,
                     object_repr=name, area_code=area.code,
                     after={"number": t.number, "trustee": trustee, "assets": value})
    return t


def trust_report(*, actor: User, trust: Trust, year: int, assets_end: object, spent: object, summary: str,
                 today: dt.date | None = None) -> TrustReport:
    ensure_can(actor, trust.area, Cap.CHARITY_APPROVE)
    today = today or local_date()
    if not trust.signed_on.year <= year < today.year:
        raise DomainError(f"报告年度应在{trust.signed_on.year}年至{today.year - 1}年之间", field="年度")
    end, out = money(assets_end, "年末信托财产"), money(spent, "年度支出")
    summary = text(summary, "年度报告摘要", 500)
    if TrustReport.objects.filter(trust=trust, year=year).exists():
        raise Conflict(f"{trust.name}{year}年度报告已报送", field="年度")
    with transaction.atomic():
        r = TrustReport.objects.create(trust=trust, year=year, assets_end=end, spent=out, summary=summary,
                                       submitted_on=today)
        audit.record(actor=actor, action="charity.trust_report", object_type="charity.trust", object_id=trust.pk,
                     object_repr=trust.name, area_code=trust.area.code, after={"year": year, "spent": out})
    return r


# --- 爱心资源库, 微心愿/微实事, 慈善空间 ---------------------------------------------------------------------

def resource_register(*, actor: User, area: Area, name: str, offers: str, credit_code: str = "",
                      is_enterprise: bool = True) -> Resource:
    ensure_can(actor, area, Cap.CHARITY_WISH)
    name, offers = text(name, "名称", 100), text(offers, "可提供的资源", 200)
    code = text(credit_code, "统一社会信用代码", 18, required=False).upper()
    if is_enterprise and len(code) != 18:
        raise DomainError("企业应填写18位统一社会信用代码", field="统一社会信用代码")
    with transaction.atomic():
        r = Resource.objects.create(name=name, offers=offers, credit_code=code, is_enterprise=is_enterprise,
                                    area=area)
        audit.record(actor=actor, action="charity.resource", object_type="charity.resource", object_id=r.pk,
                     object_repr=name, area_code=area.code, after={"offers": offers})
    return r


def _address_forms(person: Person) -> list[str]:
    """The person's address as typed into a wish: in full, and without the leading names of the areas it lies in
    ("英南村北巷3号" is also "北巷3号"). A remainder shorter than three characters says nothing on its own."""
    full = (person.address or "").strip()
    if not full:
        return []
    names = sorted((a.name for a in person.residence_area.ancestors()), key=len, reverse=True)
    rest = full
    for _ in range(len(names)):
        head = next((n for n in names if n and rest.startswith(n)), None)
        if head is None:
            break
        rest = rest[len(head):]
    return [full] + ([rest] if rest != full and len(rest) >= 3 else [])


def wish_raise(*, actor: User, kind: str, title: str, need: str, budget: object, area: Area,
               person: Person | None = None, today: dt.date | None = None) -> Wish:
    """A village or a 社工 raises a 微心愿 for a person in difficulty (or a 微实事 for the community)."""
    ensure_can(actor, area, Cap.CHARITY_WISH)
    today = today or local_date()
    if kind not in Wish.Kind.values:
        raise DomainError("类别应为微心愿或微实事", field="类别")
    title, need = text(title, "心愿", 60), text(need, "需求说明", 200)
    value = money(budget, "预计金额")
    if kind == Wish.Kind.WISH:
        if person is None:
            raise DomainError("微心愿须登记心愿人", code="required", field="心愿人")
        ensure_can(actor, person.residence_area, Cap.CHARITY_WISH)
        if person.death_date:
            raise DomainError(f"{person.name}已登记死亡", field="心愿人")
        for label, secrets in (("姓名", [person.name]), ("身份证号", [person.id_number]),
                               ("住址", _address_forms(person))):
            for field, typed in (("心愿", title), ("需求说明", need)):
                if any(secret and secret in typed for secret in secrets):
                    raise DomainError(f"{field}将在公开页面展示，不能含有心愿人的{label}", code="personal_data",
                                      field=field)
    with transaction.atomic():
        w = Wish.objects.create(kind=kind, title=title, need=need, budget=value, person=person, area=area,
                                raised_by=actor, raised_on=today)
        audit.record(actor=actor, action="charity.wish_raise", object_type="charity.wish", object_id=w.pk,
                     object_repr=title, area_code=area.code,
                     after={"kind": kind, "person": person.masked_id if person else None, "budget": value})
    return w


def wish_claim(*, actor: User | None, wish: Wish, claimant: str, resource: Resource | None = None,
               now: dt.datetime | None = None) -> Wish:
    """A donor (on the public page, actor None) or an enterprise of the 爱心资源库 claims an open wish. One
    conditional UPDATE decides: of two claims at once, exactly one finds the wish still open."""
    claimant = text(claimant, "认领人", 100)
    now = now or timezone.now()
    if actor is not None:
        ensure_can(actor, wish.area, Cap.CHARITY_WISH)
    with transaction.atomic():
        won = Wish.objects.filter(pk=wish.pk, status=Wish.Status.OPEN).update(
            status=Wish.Status.CLAIMED, claimant=claimant, resource=resource, claimed_at=now)
        if not won:
            current = Wish.objects.filter(pk=wish.pk).values_list("status", flat=True).first()
            if current is None:
                raise NotFound()
            raise Conflict("该心愿已被其他爱心人士认领，请选择其他心愿", code="already_claimed", field="心愿")
        audit.record(actor=actor, action="charity.wish_claim", object_type="charity.wish", object_id=wish.pk,
                     object_repr=wish.title, area_code=wish.area.code, before={"status": Wish.Status.OPEN},
                     after={"status": Wish.Status.CLAIMED, "claimant": claimant,
                            "resource": resource.name if resource else None})
    wish.refresh_from_db()
    return wish


def wish_fulfil(*, actor: User, wish: Wish, evidence: str, on: dt.date) -> Wish:
    ensure_can(actor, wish.area, Cap.CHARITY_WISH)
    evidence = text(evidence, "实现情况及凭证", 300)
    on = _date(on, "实现日期")
    with transaction.atomic():
        w = Wish.objects.select_for_update().get(pk=wish.pk)
        if w.status != Wish.Status.CLAIMED:
            raise Conflict(f"该心愿当前为“{w.get_status_display()}”，须先被认领才能登记实现", field="状态")
        if w.claimed_at and on < local_date(w.claimed_at):
            raise DomainError("实现日期不能早于认领日期", field="实现日期")
        w.status, w.evidence, w.fulfilled_on = Wish.Status.FULFILLED, evidence, on
        w.save(update_fields=["status", "evidence", "fulfilled_on"])
        audit.record(actor=actor, action="charity.wish_fulfil", object_type="charity.wish", object_id=w.pk,
                     object_repr=w.title, area_code=w.area.code, before={"status": Wish.Status.CLAIMED},
                     after={"status": w.status, "evidence": evidence})
    return w


def wish_close(*, actor: User, wish: Wish) -> Wish:
    ensure_can(actor, wish.area, Cap.CHARITY_WISH)
    with transaction.atomic():
        w = Wish.objects.select_for_update().get(pk=wish.pk)
        if w.status != Wish.Status.FULFILLED:
            raise Conflict(f"该心愿当前为“{w.get_status_display()}”，实现后才能办结", field="状态")
        w.status, w.closed_by = Wish.Status.CLOSED, actor
        w.save(update_fields=["status", "closed_by"])
        audit.record(actor=actor, action="charity.wish_close", object_type="charity.wish", object_id=w.pk,
                     object_repr=w.title, area_code=w.area.code, after={"status": w.status})
    return w


def space_open(*, actor: User, area: Area, name: str, kind: str, address: str,
               today: dt.date | None = None) -> Space:
    ensure_can(actor, area, Cap.CHARITY_RECORD)
    if kind not in Space.Kind.values:
        raise DomainError("类别应为慈善空间或慈善超市", field="类别")
    name, address = text(name, "名称", 100), text(address, "地址", 200)
    with transaction.atomic():
        s = Space.objects.create(name=name, kind=kind, area=area, address=address, opened_on=today or local_date())
        audit.record(actor=actor, action="charity.space_open", object_type="charity.space", object_id=s.pk,
                     object_repr=name, area_code=area.code, after={"kind": kind, "address": address})
    return s


def stock_move(*, actor: User, space: Space, item: str, change: int) -> Stock:
    """Goods in (+) or handed out (−) at a 慈善超市; stock never goes below zero."""
    ensure_can(actor, space.area, Cap.CHARITY_RECORD)
    item = text(item, "物品", 60)
    if not isinstance(change, int) or change == 0 or abs(change) > 1_000_000:
        raise DomainError("数量变动应为非零整数（不超过100万）", field="数量")
    with transaction.atomic():
        s, _ = Stock.objects.select_for_update().get_or_create(space=space, item=item)
        if s.quantity + change < 0:
            raise DomainError(f"{item}库存{s.quantity}件，不足发放{-change}件", code="overdraw", field="数量")
        before = s.quantity
        s.quantity += change
        s.save(update_fields=["quantity"])
        audit.record(actor=actor, action="charity.stock", object_type="charity.space", object_id=space.pk,
                     object_repr=space.name, area_code=space.area.code, before={item: before},
                     after={item: s.quantity})
    return s


# --- 慈善示范社区 / 慈善工作示范点 ---------------------------------------------------------------------------------

def demo_site_designate(*, actor: User, kind: str, area: Area, name: str, on: dt.date | None = None) -> DemoSite:
    """The county (or city) names a 村（居） a 慈善示范社区, or a town or village place a 慈善工作示范点."""
    ensure_can(actor, area, Cap.CHARITY_APPROVE)
    on = on or local_date()
    if kind not in DemoSite.Kind.values:
        raise DomainError("类别应为慈善示范社区或慈善工作示范点", field="类别")
    name = text(name, "名称", 100)
    if kind == DemoSite.Kind.COMMUNITY and area.level != Level.VILLAGE:
        raise DomainError(f"慈善示范社区应为村（居），“{area.name}”不是村（居）", field="所在地")
    if kind == DemoSite.Kind.SITE and area.level not in (Level.TOWN, Level.VILLAGE):
        raise DomainError(f"慈善工作示范点应在镇街或村（居），“{area.name}”不是", field="所在地")
    if on > local_date():
        raise DomainError("命名日期不能晚于今天", field="命名日期")
    active = DemoSite.objects.filter(kind=kind, area=area, revoked_on__isnull=True)
    if kind == DemoSite.Kind.COMMUNITY and active.exists():
        raise Conflict(f"{area.name}已是慈善示范社区", field="所在地")
    if active.filter(name=name).exists():
        raise Conflict(f"“{name}”已命名为{DemoSite.Kind(kind).label}", field="名称")
    with transaction.atomic():
        d = DemoSite.objects.create(kind=kind, area=area, name=name, designated_on=on, designated_by=actor)
        audit.record(actor=actor, action="charity.demo_site_designate", object_type="charity.demo_site",
                     object_id=d.pk, object_repr=name, area_code=area.code, after={"kind": kind, "on": on})
    return d


def demo_site_revoke(*, actor: User, site: DemoSite, reason: str, on: dt.date | None = None) -> DemoSite:
    ensure_can(actor, site.area, Cap.CHARITY_APPROVE)
    on = on or local_date()
    reason = text(reason, "撤销原因", 200)
    with transaction.atomic():
        d = DemoSite.objects.select_for_update().get(pk=site.pk)
        if d.revoked_on:
            raise Conflict(f"“{d.name}”已于{d.revoked_on}撤销", field="状态")
        if on < d.designated_on:
            raise DomainError("撤销日期不能早于命名日期", field="撤销日期")
        d.revoked_on, d.revoked_by, d.revoke_reason = on, actor, reason
        d.save(update_fields=["revoked_on", "revoked_by", "revoke_reason"])
        audit.record(actor=actor, action="charity.demo_site_revoke", object_type="charity.demo_site",
                     object_id=d.pk, object_repr=d.name, area_code=d.area.code, after={"on": on, "reason": reason})
    return d


# --- 救助衔接 --------------------------------------------------------------------------------------------------------

def referral_grounds(household: Household) -> list[tuple[str, str]]:
    """The grounds on which the household may be referred to charity, from its 低保 record and latest 核对."""
    found: list[tuple[str, str]] = []
    refused = (Application.objects.filter(household=household, programme="dibao", status=ApplicationStatus.REFUSED)
               .order_by("-id").first())
    if refused:
        found.append((Referral.Ground.REFUSED, f"低保申请{refused.number}未获批准：{refused.decision_reason[:200]}"))
    exited = Case.objects.filter(household=household, programme="dibao", status=Case.Status.EXITED).order_by(
        "-id").first()
    if exited:
        end = f"{exited.end_month:%Y年%m月}" if exited.end_month else ""
        found.append((Referral.Ground.EXITED, f"已于{end}退出低保"))
    report = VerificationReport.objects.filter(household=household).order_by("-on", "-id").first()
    factor = rule("above_line_factor")
    if report and report.conclusion == Conclusion.INCOME_ABOVE and (
            report.per_capita_income <= report.standard * factor.value):
        found.append((Referral.Ground.ABOVE_LINE,
                      f"核对报告{report.number}：人均收入{report.per_capita_income}元，高于低保标准{report.standard}元"
                      f"但不超过其{factor.value}倍"))
    return found


def referral_create(*, actor: User, household: Household, charity: Charity, ground: str, consent_on: dt.date | None,
                    project: Project | None = None, person: Person | None = None,
                    today: dt.date | None = None) -> Referral:
    """Refer a household to a charity programme, with its written consent, on a ground its record shows. `person`:
    the member who asks (申请人), a current member of the household; by default its head."""
    ensure_can(actor, household.area, Cap.CHARITY_WISH)
    today = today or local_date()
    if consent_on is None:
        raise DomainError("转介须取得该家庭的书面同意，请填写同意日期", code="required", field="同意转介日期")
    if consent_on > today:
        raise DomainError("同意转介日期不能晚于今天", field="同意转介日期")
    grounds = dict(referral_grounds(household))
    if ground not in grounds:
        labels = "、".join(Referral.Ground(g).label for g in Referral.Ground.values)
        raise DomainError(f"该家庭的记录不符合转介条件（{labels}）", code="not_eligible", field="转介原因")
    if project is not None and project.charity_id != charity.pk:
        raise DomainError("该项目不属于所选慈善组织", field="项目")
    if Referral.objects.filter(household=household, charity=charity, status__in=[
            Referral.Status.REFERRED, Referral.Status.ACCEPTED]).exists():
        raise Conflict(f"该家庭已转介至{charity}，尚在办理中", field="慈善组织")
    head: Person | None = person
    if person is not None:
        if not Membership.objects.filter(household=household, person=person, end_date__isnull=True).exists():
            raise DomainError(f"{person.name}不是该家庭的在册成员", field="申请人")
    else:
        member = Membership.objects.filter(household=household, end_date__isnull=True).select_related("person").first()
        head = household.head or (member.person if member else None)
    if head is None:
        raise DomainError("该家庭没有在册成员，不能转介", field="家庭")
    with transaction.atomic():
        r = Referral.objects.create(household=household, person=head, area=household.area, ground=ground,
                                    ground_detail=grounds[ground][:300], consent_on=consent_on, charity=charity,
                                    project=project, referred_by=actor, referred_on=today)
        audit.record(actor=actor, action="charity.referral", object_type="charity.referral", object_id=r.pk,
                     object_repr=household.number, area_code=household.area.code,
                     after={"ground": ground, "charity": str(charity), "consent_on": consent_on})
    return r


def referral_update(*, actor: User, referral: Referral, status: str, outcome: str) -> Referral:
    """The charity's answer (接收/未接收) and then its outcome (已实施慈善救助)."""
    ensure_can(actor, referral.charity.area, Cap.CHARITY_RECORD)
    outcome = text(outcome, "结果", 300)
    allowed: dict[str, set[str]] = {Referral.Status.REFERRED: {Referral.Status.ACCEPTED, Referral.Status.DECLINED},
               Referral.Status.ACCEPTED: {Referral.Status.HELPED}}
    with transaction.atomic():
        r = Referral.objects.select_for_update().get(pk=referral.pk)
        if status not in allowed.get(r.status, set()):
            raise Conflict(f"该转介当前为“{r.get_status_display()}”，不能改为该状态", field="状态")
        before = {"status": r.status}
        r.status, r.outcome = status, outcome
        r.save(update_fields=["status", "outcome"])
        audit.record(actor=actor, action="charity.referral_update", object_type="charity.referral", object_id=r.pk,
                     object_repr=str(r.household_id), area_code=r.area.code, before=before,
                     after={"status": status, "outcome": outcome})
    return r
