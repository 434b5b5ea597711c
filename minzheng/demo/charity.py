"""Demo 大慈善 and 福彩 for `setup_demo`, written through the charity and lottery services (audit rows and the
double-entry ledger as real work leaves them) by each jurisdiction's demo staff: the county (or city) officer who
recognises and approves, the second officer who approves what the town desk prepared, the town desk and the
village worker.

In each jurisdiction, in the town with demo villages:

- 「<town>慈善会」, a foundation registered three years ago and recognised as 慈善组织 with 公开募捐资格 two years
  ago, with a restricted 专项基金, a 募捐方案 filed for a period that covers today, last year's gifts (each with its
  捐赠票据) spent on two projects and a little management cost, last year's 年度工作报告 published; this year the
  plan's gifts, a gift of goods, a payment to a person in difficulty (受助人 and 救助需求, seen by 资金监管) and a
  spending awaiting the second officer;
- 「<town>社会工作服务中心」, a 社会服务机构 recognised without 公开募捐资格, with one gift;
- a 慈善信托 filed by the county last year with its annual report, a 慈善超市 with stock, the first demo village
  named 慈善示范社区 and the town a 慈善工作示范点;
- in the first demo village three 微心愿 for residents in difficulty (a 低保/特困/低收入/残疾 record in force, else
  the oldest residents): one open, one claimed by an enterprise of the 爱心资源库, one fulfilled; and an open 微实事;
- a household of the town refused 低保 (if the demo has one) referred to the 慈善会 with its consent;
- three 福彩 outlets with their monthly sales since January last year (imported as the sales file staff
  upload), one inspected last
  month, and last year's and this year's 公益金 allocations with their spending.

Volumes are small (setup time). Dates are relative to the bureau's local today (core.periods), so the demo holds on
any day; the shares that are rules (management cost, charitable spending, 公益金 to 养老服务) come from
data/charity/law.csv and data/charity/lottery.csv. Idempotent: a jurisdiction whose 慈善会 exists is skipped.
"""

import csv
import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.assistance.models import Application, ApplicationStatus
from minzheng.charity import services as charity
from minzheng.charity.models import Charity, Expenditure, Fund
from minzheng.charity.rules import rule as law
from minzheng.core.errors import DomainError
from minzheng.core.money import Mode, round_to
from minzheng.core.periods import local_date, month_start, same_day_months_later
from minzheng.core.tabular import safe_row
from minzheng.lottery import services as lottery
from minzheng.lottery.models import Allocation
from minzheng.lottery.rules import rule as lottery_rule
from minzheng.registry.models import Person, PersonCategory
from minzheng.socialorgs import services as socialorgs

# jurisdiction → (approver: county or city, second approver, town desk, village worker); setup_demo.ACCOUNTS
STAFF = {
    "441800": ("qy_yingde", "qy_checker", "qy_qingtang", "qy_village"),
    "445322": ("yn_county", "yn_checker", "yn_baozhu", "yn_village"),
    "440704": ("jh_county", "jh_checker", "jh_lile", "jh_village"),
    "442000": ("zs_approver", "zs_checker", "zs_xiaolan", "zs_village"),
    "441900": ("dg_approver", "dg_checker", "dg_humen", "dg_village"),
}
IN_DIFFICULTY = ("dibao", "tekun", "low_income", "disabled")
ELDERLY_AGE = 70  # 高龄 residents the village looks in on; the demo's own choice, not a policy standard
CENT = Decimal("0.01")

# Last year's gifts: (donor, into the 专项基金?, amount, month, day) — demo figures, not rules.
LAST_YEAR_GIFTS = [("{town}商会", False, Decimal("50000"), 3, 12), ("爱心人士陈先生", True, Decimal("8000"), 6, 1),
                   ("{county}新华电器有限公司", True, Decimal("30000"), 9, 9)]
WISHES = [("一台轮椅", "行动不便，出门需要轮椅代步", "800"), ("冬季棉被两床", "家中被褥陈旧，冬季御寒困难", "400"),
          ("助学文具和书包", "孩子上学缺少文具和书包", "300")]


def seed_charity_demo(*, jurisdictions: list[str] | None = None, today: dt.date | None = None) -> dict:
    today = today or local_date()
    made = {"charities": 0, "donations": 0, "wishes": 0, "trusts": 0, "outlets": 0, "allocations": 0,
            "referrals": 0, "skipped": []}
    names = {n for code in (jurisdictions or STAFF) for n in STAFF[code]}
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    for code in jurisdictions or STAFF:
        staff = [users.get(n) for n in STAFF[code]]
        if not all(staff):
            continue
        approver, checker, desk, village_worker = staff
        town = desk.area_assignments.get().area
        village = village_worker.area_assignments.get().area
        county = approver.area_assignments.get().area
        if Charity.objects.filter(area=town).exists():
            continue
        try:
            with transaction.atomic():
                _jurisdiction(made, today=today, county=county, town=town, village=village, approver=approver,
                              checker=checker, desk=desk, village_worker=village_worker)
        except DomainError as e:  # a jurisdiction whose demo population lacks what this needs is skipped whole
            made["skipped"].append(f"{town.name}：{e.message}")
    return made


def _adults(today: dt.date, *areas: Area) -> list[Person]:
    """Two living adults to be the organisations' legal representatives: of the town, else of the county."""
    born_before = dt.date(today.year - 30, 1, 1)
    found: list[Person] = []
    for area in areas:
        found += [p for p in Person.objects.filter(residence_area__path__startswith=area.path, death_date__isnull=True,
                                                   birth_date__lt=born_before).order_by("id")[:2] if p not in found]
    return found[:2]


def _in_difficulty(village: Area, today: dt.date) -> list[Person]:
    """Three residents of the village in difficulty: those with a 低保/特困/低收入/残疾 record in force first, then
    the oldest of those aged ELDERLY_AGE or more (a small village may have fewer than three on a list)."""
    held = PersonCategory.objects.filter(category__in=IN_DIFFICULTY, valid_from__lte=today).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)).values("person_id")
    living = Person.objects.filter(residence_area__path__startswith=village.path, death_date__isnull=True)
    found = list(living.filter(pk__in=held).order_by("birth_date", "id")[:3])
    if len(found) < 3:
        old = dt.date(today.year - ELDERLY_AGE, 1, 1)
        found += living.filter(birth_date__lt=old).exclude(pk__in=[p.pk for p in found]).order_by(
            "birth_date", "id")[:3 - len(found)]
    return found


def _jurisdiction(made: dict, *, today: dt.date, county: Area, town: Area, village: Area, approver: User,
                  checker: User, desk: User, village_worker: User) -> None:
    last = today.year - 1
    adults = _adults(today, town, county)
    if len(adults) < 2:
        raise DomainError("演示人口中没有可担任法定代表人的成年人，跳过慈善演示数据")

    # two registered organisations, recognised as charities (the foundation with 公开募捐资格)
    orgs = []
    for (name, form, capital), rep in zip([(f"{town.name}慈善会", "foundation", "2000000"),
                                           (f"{town.name}社会工作服务中心", "service_org", "100000")],
                                          adults, strict=False):
        app = socialorgs.establish_apply(actor=desk, area=town, name=name, form=form, legal_rep=rep, capital=capital,
                                         domicile=f"{town.name}社会服务中心", purpose="扶贫济困、扶老助残、助学",
                                         supervisor=f"{county.name}民政局")
        app = socialorgs.application_review(actor=approver, application=app, approve=True, opinion="材料齐全")
        orgs.append(socialorgs.application_approve(actor=checker, application=app,
                                                   today=dt.date(today.year - 3, 3, 1)))
    foundation = charity.charity_recognise(actor=approver, org=orgs[0], public_fundraising=True,
                                           today=dt.date(today.year - 2, 6, 1))
    service = charity.charity_recognise(actor=approver, org=orgs[1], today=dt.date(today.year - 2, 6, 1))
    made["charities"] += 2
    general = foundation.funds.get(kind=Fund.Kind.GENERAL)
    special = charity.fund_create(actor=desk, charity=foundation, name=f"{town.name}助学济困专项基金",
                                  kind=Fund.Kind.SPECIAL, purpose="资助困难家庭学生、救助困难群众")
    school = charity.project_create(actor=desk, fund=special, name=f"{village.name}助学济困", area=village,
                                    purpose="为困难家庭学生发放助学金，为困难群众解决急难")
    elders = charity.project_create(actor=desk, fund=general, name=f"{town.name}关爱长者", area=town,
                                    purpose="走访慰问独居、困难老人")

    # last year: gifts with receipts, spent as 慈善法 asks (shares from data/charity/law.csv), the annual report
    income = Decimal(0)
    for donor, restricted, amount, month, day in LAST_YEAR_GIFTS:
        on = dt.date(last, month, day)
        gift = charity.donation_receive(actor=desk, fund=special if restricted else general, amount=amount,
                                        donor_name=donor.format(town=town.name, county=county.name), received_on=on)
        charity.receipt_issue(actor=desk, donation=gift, today=on)
        income += amount
        made["donations"] += 1
    special_in = sum((a for _, r, a, _, _ in LAST_YEAR_GIFTS if r), Decimal(0))
    target = round_to(income * law("charity_spending_min_share").value, unit=Decimal(1), mode=Mode.UP)
    on_school = (special_in * Decimal("0.8")).quantize(Decimal(1))
    admin = (target * law("management_cost_max_share").value / 2).quantize(CENT)
    for fund, project, amount, on, evidence in (
            (special, school, on_school, dt.date(last, 9, 20), "秋季助学金发放签收表"),
            (general, elders, target - on_school, dt.date(last, 12, 10), "长者慰问物资采购发票及签收表"),
            (general, None, admin, dt.date(last, 12, 20), "办公及审计费用发票")):
        _spend(desk, checker, fund=fund, project=project, amount=amount, on=on, evidence=evidence)
    charity.annual_report_publish(actor=desk, charity=foundation, year=last, today=today,
                                  activities=f"开展助学济困、关爱长者活动，惠及{village.name}等村（居）困难群众")

    # this year: a plan covering today, its gifts, goods, a payment to a person in difficulty, one awaiting approval
    start = month_start(today)
    plan = charity.plan_file(actor=approver, charity=foundation, fund=special, target="100000", starts_on=start,
                             title=f"{town.name}{today.year}年助学济困募捐", purpose="资助困难家庭学生",
                             ends_on=same_day_months_later(start, 3), today=start)
    for donor, amount, on in ((f"{town.name}爱心企业联合会", "20000", today),
                              ("网络募捐（126人次）", "3560.50", start)):
        gift = charity.donation_receive(actor=desk, fund=special, donor_name=donor, amount=amount, received_on=on,
                                        plan=plan)
        charity.receipt_issue(actor=desk, donation=gift, today=today)
        made["donations"] += 1
    charity.donation_receive(actor=desk, fund=general, donor_name=f"{town.name}粮油店", amount="6000",
                             received_on=today, kind="in_kind", goods="大米100袋（每袋10公斤）")
    gift = charity.donation_receive(actor=desk, fund=service.funds.get(), donor_name="爱心人士黄女士", amount="2000",
                                    received_on=today)
    charity.receipt_issue(actor=desk, donation=gift, today=today)
    made["donations"] += 3
    charity.fundraising_disclose(actor=desk, plan=plan, today=today)
    needy = _in_difficulty(village, today)
    if needy:
        _spend(desk, checker, fund=special, project=school, amount=Decimal("1500"), on=today, beneficiary=needy[0],
               need="medical", evidence="住院自付费用救助银行回单")
    charity.expenditure_prepare(actor=desk, fund=general, project=elders, amount="1200", spent_on=today,
                                evidence="重阳慰问品采购发票")

    # trusts, a 慈善超市, the demonstration community and site
    signed = dt.date(last, 4, 8)
    trust = charity.trust_file(actor=approver, area=county, name=f"{county.name}乡村振兴慈善信托",
                               trustee="广东粤财信托有限公司", supervisor="广东卓信律师事务所", assets="1000000",
                               purpose="支持乡村困难群众帮扶和助学", signed_on=signed,
                               today=signed + dt.timedelta(days=4))
    charity.trust_report(actor=approver, trust=trust, year=last, assets_end="965000", spent="35000",
                         summary="资助困难学生70名", today=today)
    made["trusts"] += 1
    space = charity.space_open(actor=desk, area=town, name=f"{town.name}慈善超市", kind="supermarket",
                               address=f"{town.name}社会服务中心一楼", today=dt.date(last, 5, 20))
    charity.stock_move(actor=desk, space=space, item="大米（10公斤装）", change=100)
    charity.stock_move(actor=desk, space=space, item="大米（10公斤装）", change=-30)
    named = dt.date(last, 9, 1)
    charity.demo_site_designate(actor=approver, kind="community", area=village, name=f"{village.name}慈善示范社区",
                                on=named)
    charity.demo_site_designate(actor=approver, kind="site", area=town, name=f"{town.name}慈善工作示范点", on=named)

    # 微心愿 for residents in difficulty: one open, one claimed, one fulfilled; an open 微实事
    resource = charity.resource_register(actor=desk, area=town, name=f"{town.name}新华电器有限公司",
                                         offers="家电维修、助学物资",
                                         credit_code=f"91{county.code}MA5{town.code[-3:]}001X")
    wishes = [charity.wish_raise(actor=village_worker, kind="wish", title=title, need=need, budget=budget, area=village,
                                 person=p, today=today)
              for (title, need, budget), p in zip(WISHES, needy, strict=False)]
    if len(wishes) > 1:
        charity.wish_claim(actor=village_worker, wish=wishes[1], claimant=resource.name, resource=resource)
    if len(wishes) > 2:
        w = charity.wish_claim(actor=None, wish=wishes[2], claimant="爱心人士陈先生")
        charity.wish_fulfil(actor=village_worker, wish=w, evidence="文具和书包已送到，心愿人签收", on=today)
    charity.wish_raise(actor=village_worker, kind="project", title="村口路灯维修", need="村口3盏路灯损坏，夜间出行不便",
                       budget="1500", area=village, today=today)
    made["wishes"] += len(wishes) + 1

    # 救助衔接: a household of the town refused 低保, referred with its consent
    refused = (Application.objects.filter(programme="dibao", status=ApplicationStatus.REFUSED,
                                          household__area__path__startswith=town.path)
               .select_related("household__area").order_by("id").first())
    if refused is not None and charity.referral_grounds(refused.household):
        charity.referral_create(actor=desk, household=refused.household, charity=foundation, ground="refused",
                                consent_on=today, project=school, today=today)
        made["referrals"] += 1

    _lottery(made, today=today, county=county, town=town, village=village, approver=approver)


def _spend(desk: User, checker: User, *, fund: Fund, project, amount: Decimal, on: dt.date, evidence: str,
           beneficiary: Person | None = None, need: str = "") -> Expenditure:
    e = charity.expenditure_prepare(actor=desk, fund=fund, project=project, amount=amount, spent_on=on,
                                    evidence=evidence, beneficiary=beneficiary, need=need)
    return charity.expenditure_approve(actor=checker, expenditure=e)[0]


def _lottery(made: dict, *, today: dt.date, county: Area, town: Area, village: Area, approver: User) -> None:
    last = today.year - 1
    outlets = [lottery.outlet_register(actor=approver, area=area, licence=f"{town.code}{n:02d}",
                                       name=f"{area.name}福彩投注站", owner=owner,
                                       address=f"{area.name}{street}", opened_on=dt.date(today.year - 4, 5, 1) +
                                       dt.timedelta(days=90 * n), grade=grade)
               for n, (area, owner, street, grade) in enumerate(
                   [(town, "陈志坚", "市场路1号", "一级"), (village, "黄丽芳", "村口商店", "二级"),
                    (town, "李国明", "新街18号", "二级")], start=1)]
    made["outlets"] += len(outlets)
    months = [same_day_months_later(dt.date(last, 1, 1), k) for k in range(12 + today.month - 1)]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "福彩月度销量.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(safe_row(lottery.SALES_COLUMNS, for_csv=True))
            for n, o in enumerate(outlets, start=1):
                for k, m in enumerate(months):
                    out.writerow(safe_row([o.licence, f"{m:%Y-%m}", f"{60000 + 25000 * (3 - n) + 1500 * k}.00"],
                                          for_csv=True))
        result = lottery.sales_import(actor=approver, path=path, file_format="csv")
    if result.errors:
        raise DomainError("演示福彩销量导入失败：" + "；".join(e["message"] for e in result.errors[:3]))
    lottery.inspection_record(actor=approver, outlet=outlets[0], result="passed", findings="证照齐全，公示规范",
                              on=same_day_months_later(today, -1))

    # 公益金: at least the share of data/charity/lottery.csv to 养老服务 (江海区's plan; a fair target elsewhere)
    share = lottery_rule("welfare_fund_elderly_min_share").value + Decimal("0.05")
    for year, total, spent_share, spent_on in ((last, Decimal("1200000"), Decimal("0.8"), dt.date(last, 11, 20)),
                                               (today.year, Decimal("400000"), Decimal("0.1"), today)):
        elderly = (total * share).quantize(Decimal(1))
        rest = total - elderly
        parts = [(f"{county.name}长者饭堂和居家养老服务", Allocation.Use.ELDERLY, elderly),
                 (f"{county.name}残疾人康复助残", Allocation.Use.DISABLED, (rest / 2).quantize(Decimal(1))),
                 (f"{county.name}困境儿童关爱", Allocation.Use.CHILDREN, rest - (rest / 2).quantize(Decimal(1)))]
        for project, use, amount in parts:
            a = lottery.allocation_create(actor=approver, area=county, year=year, project=project, use=use,
                                          amount=amount)
            lottery.spending_record(actor=approver, allocation=a, amount=(amount * spent_share).quantize(CENT),
                                    spent_on=spent_on, evidence="拨付凭证及项目验收报告")
            made["allocations"] += 1
