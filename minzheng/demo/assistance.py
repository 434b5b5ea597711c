"""Demo 大救助 work for the five jurisdictions, so a fresh `setup_demo` shows a living bureau.

Everything goes through the real services, acting as the demo accounts of the right level: the village worker
submits, the town officer accepts, runs 核对 and visits, the county approver reviews, approves, refuses and runs
the payroll. Statuses, time limits, audit entries, 核对 reports and 公示 are therefore real.

Per jurisdiction (deterministic: households are picked by a seeded random order, and every household is checked
with the programme's own `assess` on the jurisdiction's own standards before it is used):

- 低保 applications at every step: just submitted, one overdue at 受理, at 入户调查, at 县级审核, on 公示 (shown on
  the public notice page), approved into a Case with Entitlements, and one refused with a written reason (its
  income, as 核对 found it, is above the standard) — the refusal letter is generated on demand;
- 特困, 孤儿 / 事实无人抚养儿童, 残疾人两项补贴 and 支出型临时救助 approved where the population holds a household
  that qualifies and the jurisdiction states the standard (临时救助 needs a per-case floor, stated only by 中山);
  what is skipped, and why, is returned as notes;
- one 急难型临时救助 paid first (先救助后说明) and still flagged;
- department data (人社 wages and pensions) taken in through the 核对 intake, so each 核对报告 lists real figures;
- for the approved cases, one released roster per programme for the previous month, after the 资金监管 rules ran
  (blocking hits are assigned, the line withheld and the hit closed, as the county would).

Dates: open applications run on today's date, so their time limits are the services' own. Approved ones must have
been paid last month, so their steps are dated back through the services' `today=` arguments (approval before last
month began). The one date that cannot be moved is the home visit: the service refuses a visit dated before the
application was entered, and entry is stamped with the real clock — so approved files show today's visit date.

Idempotent: a jurisdiction whose county already has applications is left alone, and each jurisdiction is seeded in
one transaction, so an interrupted run leaves nothing half-done and a rerun adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.assistance import services
from minzheng.assistance.facts import build_facts
from minzheng.assistance.models import Application, ApplicationStatus, Case
from minzheng.assistance.programmes.base import Decision, get_programme
from minzheng.assistance.programmes.common import MONTHLY
from minzheng.core.errors import DomainError
from minzheng.core.money import Mode, round_to
from minzheng.core.pdf import cjk_pdf
from minzheng.core.periods import age_on, next_month_start, previous_month_start
from minzheng.core.scope import can_access_area
from minzheng.payroll import services as payroll
from minzheng.payroll.supervision import open_blocking
from minzheng.policy.rules import resolve
from minzheng.registry.models import Household, Membership, Person, PersonCategory
from minzheng.verification.assess import urban_rural
from minzheng.verification.models import VerificationReport
from minzheng.verification.services import (
    department_batch_push,
    household_income_summary,
    rigid_expense_record,
    verification_run,
)

DEMO_SEED = 2026
S = ApplicationStatus

# Who does what in each jurisdiction (usernames of the demo accounts, setup_demo.ACCOUNTS). 中山 and 东莞 have no
# county level: the city bureau reviews and approves, so their approver holds the county role on the city. 郁南 has
# two town officers: 都城镇 (陈美玲, the original demo account) and 宝珠镇, where its village worker is.
STAFF = {
    "441800": {"village": "qy_village", "town": "qy_qingtang", "county": "qy_yingde", "checker": "qy_checker"},
    "445322": {"village": "yn_village", "town": "yn_baozhu", "town2": "yn_ducheng", "county": "yn_county",
               "checker": "yn_checker"},
    "440704": {"village": "jh_village", "town": "jh_lile", "county": "jh_county", "checker": "jh_checker"},
    "442000": {"village": "zs_village", "town": "zs_xiaolan", "county": "zs_approver", "checker": "zs_checker"},
    "441900": {"village": "dg_village", "town": "dg_humen", "county": "dg_approver", "checker": "dg_checker"},
}

# (programme, variant, stage). Stages: submitted, overdue, investigating, reviewing, publicizing, approved, refused,
# paid_first. Approved slots come first so they take the households the registry already lists (低保, 特困, 孤儿).
SLOTS = [
    ("dibao", "", "approved"),
    ("dibao", "", "approved"),
    ("tekun", "", "approved"),
    ("orphan", "dispersed", "approved"),
    ("de_facto_unsupported", "", "approved"),
    ("disability", "", "approved"),
    ("temporary", "expenditure", "approved"),
    ("dibao", "", "publicizing"),
    ("dibao", "", "reviewing"),
    ("dibao", "", "investigating"),
    ("dibao", "", "submitted"),
    ("dibao", "", "overdue"),
    ("dibao", "", "refused"),
    ("temporary", "emergency", "paid_first"),
]

EVENTS = ["家中突发火灾，房屋及生活用品烧毁", "户主遭遇交通事故住院治疗", "家庭成员突发重病送医抢救",
          "台风暴雨致房屋受损"]
EMPLOYERS = ["本地五金制品厂", "镇农贸市场摊档", "物业管理公司（保洁）", "建筑工地（散工）", "餐饮店（帮工）",
             "农业合作社"]
VISIT_NOTES = ["住房为自建旧房，家中陈设简单，无贵重物品", "租住旧平房，家用电器陈旧", "住房狭小，屋内潮湿，家具简陋"]
SELF_CARE_WEIGHTS = [("full_self_care", 6), ("partial", 3), ("full_dependent", 1)]


class AssistanceDemoError(Exception):
    """A demo prerequisite is missing (accounts, areas), with a Chinese message for the operator."""


@dataclass
class JurisdictionResult:
    code: str
    name: str
    skipped: bool = False
    applications: dict[str, int] = field(default_factory=dict)   # stage → count
    cases: int = 0
    rosters: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.skipped:
            return f"{self.name}：已有救助申请，跳过"
        stages = "、".join(f"{STAGE_LABELS[k]}{v}件" for k, v in self.applications.items())
        text = (f"{self.name}：新增救助申请{sum(self.applications.values())}件（{stages}），救助对象{self.cases}个，"
                f"发放名单{len(self.rosters)}份")
        return text + ("；" + "；".join(self.notes) if self.notes else "")


STAGE_LABELS = {"submitted": "已申请", "overdue": "受理超期", "investigating": "入户调查中", "reviewing": "审核中",
                "publicizing": "公示中", "approved": "已批准", "refused": "不予批准", "paid_first": "先行救助待补手续"}


# --- small helpers --------------------------------------------------------------------------------

# Demo wages are whole tens of 元, as departments report them (demo data, not a payment rule).
WAGE_ROUNDING = {"unit": Decimal(10), "mode": Mode.HALF_UP}


_FILES: dict[str, bytes] = {}


def _authorisation_pdf() -> bytes:
    """A signed-looking 授权书 (one per run, reused for every application)."""
    if "pdf" not in _FILES:
        try:

            pdf = cjk_pdf("家庭经济状况核对授权书")
            pdf.add_page()
            pdf.set_font_size(16)
            pdf.cell(0, 12, "家庭经济状况核对授权书", align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font_size(11)
            pdf.multi_cell(0, 7, "本人及共同生活的家庭成员同意民政部门及其委托的核对机构，向公安、人力资源社会保障、"
                                 "住房城乡建设、自然资源、市场监管、税务、住房公积金、金融机构等单位查询本家庭的"
                                 "收入、财产状况，用于社会救助审核确认。\n\n（演示数据：签字页扫描件示例）")
            _FILES["pdf"] = bytes(pdf.output())
        except DomainError:  # no CJK font on this machine: a minimal valid PDF still passes the upload checks
            _FILES["pdf"] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return _FILES["pdf"]


def _visit_photo() -> bytes:
    """A small real JPEG (a sketch of a room) so the photo opens in the browser."""
    if "jpg" not in _FILES:
        from PIL import Image, ImageDraw

        img = Image.new("RGB", (320, 240), (214, 206, 190))
        d = ImageDraw.Draw(img)
        d.rectangle([0, 170, 320, 240], fill=(150, 120, 90))       # floor
        d.rectangle([30, 60, 120, 150], fill=(120, 160, 200))      # window
        d.rectangle([170, 110, 290, 175], fill=(110, 80, 60))      # table
        d.rectangle([200, 40, 260, 100], outline=(90, 90, 90), width=3)
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=70)
        _FILES["jpg"] = buf.getvalue()
    return _FILES["jpg"]


def _upload_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("家庭经济状况核对授权书.pdf", _authorisation_pdf(), content_type="application/pdf")


def _upload_photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _visit_photo(), content_type="image/jpeg")


# --- candidate households -------------------------------------------------------------------------

@dataclass
class Person_:
    pk: int
    name: str
    id_number: str
    birth: dt.date
    relation: str
    grade: int | None
    categories: set[str]
    account: bool


@dataclass
class Candidate:
    household: Household
    members: list[Person_]
    focus: int  # 0 = the village worker's village, 1 = the town officer's town, 2 = elsewhere in the county
    order: float

    def has(self, category: str) -> bool:
        return any(category in m.categories for m in self.members)

    @property
    def payable(self) -> bool:
        """Every member can be paid: their own bank account, or the head's (社会化发放 falls back to it)."""
        head = self.household.head
        return bool(head and head.bank_account) or all(m.account for m in self.members)


def _candidates(county: Area, users: dict[str, User], rng: random.Random, on: dt.date) -> list[Candidate]:
    households = {h.pk: h for h in Household.objects.filter(area__path__startswith=county.path,
                                                            dissolved_on__isnull=True).select_related("area", "head")}
    members: dict[int, list[Person_]] = {}
    ms = (Membership.objects.filter(household_id__in=households, end_date__isnull=True, start_date__lte=on,
                                    person__death_date__isnull=True)
          .select_related("person").order_by("household_id", "id"))
    people = {}
    for m in ms:
        p = m.person
        people[p.pk] = Person_(p.pk, p.name, p.id_number, p.birth_date, m.relation, p.disability_grade, set(),
                               bool(p.bank_account))
        members.setdefault(m.household_id, []).append(people[p.pk])
    for pid, cat in (PersonCategory.objects.filter(person_id__in=people, valid_from__lte=on)
                     .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).values_list("person_id", "category")):
        people[pid].categories.add(cat)
    out = []
    for pk in sorted(members):  # sorted, then shuffled by the seeded stream: the same order every run
        h = households[pk]
        focus = 0 if can_access_area(users["village"], h.area) else 1 if any(
            can_access_area(users[k], h.area) for k in ("town", "town2") if k in users) else 2
        out.append(Candidate(h, members[pk], focus, rng.random()))
    return out


# --- one jurisdiction -------------------------------------------------------------------------------

class _Seeder:
    def __init__(self, code: str, *, seed: int, today: dt.date):
        self.code = code
        self.today = today
        self.prev = previous_month_start(today)
        # approved files: dated back so that payment starts last month (approval 4 days before it began)
        self.d0 = self.prev - dt.timedelta(days=20)
        self.rng = random.Random(f"assistance-demo:{code}:{seed}")
        self.jurisdiction = Area.objects.current().filter(code=code).first()
        if self.jurisdiction is None:
            raise AssistanceDemoError(f"辖区“{code}”不存在，请先载入行政区划")
        names = STAFF[code]
        found = {u.username: u for u in User.objects.filter(username__in=names.values())}
        missing = [n for n in names.values() if n not in found]
        if missing:
            raise AssistanceDemoError(f"缺少演示账号：{'、'.join(missing)}（请先运行 setup_demo 创建演示账号）")
        self.users = {level: found[name] for level, name in names.items()}
        # the approver's own area: the county whose payroll they run (英德市 for 清远, the city for 中山 / 东莞)
        self.county = Area.objects.filter(
            pk__in=self.users["county"].area_assignments.values("area_id")).order_by("path").first()
        if self.county is None:
            raise AssistanceDemoError(f"演示账号{names['county']}没有管辖区域")
        self.result = JurisdictionResult(code, self.jurisdiction.name)
        self.used: set[int] = set()
        self._standards: dict[tuple[int, dt.date], Decimal] = {}
        self._missing: dict[tuple[str, str], str | None] = {}
        self.wages: dict[int, tuple[Person_, Decimal, str]] = {}
        self.pensions: dict[int, tuple[Person_, Decimal]] = {}

    # actors ------------------------------------------------------------------------------------------
    def submitter(self, area) -> User:
        return next(u for u in (self.users["village"], self.users["town"], self.users.get("town2"),
                                self.users["county"]) if u is not None and can_access_area(u, area))

    def town_actor(self, area) -> User:
        return next(u for u in (self.users["town"], self.users.get("town2"), self.users["county"])
                    if u is not None and can_access_area(u, area))

    def scope(self, area) -> str:

        return str(urban_rural(area))

    def standard(self, area, on: dt.date) -> Decimal:
        key = (area.pk, on)
        if key not in self._standards:
            self._standards[key] = resolve(area, "dibao", scope=self.scope(area), on=on, unit=MONTHLY).value
        return self._standards[key]

    # planning ----------------------------------------------------------------------------------------
    def plan(self, c: Candidate, programme: str, variant: str, stage: str) -> dict | None:
        """Planned figures for the household in this slot, or None when it does not fit."""
        on = self.prev
        if programme in ("orphan", "de_facto_unsupported") and not c.has(programme):
            return None
        if programme == "disability" and not any(m.grade is not None for m in c.members):
            return None
        if programme == "tekun" and len(c.members) != 1:
            return None
        std = self.standard(c.household.area, on)
        working = [m for m in c.members if 18 <= age_on(m.birth, on) < 60]
        elderly = [m for m in c.members if age_on(m.birth, on) >= 60]
        plan = {"wages": {}, "pensions": {}, "rigid": Decimal("0"), "extra": {}, "self_care": {}, "expect": True}
        for m in elderly:
            plan["pensions"][m.pk] = Decimal(self.rng.choice([180, 190, 200, 210]))
        if programme == "dibao" and stage == "refused":
            if not working:
                return None
            total = std * len(c.members) * Decimal("1.6")
            for m in working:
                plan["wages"][m.pk] = round_to(total / len(working), **WAGE_ROUNDING)
            plan["expect"] = False
        elif programme == "dibao":
            if c.has("tekun"):
                return None
            for m in working:
                plan["wages"][m.pk] = round_to(std * Decimal(self.rng.uniform(0.15, 0.45)), **WAGE_ROUNDING)
        elif programme == "tekun":
            if len(c.members) != 1:
                return None
            m = c.members[0]
            plan["extra"] = {"no_capable_supporter": [m.pk]}
            plan["self_care"] = {m.pk: self.rng.choices([k for k, _ in SELF_CARE_WEIGHTS],
                                                        [w for _, w in SELF_CARE_WEIGHTS])[0]}
        elif programme in ("orphan", "de_facto_unsupported"):
            if not c.has(programme):
                return None
        elif programme == "disability":
            if not any(m.grade is not None for m in c.members):
                return None
        elif programme == "temporary" and variant == "expenditure":
            if not working or c.has("tekun"):
                return None
            for m in working:
                plan["wages"][m.pk] = round_to(std * Decimal(self.rng.uniform(0.5, 0.9)), **WAGE_ROUNDING)
            plan["rigid"] = round_to(std * len(c.members) * Decimal("0.8"), **WAGE_ROUNDING)
        elif programme == "temporary":
            plan["extra"] = {"event": self.rng.choice(EVENTS)}
        return plan

    def facts(self, c: Candidate, programme: str, variant: str, plan: dict, *, incomes=None, assets=None,
              rigid=None, on: dt.date | None = None):
        return build_facts(user=self.users["county"], household=c.household, on=on or self.prev,
                           urban_rural=self.scope(c.household.area),
                           incomes=plan["wages"] | plan["pensions"] if incomes is None else incomes,
                           assets=assets or Decimal("0"), rigid_expenses=plan["rigid"] if rigid is None else rigid,
                           self_care=plan["self_care"], variant=variant, extra=plan["extra"])

    def pick(self, pool: list[Candidate], programme: str, variant: str, stage: str) -> tuple[Candidate, dict] | None:
        """The first household in `pool` the programme finds eligible (or, for a refusal, ineligible) with the
        planned figures. Approved ones are paid, so a household with a bank account is preferred; failing that
        one without is taken, and 资金监管 stops its line at payroll (missing_account)."""
        if stage == "approved":
            payable = [c for c in pool if c.payable]
            return self._pick(payable, programme, variant, stage) or self._pick(
                [c for c in pool if not c.payable], programme, variant, stage)
        return self._pick(pool, programme, variant, stage)

    def _pick(self, pool, programme, variant, stage):
        for c in pool:
            if c.household.pk in self.used:
                continue
            plan = self.plan(c, programme, variant, stage)
            if plan is None:
                continue
            if programme == "temporary" and variant == "emergency":
                return c, plan  # not income-tested
            try:
                decision = get_programme(programme).assess(self.facts(c, programme, variant, plan))
            except DomainError:
                continue
            if decision.eligible == plan["expect"]:
                return c, plan
        return None

    def missing_standard(self, programme: str, variant: str) -> str | None:
        """The standard a programme cannot do without here, when the jurisdiction does not state it."""
        if (programme, variant) not in self._missing:
            self._missing[(programme, variant)] = self._missing_standard(programme)
        return self._missing[(programme, variant)]

    def _missing_standard(self, programme: str) -> str | None:
        kinds = {"temporary": [("temp_assistance_floor", "town_level", "临时救助每人次最低标准")],
                 "orphan": [("orphan_dispersed", "", "分散供养孤儿基本生活保障标准")],
                 "de_facto_unsupported": [("de_facto_unsupported", "", "事实无人抚养儿童基本生活保障标准")],
                 "disability": [("disability_living", "", "困难残疾人生活补贴标准"),
                                ("disability_care", "", "重度残疾人护理补贴标准")]}.get(programme, [])
        for kind, v, label in kinds:
            try:
                resolve(self.county, kind, scope="rural", variant=v, on=self.prev, unit=MONTHLY
                        if kind != "temp_assistance_floor" else None)
            except DomainError:
                return label
        return None

    # the run -----------------------------------------------------------------------------------------
    def run(self) -> JurisdictionResult:
        pool = _candidates(self.county, self.users, self.rng, self.prev)
        chosen: list[tuple[str, str, str, Candidate, dict]] = []
        for programme, variant, stage in SLOTS:
            label = get_programme(programme).label + (f"（{'急难型' if variant == 'emergency' else '支出型'}）"
                                                      if programme == "temporary" else "")
            missing = self.missing_standard(programme, variant) if variant != "emergency" else None
            if missing:
                self.note(f"{label}：本辖区未载明{missing}，不生成")
                continue
            if stage == "approved" and programme != "dibao":
                category = {"tekun": "tekun", "orphan": "orphan", "de_facto_unsupported": "de_facto_unsupported",
                            "disability": "disabled"}.get(programme)
                ordered = sorted(pool, key=lambda c: (not (category and c.has(category)), c.focus, c.order))
            elif stage == "approved":
                ordered = sorted(pool, key=lambda c: (not c.has("dibao"), c.focus, c.order))
            else:
                ordered = sorted(pool, key=lambda c: (c.has("dibao") or c.has("tekun"), c.focus, c.order))
            got = self.pick(ordered, programme, variant, stage)
            if got is None:
                self.note(f"{label}：演示人口中没有符合条件的家庭，不生成")
                continue
            c, plan = got
            self.used.add(c.household.pk)
            chosen.append((programme, variant, stage, c, plan))
            for pid, amount in plan["wages"].items():
                self.wages[pid] = (self.person(c, pid), amount, self.rng.choice(EMPLOYERS))
            for pid, amount in plan["pensions"].items():
                self.pensions[pid] = (self.person(c, pid), amount)
        self.take_in_department_data()
        for programme, variant, stage, c, plan in chosen:
            self.walk(programme, variant, stage, c, plan)
        self.payroll()
        return self.result

    def note(self, text: str) -> None:
        if text not in self.result.notes:
            self.result.notes.append(text)

    @staticmethod
    def person(c: Candidate, pid: int) -> Person_:
        return next(m for m in c.members if m.pk == pid)

    # 核对 data ----------------------------------------------------------------------------------------
    def take_in_department_data(self) -> None:

        as_of = self.d0 - dt.timedelta(days=1)
        county = self.users["county"]
        if self.wages:
            department_batch_push(actor=county, source="hrss_wage", as_of=as_of, provider="人社局就业科（演示）",
                                  period=f"{as_of:%Y年%m月}",
                                  records=[{"身份证号": p.id_number, "姓名": p.name, "工作单位": employer,
                                            "月应发工资(元)": str(amount)}
                                           for p, amount, employer in self.wages.values()])
        if self.pensions:
            department_batch_push(actor=county, source="hrss_pension", as_of=as_of, provider="社保经办机构（演示）",
                                  period=f"{as_of:%Y年%m月}",
                                  records=[{"身份证号": p.id_number, "姓名": p.name,
                                            "养老金项目": "城乡居民基本养老保险基础养老金",
                                            "月发放金额(元)": str(amount), "发放机构": "社保经办机构"}
                                           for p, amount in self.pensions.values()])

    # the workflow --------------------------------------------------------------------------------------
    def walk(self, programme: str, variant: str, stage: str, c: Candidate, plan: dict) -> None:
        h = c.household
        area = h.area
        backdated = stage == "approved"

        def day(k: int) -> dt.date:
            return self.d0 + dt.timedelta(days=k) if backdated else self.today

        town, county = self.town_actor(area), self.users["county"]
        applicant = self.applicant(programme, c)
        submit_day = self.today - dt.timedelta(days=14) if stage == "overdue" else day(0)
        app = services.application_submit(
            actor=self.submitter(area), programme=programme, variant=variant, applicant=applicant, household=h,
            authorisation=_upload_pdf(), today=submit_day,
            requested_amount=Decimal("800") if stage == "paid_first" else None,
            note=f"{self.submitter(area).display_name}入户了解情况后代为申请")
        if stage != "approved":
            self.count(stage)  # an approved slot is counted when the approval (or a refusal) is made
        if stage in ("submitted", "overdue"):
            return
        services.application_accept(actor=town, application=app, note="材料齐全，予以受理", today=day(1))
        if stage == "paid_first":
            services.application_pay_first(actor=town, application=app, amount=Decimal("800"),
                                           reason=plan["extra"]["event"] + "，基本生活陷入困境，先行发放救助金",
                                           today=self.today)
            return
        self.declare_rigid(app, town, day(1), plan["rigid"])
        record = services.application_start_verification(actor=town, application=app, today=day(1))
        if record.report_ref:  # the household had department data: 核对 ran when it was started

            report = VerificationReport.objects.get(number=record.report_ref)
        else:  # no department records: the town runs 核对 itself and enters the result
            report = self.verify(app, town, day(2))
            services.application_record_verification(
                actor=town, application=app,
                outcome={"meets": "pass", "no_data": "review"}.get(report.conclusion, "fail"),
                summary=report.conclusion_text, per_capita_income=max(report.per_capita_income, Decimal("0"))
                .quantize(Decimal("0.01")), assets=report.money_assets, report_ref=report.number, today=day(2))
        if stage == "investigating":
            return
        officer_names = f"{town.display_name}、{self.submitter(area).display_name}"
        if officer_names.split("、")[0] == officer_names.split("、")[1]:
            officer_names = f"{town.display_name}、社工站社工"
        # the service refuses a visit dated before the application was entered (stamped by the real clock)
        visit = max(self.today, timezone.localtime(app.created_at).date())
        services.investigation_record(
            actor=town, application=app, visit_date=visit, today=visit, visitors=officer_names,
            findings=f"{h.head.name if h.head_id else applicant.name}家共{len(c.members)}人。"
                     f"{self.rng.choice(VISIT_NOTES)}；家庭收入情况与核对结果基本一致。",
            conclusion="eligible" if plan["expect"] else "ineligible", photos=[_upload_photo("入户调查-住房.jpg")])
        services.application_submit_review(
            actor=town, application=app, today=day(6),
            opinion=("经入户调查，情况属实，同意上报" if plan["expect"]
                     else "核对显示家庭人均收入高于低保标准，请县级审核"))
        if stage == "reviewing":
            return
        if stage == "refused":
            pc = report.per_capita_income.quantize(Decimal("0.01"))
            services.application_refuse(
                actor=county, application=app, today=self.today,
                reason=f"经家庭经济状况核对（报告编号{report.number}），家庭月人均收入{pc}元，不低于当地低保标准"
                       f"{report.standard.normalize():f}元，不符合最低生活保障条件")
            return
        app.refresh_from_db()
        review = app.reviews.order_by("-id").first()
        if review.revisit_required:
            services.investigation_record(
                actor=county, application=app, visit_date=visit, today=visit,
                visitors=f"{county.display_name}、{town.display_name}", findings="县级入户抽查，与镇街调查情况一致",
                conclusion="eligible")
        publicity = services.application_review(actor=county, application=app, opinion="审核通过，予以公示",
                                                full_review=review.full_review_required, today=day(8))
        if stage == "publicizing":
            return
        services.application_close_publicity(actor=county, application=app,
                                             today=publicity.end_date + dt.timedelta(days=1))
        approve_day = day(16)
        start = next_month_start(approve_day)
        summary = household_income_summary(h, day(2))
        facts = self.facts(c, programme, variant, plan, incomes=summary.member_incomes, assets=summary.assets,
                           rigid=summary.rigid_expenses, on=start)
        decision: Decision = get_programme(programme).assess(facts)
        if not decision.eligible:  # what 核对 found differs from the plan: refuse with the programme's own reasons
            services.application_refuse(actor=county, application=app, today=approve_day,
                                        reason="经测算不符合条件：" + "；".join(decision.reasons))
            self.count("refused")
            return
        services.application_approve(actor=county, application=app, facts=facts, today=approve_day,
                                     opinion="公示期满无异议，予以批准")
        self.count("approved")
        self.result.cases += 1

    @staticmethod
    def applicant(programme: str, c: Candidate) -> Person:
        """The disabled person for 两项补贴; otherwise the head (the guardian, for a child's allowance)."""
        if programme == "disability":
            return Person.objects.get(pk=next(m.pk for m in c.members if m.grade is not None))
        head = c.household.head
        if head is not None and any(m.pk == head.pk for m in c.members):
            return head
        return Person.objects.get(pk=c.members[0].pk)

    @staticmethod
    def declare_rigid(app: Application, town: User, on: dt.date, rigid: Decimal) -> None:
        """The declared 刚性支出 (支出型), recorded before 核对 starts so the report counts them."""

        if rigid:
            rigid_expense_record(actor=town, household=app.household, category="medical", amount=rigid,
                                 period="monthly", valid_from=on - dt.timedelta(days=30),
                                 valid_to=on + dt.timedelta(days=150),
                                 evidence="住院医疗费用票据（医保结算后自付部分）")

    @staticmethod
    def verify(app: Application, town: User, on: dt.date):
        """核对 by the town over the departments' data (none found for this household)."""

        return verification_run(actor=town, household=app.household, on=on, application=app)

    def count(self, stage: str, n: int = 1) -> None:
        self.result.applications[stage] = self.result.applications.get(stage, 0) + n

    # payroll -------------------------------------------------------------------------------------------
    def payroll(self) -> None:

        # Two people on money: the county officer prepares and disposes, the checker closes and releases.
        county, checker = self.users["county"], self.users["checker"]
        programmes = sorted(set(Case.objects.filter(area__path__startswith=self.county.path,
                                                    start_month__lte=self.prev).values_list("programme", flat=True)))
        for programme in programmes:
            try:
                roster = payroll.roster_generate(actor=county, programme=programme, area=self.county, month=self.prev)
                payroll.roster_check(actor=county, roster=roster)

                for anomaly in open_blocking(roster).order_by("id"):
                    payroll.anomaly_assign(actor=county, anomaly=anomaly, assignee=county)
                    payroll.anomaly_dispose(actor=county, anomaly=anomaly, withhold_line=True,
                                            disposition="经核查暂停本笔发放，待补正信息后下月补发")
                    payroll.anomaly_close(actor=checker, anomaly=anomaly)
                roster = payroll.roster_release(actor=checker, roster=roster)
                self.result.rosters.append(str(roster))
            except DomainError as e:
                self.note(f"{get_programme(programme).label}{self.prev:%Y年%m月}发放名单未能发布：{e}")


# --- entry point ---------------------------------------------------------------------------------------

def seed_assistance_demo(*, jurisdictions=None, seed: int = DEMO_SEED, today: dt.date | None = None
                         ) -> list[JurisdictionResult]:
    """Seed the demo 大救助 work for each jurisdiction (default: the five); a jurisdiction whose approver's county
    already holds applications is skipped, so a rerun adds nothing."""
    today = today or timezone.localdate()
    out = []
    for code in jurisdictions or list(STAFF):
        seeder = _Seeder(code, seed=seed, today=today)
        if Application.objects.filter(area__path__startswith=seeder.county.path).exists():
            out.append(JurisdictionResult(code, seeder.jurisdiction.name, skipped=True))
            continue
        with transaction.atomic():
            out.append(seeder.run())
    return out
