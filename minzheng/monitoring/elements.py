"""Data elements: the counts and sums indicators are built from, each one query grouped by the area where the
record lives (a village, or a town for town-level records). Sums over the area tree happen afterwards, so an
indicator is always a ratio of sums, never an average of ratios.

Non-additive elements — policy standards ("std:dibao:urban") and their yearly growth ("growth:dibao:urban") —
are resolved per area through policy.rules, not summed.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum

from minzheng.areas.models import Area, Level
from minzheng.assistance.models import Case, Entitlement
from minzheng.carefacility.models import BED_KINDS, INSTITUTION_KINDS, Bed, Facility, Kind, Retrofit, Training
from minzheng.charity.models import DemoSite as CharityDemoSite
from minzheng.charity.models import Space as CharitySpace
from minzheng.charity.models import Trust as CharityTrust
from minzheng.children import selectors as children
from minzheng.children.models import Appointment, CaseEvent, ChildCase, EventKind, Org, OrgKind, Post, Report
from minzheng.community.models import CommunityWorker
from minzheng.core.errors import DomainError
from minzheng.core.periods import born_on_or_before, month_start
from minzheng.eldercare.models import VisitDue
from minzheng.eldercare.selectors import elderly_from
from minzheng.funeral.models import Cremation, DeathRecord, EcoBurial
from minzheng.funeral.models import Facility as FuneralFacility
from minzheng.lottery.models import Allocation as LotteryAllocation
from minzheng.lottery.models import Outlet as LotteryOutlet
from minzheng.marriage.models import Registration
from minzheng.placenames.models import NamingApplication
from minzheng.policy.models import KINDS
from minzheng.policy.rules import resolve
from minzheng.registry.models import Membership, Person, PersonCategory
from minzheng.rehab.models import Centre as RehabCentre
from minzheng.socialorgs.models import AnnualReport, Form, SocialOrg
from minzheng.socialwork.models import ServicePoint as SWPoint
from minzheng.socialwork.models import ServiceRecord as SWRecord
from minzheng.socialwork.models import Station
from minzheng.socialwork.selectors import in_target_group
from minzheng.timebank.models import Volunteer as TBVolunteer
from minzheng.vagrancy import selectors as vagrancy
from minzheng.vagrancy.models import Stay as VagrancyStay
from minzheng.volunteers.models import Point as VolPoint


@dataclass(frozen=True)
class Element:
    name: str
    label: str
    unit: str
    # (as_of, year) → a queryset of rows {"area": id, "v": number}, and the field holding the area (to refresh
    # only some areas)
    query: Callable[[dt.date, int], QuerySet]
    area_field: str


ELEMENTS: dict[str, Element] = {}


def element(name: str, label: str, unit: str, area_field: str):
    def wrap(fn):
        ELEMENTS[name] = Element(name, label, unit, fn, area_field)
        return fn
    return wrap


def _entitlements(programme: str, on: dt.date, component: str | None = None):

    m = month_start(on)
    qs = Entitlement.objects.filter(case__programme=programme, from_month__lte=m).filter(
        Q(to_month__isnull=True) | Q(to_month__gt=m))
    return qs.filter(component=component) if component else qs


def _by_case_area(qs, value) -> QuerySet:
    return qs.values(area=F("case__area_id")).annotate(v=value).values("area", "v")


@element("dibao_households", "在保低保家庭数", "户", "case__area_id")
def _dibao_households(on, year):
    return _by_case_area(_entitlements("dibao", on), Count("case_id", distinct=True))


@element("dibao_persons", "在保低保人数", "人", "case__area_id")
def _dibao_persons(on, year):
    return _by_case_area(_entitlements("dibao", on), Count("person_id", distinct=True))


@element("tekun_persons", "在保特困人员数", "人", "case__area_id")
def _tekun_persons(on, year):
    return _by_case_area(_entitlements("tekun", on, "basic"), Count("person_id", distinct=True))


@element("orphan_persons", "领取基本生活费的孤儿数", "人", "case__area_id")
def _orphans(on, year):
    return _by_case_area(_entitlements("orphan", on), Count("person_id", distinct=True))


@element("de_facto_unsupported_persons", "领取基本生活费的事实无人抚养儿童数", "人", "case__area_id")
def _de_facto(on, year):
    return _by_case_area(_entitlements("de_facto_unsupported", on), Count("person_id", distinct=True))


@element("low_income_households", "认定在册的低收入家庭数", "户", "area_id")
def _low_income(on, year):

    m = month_start(on)
    qs = Case.objects.filter(programme="low_income", start_month__lte=m).filter(
        Q(end_month__isnull=True) | Q(end_month__gte=m))
    return qs.values("area").annotate(v=Count("id")).values("area", "v")


def _temporary_in_year(year):

    return Entitlement.objects.filter(case__programme="temporary", from_month__year=year)


@element("temporary_person_times", "临时救助人次（年内）", "人次", "case__area_id")
def _temporary_times(on, year):
    return _by_case_area(_temporary_in_year(year).filter(from_month__lte=on), Count("id"))


@element("temporary_amount", "临时救助支出（年内）", "元", "case__area_id")
def _temporary_amount(on, year):
    return _by_case_area(_temporary_in_year(year).filter(from_month__lte=on), Sum("monthly_amount"))


def _alive(on):
    return Q(death_date__isnull=True) | Q(death_date__gt=on)


def _poor_household_member(on):
    """The person lives in a household one of whose living members is 低保 or 低收入 on `on` — the programme's
    own test for 困难残疾人生活补贴 (assistance/programmes/disability.py)."""

    current = Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gt=on))
    poor_member = Membership.objects.filter(current, household_id=OuterRef("household_id")).filter(
        Exists(PersonCategory.objects.filter(
            person_id=OuterRef("person_id"), category__in=("dibao", "low_income"), valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on))))
    mine = Membership.objects.filter(current, person_id=OuterRef("pk")).filter(Exists(poor_member))
    return Exists(mine)


def _persons(on):

    return Person.objects.filter(_alive(on), birth_date__lte=on)


def _by_residence(qs, value=None) -> QuerySet:
    return qs.values(area=F("residence_area_id")).annotate(v=value or Count("id")).values("area", "v")


@element("disabled_poor", "困难残疾人数（低保、低收入家庭中的持证残疾人）", "人", "residence_area_id")
def _disabled_poor(on, year):
    return _by_residence(_persons(on).filter(disability_grade__isnull=False).filter(_poor_household_member(on)))


@element("disabled_living_recipients", "享受困难残疾人生活补贴人数", "人", "case__area_id")
def _living_recipients(on, year):
    return _by_case_area(_entitlements("disability", on, "living"), Count("person_id", distinct=True))


@element("disabled_severe", "重度残疾人数（持证一、二级）", "人", "residence_area_id")
def _disabled_severe(on, year):

    province = Area.objects.filter(level=Level.PROVINCE).first()
    grade = int(resolve(province, "severe_disability_grade", on=on).value)
    return _by_residence(_persons(on).filter(disability_grade__isnull=False, disability_grade__lte=grade))


@element("disabled_care_recipients", "享受重度残疾人护理补贴人数", "人", "case__area_id")
def _care_recipients(on, year):
    return _by_case_area(_entitlements("disability", on, "care_subsidy"), Count("person_id", distinct=True))


@element("residents", "登记人口数", "人", "residence_area_id")
def _residents(on, year):
    return _by_residence(_persons(on))


@element("elderly_60", "60周岁及以上老年人数", "人", "residence_area_id")
def _elderly(on, year):
    # the age that makes an elder is eldercare's data (data/eldercare), not a number here
    return _by_residence(_persons(on).filter(birth_date__lte=born_on_or_before(on, elderly_from(on))))


def _visit_dues(on, year):

    return VisitDue.objects.filter(month__year=year, month__lte=on)


@element("elderly_visits_due", "特殊困难老年人应探访人月数（年内）", "人月", "area_id")
def _visits_due(on, year):
    return _visit_dues(on, year).values("area").annotate(v=Count("id")).values("area", "v")


@element("elderly_visits_done", "特殊困难老年人已探访人月数（年内，计入探访率的方式）", "人月", "area_id")
def _visits_done(on, year):
    # eldercare links a due month to a visit only when the visit's mode counts (data/eldercare)
    return _visit_dues(on, year).filter(visit__isnull=False).values("area").annotate(v=Count("id")).values("area", "v")


def _areas_at(level, on):
    return Area.objects.current(on).filter(level=level)


@element("villages", "村（居）数", "个", "id")
def _villages(on, year):
    return _areas_at(Level.VILLAGE, on).values(area=F("id")).annotate(v=Count("id")).values("area", "v")


@element("towns", "乡镇（街道）数", "个", "id")
def _towns(on, year):
    return _areas_at(Level.TOWN, on).values(area=F("id")).annotate(v=Count("id")).values("area", "v")


# --- 养老服务设施 (carefacility): counted where the facility is filed (a town or a village) ----------------

def _facilities_open(on):

    return Facility.objects.filter(registered_on__lte=on).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))


def _beds_in_service(on, kinds):

    return Bed.objects.filter(facility__kind__in=kinds, opened_on__lte=on,
                              facility__registered_on__lte=on).filter(Q(retired_on__isnull=True) | Q(retired_on__gt=on))


def _by_facility_area(qs) -> QuerySet:
    return qs.values(area=F("facility__area_id")).annotate(v=Count("id")).values("area", "v")


@element("beds_total", "养老机构床位数", "张", "facility__area_id")
def _beds_total(on, year):

    return _by_facility_area(_beds_in_service(on, INSTITUTION_KINDS))


@element("beds_nursing", "养老机构护理型床位数", "张", "facility__area_id")
def _beds_nursing(on, year):

    return _by_facility_area(_beds_in_service(on, INSTITUTION_KINDS).filter(nursing=True))


@element("beds_all", "养老床位数（机构与社区）", "张", "facility__area_id")
def _beds_all(on, year):

    return _by_facility_area(_beds_in_service(on, BED_KINDS))


def _areas_having(level, on, has):
    """Areas of a level that have what `has` (a subquery correlated on the area's pk) finds: one each."""
    return _areas_at(level, on).filter(Exists(has)).values(area=F("id")).annotate(v=Count("id")).values("area", "v")


def _areas_with(level, kind, on):
    has = _facilities_open(on).filter(kind=kind, area_id=OuterRef("pk"))
    return _areas_having(level, on, has)


@element("towns_with_elderly_centre", "建有综合养老服务中心的乡镇（街道）数", "个", "id")
def _towns_with_centre(on, year):

    return _areas_with(Level.TOWN, Kind.TOWN_CENTRE, on)


@element("villages_with_elderly_station", "建有养老服务站的村（居）数", "个", "id")
def _villages_with_station(on, year):

    return _areas_with(Level.VILLAGE, Kind.VILLAGE_STATION, on)


@element("elderly_institutions", "养老机构数", "家", "area_id")
def _institutions(on, year):

    return _facilities_open(on).filter(kind__in=INSTITUTION_KINDS).values("area").annotate(
        v=Count("id")).values("area", "v")


@element("medical_integrated_institutions", "医养结合型养老机构数", "家", "area_id")
def _medical_institutions(on, year):

    return _facilities_open(on).filter(kind__in=INSTITUTION_KINDS, medical_integration=True).values(
        "area").annotate(v=Count("id")).values("area", "v")


@element("retrofits_accepted", "完成适老化改造户数（2021年起累计）", "户", "area_id")
def _retrofits(on, year):

    # the plans count the 十四五 period's homes, so from 2021-01-01 up to the as-of date
    return Retrofit.objects.filter(status=Retrofit.Status.ACCEPTED, accepted_on__gte=dt.date(2021, 1, 1),
                                   accepted_on__lte=on).values("area").annotate(
        v=Count("person_id", distinct=True)).values("area", "v")


@element("elderly_care_trainees", "养老服务人员培训人次（年内）", "人次", "area_id")
def _trainees(on, year):

    return Training.objects.filter(held_on__year=year, held_on__lte=on).values("area").annotate(
        v=Sum("trainees")).values("area", "v")


# --- 大社会治理 (socialorgs, socialwork, volunteers, community) ----------------------------------------------

def _orgs_active(on):

    return (SocialOrg.objects.exclude(form=Form.COMMUNITY).filter(established_on__lte=on)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on)))


@element("social_orgs", "登记的社会组织数（不含备案的社区社会组织）", "家", "area_id")
def _social_orgs(on, year):
    return _orgs_active(on).values("area").annotate(v=Count("id")).values("area", "v")


@element("hub_orgs", "枢纽型社会组织数", "家", "area_id")
def _hub_orgs(on, year):
    return _orgs_active(on).filter(is_hub=True).values("area").annotate(v=Count("id")).values("area", "v")


def _orgs_due_report(year):

    # organisations that existed all year and were not wound up during it report for it
    return (SocialOrg.objects.exclude(form=Form.COMMUNITY).filter(established_on__lt=dt.date(year, 1, 1))
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=dt.date(year, 12, 31))))


@element("orgs_due_annual_report", "应报送上年度工作报告的社会组织数", "家", "area_id")
def _orgs_due(on, year):
    return _orgs_due_report(year - 1).values("area").annotate(v=Count("id")).values("area", "v")


@element("orgs_filed_annual_report", "已报送上年度工作报告的社会组织数（截至统计日）", "家", "area_id")
def _orgs_filed(on, year):
    filed = AnnualReport.objects.filter(org=OuterRef("pk"), year=year - 1, submitted_on__lte=on)
    return _orgs_due_report(year - 1).filter(Exists(filed)).values("area").annotate(v=Count("id")).values("area", "v")


@element("towns_with_sw_station", "建有社工站的乡镇（街道）数", "个", "id")
def _towns_with_sw(on, year):
    has = Station.objects.filter(town_id=OuterRef("pk"), opened_on__lte=on)
    return _areas_having(Level.TOWN, on, has)


@element("villages_with_sw_point", "设有社工服务点的村（居）数", "个", "id")
def _villages_with_sw_point(on, year):
    has = SWPoint.objects.filter(area_id=OuterRef("pk"), opened_on__lte=on)
    return _areas_having(Level.VILLAGE, on, has)


def _sw_targets(on):

    return _persons(on).filter(in_target_group(on))


@element("sw_target_persons", "社工站服务对象数（低保、特困、困境儿童、特殊困难老年人）", "人", "residence_area_id")
def _sw_target_persons(on, year):
    return _by_residence(_sw_targets(on))


@element("sw_target_served", "年内接受社工站服务的服务对象数", "人", "residence_area_id")
def _sw_target_served(on, year):
    served = SWRecord.objects.filter(person=OuterRef("pk"), served_on__gte=dt.date(on.year, 1, 1),
                                     served_on__lte=on)
    return _by_residence(_sw_targets(on).filter(Exists(served)))


@element("registered_volunteers", "注册志愿者数", "人", "area_id")
def _volunteers(on, year):
    return TBVolunteer.objects.filter(registered_at__date__lte=on).values("area").annotate(v=Count("id")).values(
        "area", "v")


@element("villages_with_volunteer_point", "设有志愿服务站点的村（居）数", "个", "id")
def _villages_with_point(on, year):
    has = VolPoint.objects.filter(area_id=OuterRef("pk"), host=VolPoint.Host.COMMUNITY_CENTRE, opened_on__lte=on)
    return _areas_having(Level.VILLAGE, on, has)


@element("community_workers", "在岗社区工作者数", "人", "area_id")
def _community_workers(on, year):
    return CommunityWorker.objects.filter(since__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on)).values(
        "area").annotate(v=Count("id")).values("area", "v")


# --- 大儿童保障 (children): the network where it is appointed or filed, children where they live -----------------

def _posts(on, post, **extra):
    return Appointment.objects.filter(children.in_force_q(on), post=post, **extra)


def _areas_with_post(level, post, on):
    has = _posts(on, post).filter(area_id=OuterRef("pk"))
    return _areas_having(level, on, has)


@element("villages_with_child_director", "配备儿童主任的村（居）数", "个", "id")
def _villages_with_director(on, year):
    return _areas_with_post(Level.VILLAGE, Post.DIRECTOR, on)


@element("towns_with_child_supervisor", "配备儿童督导员的乡镇（街道）数", "个", "id")
def _towns_with_supervisor(on, year):
    return _areas_with_post(Level.TOWN, Post.SUPERVISOR, on)


def _directors(on):
    return _posts(on, Post.DIRECTOR)


@element("child_directors", "在岗儿童主任数", "人", "area_id")
def _child_directors(on, year):
    return _directors(on).values("area").annotate(v=Count("id")).values("area", "v")


@element("child_directors_trained", "参加过培训的在岗儿童主任数", "人", "area_id")
def _child_directors_trained(on, year):
    return _directors(on).filter(trainings__held_on__lte=on).values("area").annotate(
        v=Count("id", distinct=True)).values("area", "v")


def _welfare_home_staff(on):
    return _posts(on, Post.CENTRE, org__kind=OrgKind.WELFARE_HOME)


@element("child_welfare_staff", "儿童福利机构在岗工作人员数", "人", "area_id")
def _welfare_staff(on, year):
    return _welfare_home_staff(on).values("area").annotate(v=Count("id")).values("area", "v")


@element("child_welfare_staff_trained", "参加过培训的儿童福利机构工作人员数", "人", "area_id")
def _welfare_staff_trained(on, year):
    return _welfare_home_staff(on).filter(trainings__held_on__lte=on).values("area").annotate(
        v=Count("id", distinct=True)).values("area", "v")


def _areas_with_org(level, kind, on):
    has = Org.objects.filter(kind=kind, opened_on__lte=on, area_id=OuterRef("pk")).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on))
    return _areas_having(level, on, has)


@element("towns_with_minor_station", "建有未成年人保护工作站的乡镇（街道）数", "个", "id")
def _towns_with_station(on, year):
    return _areas_with_org(Level.TOWN, OrgKind.STATION, on)


@element("counties_with_minor_centre", "设有未成年人救助保护机构的县（区）数", "个", "id")
def _counties_with_centre(on, year):
    return _areas_with_org(Level.COUNTY, OrgKind.CENTRE, on)


@element("cities_with_minor_centre", "设有未成年人救助保护机构的市数", "个", "id")
def _cities_with_centre(on, year):
    return _areas_with_org(Level.CITY, OrgKind.CENTRE, on)


@element("counties", "县（区）数", "个", "id")
def _counties(on, year):
    return _areas_at(Level.COUNTY, on).values(area=F("id")).annotate(v=Count("id")).values("area", "v")


@element("cities", "市数", "个", "id")
def _cities(on, year):
    return _areas_at(Level.CITY, on).values(area=F("id")).annotate(v=Count("id")).values("area", "v")


@element("de_facto_unsupported_children", "认定的事实无人抚养儿童数", "人", "residence_area_id")
def _de_facto_children(on, year):
    qs = children.children_base(on).filter(Exists(PersonCategory.objects.filter(
        person=OuterRef("pk"), category="de_facto_unsupported", valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on))))
    return _by_residence(qs)


@element("children_to_visit", "须定期走访的儿童数", "人", "residence_area_id")
def _children_to_visit(on, year):
    return _by_residence(children.visit_children(children.children_base(on), on))


@element("children_visited", "在走访周期内已走访的儿童数", "人", "residence_area_id")
def _children_visited(on, year):
    return _by_residence(children.visit_children(children.children_base(on), on).filter(
        last_visit__gte=F("cutoff")))


@element("child_cases_open", "未结案的儿童保护个案数", "件", "area_id")
def _cases_open(on, year):
    last = CaseEvent.objects.filter(case=OuterRef("pk"), kind__in=(EventKind.CLOSE, EventKind.REOPEN),
                                    happened_on__lte=on).order_by("-happened_on", "-id").values("kind")[:1]
    return ChildCase.objects.filter(opened_on__lte=on).annotate(last=Subquery(last)).filter(
        Q(last__isnull=True) | Q(last=EventKind.REOPEN)).values("area").annotate(v=Count("id")).values("area", "v")


@element("child_reports", "接收强制报告数（年内，重复报告不计）", "件", "area_id")
def _child_reports(on, year):
    return Report.objects.filter(received_on__year=year, received_on__lte=on, duplicate_of__isnull=True).values(
        "area").annotate(v=Count("id")).values("area", "v")


# --- 社会事务 (funeral, marriage, placenames): counted where the record lives ---------------------------------

@element("deaths_recorded", "死亡登记人数（年内）", "人", "area_id")
def _deaths(on, year):
    return DeathRecord.objects.filter(death_date__year=year, death_date__lte=on).values("area").annotate(
        v=Count("id")).values("area", "v")


@element("eco_burials", "节地生态安葬人数（年内，海葬、树葬、草坪葬、骨灰堂）", "人", "record__area_id")
def _eco_burials(on, year):
    return EcoBurial.objects.filter(buried_on__year=year, buried_on__lte=on).values(
        area=F("record__area_id")).annotate(v=Count("id")).values("area", "v")


@element("cremations", "火化人数（年内）", "人", "record__area_id")
def _cremations(on, year):
    return Cremation.objects.filter(cremated_on__year=year, cremated_on__lte=on).values(
        area=F("record__area_id")).annotate(v=Count("id")).values("area", "v")


@element("towns_with_public_ash_facility", "建有公益性骨灰安葬（放）设施的乡镇（街道）数", "个", "id")
def _towns_with_ash_facility(on, year):
    # a facility filed at the town or at one of its villages counts for the town
    kinds = [FuneralFacility.Kind.ASH_FACILITY, FuneralFacility.Kind.PUBLIC_CEMETERY]
    has = FuneralFacility.objects.filter(kind__in=kinds, area__path__startswith=OuterRef("path"))
    return _areas_having(Level.TOWN, on, has)


@element("marriage_registrations", "结婚登记对数（年内）", "对", "office__area_id")
def _marriages(on, year):
    return Registration.objects.filter(kind="marriage", registered_on__year=year, registered_on__lte=on).values(
        area=F("office__area_id")).annotate(v=Count("id")).values("area", "v")


@element("divorce_registrations", "离婚登记对数（年内）", "对", "office__area_id")
def _divorces(on, year):
    return Registration.objects.filter(kind="divorce", registered_on__year=year, registered_on__lte=on).values(
        area=F("office__area_id")).annotate(v=Count("id")).values("area", "v")


@element("place_name_approvals", "地名命名、更名批准件数（年内）", "件", "area_id")
def _place_names(on, year):
    return NamingApplication.objects.filter(status="approved", decided_on__year=year, decided_on__lte=on).values(
        "area").annotate(v=Count("id")).values("area", "v")


@element("towns_with_kangyuan_centre", "建有社区康园中心的乡镇（街道）数", "个", "id")
def _towns_with_kangyuan(on, year):
    # a centre filed at the town or at one of its villages counts for the town
    has = RehabCentre.objects.filter(kind=RehabCentre.Kind.KANGYUAN, opened_on__lte=on,
                                     area__path__startswith=OuterRef("path")).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on))
    return _areas_having(Level.TOWN, on, has)


@element("kangyuan_centres", "社区康园中心数", "个", "area_id")
def _kangyuan_centres(on, year):
    return RehabCentre.objects.filter(kind=RehabCentre.Kind.KANGYUAN, opened_on__lte=on).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on)).values("area").annotate(v=Count("id")).values("area", "v")


# --- non-additive: policy standards -------------------------------------------------------------

POLICY_PREFIXES = ("std", "growth")


def is_policy(name: str) -> bool:
    return name.split(":", 1)[0] in POLICY_PREFIXES


def check_name(name: str, *, field: str = "数据元素") -> None:
    """A formula may only name elements that exist; a policy reference must name a known standard kind."""

    if is_policy(name):
        parts = name.split(":")
        if len(parts) < 2 or parts[1] not in KINDS:
            raise DomainError(f"{field}“{name}”引用的政策标准类别不存在", field=field, code="unknown_element")
        return
    if name not in ELEMENTS:
        raise DomainError(f"{field}“{name}”不存在：可用的数据元素有{('、'.join(sorted(ELEMENTS)))}",
                          field=field, code="unknown_element")


@element("charity_trusts_filed", "备案的慈善信托数", "个", "area_id")
def _charity_trusts(on, year):
    return CharityTrust.objects.filter(filed_on__lte=on).values("area").annotate(v=Count("id")).values("area", "v")


@element("charity_spaces_open", "启用的慈善空间和慈善超市数", "个", "area_id")
def _charity_spaces(on, year):
    return CharitySpace.objects.filter(opened_on__lte=on).values("area").annotate(v=Count("id")).values("area", "v")


def _demo_sites(kind: str, on: dt.date) -> QuerySet:
    return (CharityDemoSite.objects.filter(kind=kind, designated_on__lte=on)
            .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
            .values("area").annotate(v=Count("id")).values("area", "v"))


@element("charity_demo_communities_named", "命名的慈善示范社区数", "个", "area_id")
def _charity_demo_communities(on, year):
    return _demo_sites("community", on)


@element("charity_demo_sites_named", "命名的慈善工作示范点数", "个", "area_id")
def _charity_demo_sites(on, year):
    return _demo_sites("site", on)


@element("lottery_outlets_open", "在营的福利彩票销售场所数", "个", "area_id")
def _lottery_outlets(on, year):
    return (LotteryOutlet.objects.filter(opened_on__lte=on).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
            .values("area").annotate(v=Count("id")).values("area", "v"))


@element("lottery_fund_allocated", "安排的福彩公益金（年内）", "元", "area_id")
def _lottery_fund_allocated(on, year):
    return (LotteryAllocation.objects.filter(year=year).values("area").annotate(v=Sum("amount"))
            .values("area", "v"))


@element("lottery_fund_elderly_allocated", "安排用于养老服务的福彩公益金（年内）", "元", "area_id")
def _lottery_fund_elderly(on, year):
    return (LotteryAllocation.objects.filter(year=year, use=LotteryAllocation.Use.ELDERLY).values("area")
            .annotate(v=Sum("amount")).values("area", "v"))


# --- 流浪乞讨人员救助 (vagrancy): counted at the station's county or city ------------------------------------------

def _by_station(qs) -> QuerySet:
    return qs.values(area=F("station__area_id")).annotate(v=Count("id")).values("area", "v")


@element("vagrant_identified_discharged", "查明身份信息后离站（接送返回或托养安置）的受助人员数（年内）", "人",
         "station__area_id")
def _vagrant_discharged(on, year):
    return _by_station(vagrancy.identified_discharged(VagrancyStay.objects.filter(ended_on__lte=on), year))


@element("vagrant_returned", "接送返回并经接收地确认的受助人员数（年内）", "人", "station__area_id")
def _vagrant_returned(on, year):
    return _by_station(vagrancy.returned_confirmed(VagrancyStay.objects.filter(ended_on__lte=on), year))


@element("vagrant_person_times", "流浪乞讨人员救助人次（年内）", "人次", "station__area_id")
def _vagrant_times(on, year):
    return _by_station(VagrancyStay.objects.filter(admitted_on__year=year, admitted_on__lte=on))


@element("vagrant_reunited", "经寻亲公告查明身份的受助人员数（年内）", "人", "station__area_id")
def _vagrant_reunited(on, year):
    return _by_station(VagrancyStay.objects.filter(identified_by_notice=True, identified_on__year=year,
                                                   identified_on__lte=on))


@element("vagrant_long_stay", "站内长期滞留人数（年末）", "人", "station__area_id")
def _vagrant_long_stay(on, year):
    return _by_station(vagrancy.long_stay(VagrancyStay.objects.all(), on))
