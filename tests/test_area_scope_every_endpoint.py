"""DESIGN §3.4: every endpoint that takes an object id shows a user of another area nothing.

梁文杰 approves for 郁南县 and holds every county right; everything below belongs to 江海区 (the 陈 family of 英南村,
their 低保 case, this month's roster, a 核对 report, an import job …). For each page and each REST operation that
takes an id, 梁文杰 asking for a 江海区 object gets exactly the answer he gets for an id that does not exist (the same
status, 403 or 404, and the same body), nothing is written, and none of the family's data is in the answer; the
county approver of 江海区, 黄志强, asking the same (rolled back afterwards) is not told "not found", so every case
really points at a live object.

The table of cases is checked against the URL resolver and the OpenAPI schema: a new id-taking page or API
operation without a case here fails `test_every_id_taking_endpoint_has_a_case`.
"""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.areas.models import Area
from minzheng.assistance import services as assistance
from minzheng.assistance.models import RecheckTask
from minzheng.assistance.rechecks import recheck_schedule
from minzheng.assistance.tests.stories import dibao_facts, make_family, submit_dibao, walk_to, world_fixture  # noqa: F401
from minzheng.assistance.views import ACTIONS as APPLICATION_ACTIONS
from minzheng.batch.engines import Row
from minzheng.batch.models import Finding
from minzheng.batch.services import job_results_record
from minzheng.carefacility.tests.stories import jianghai_facility_objects
from minzheng.carefacility.views import FACILITY_OPS
from minzheng.charity.tests.stories import jianghai_charity_objects, jianghai_referral
from minzheng.children.tests.stories import jianghai_child_objects
from minzheng.community.tests.stories import jianghai_community
from minzheng.core.idcard import make_id_number
from minzheng.core.models import AuditEntry
from minzheng.eldercare import services as eldercare
from minzheng.eldercare.ruleset import ruleset_on
from minzheng.homecare import reference as homecare_reference
from minzheng.homecare import services as homecare
from minzheng.homecare import settlement
from minzheng.lowincome.tests.stories import jianghai_lowincome_objects
from minzheng.monitoring import catalogue
from minzheng.monitoring import services as monitoring
from minzheng.monitoring.models import Indicator
from minzheng.payroll import runs as roster_runs
from minzheng.payroll import services as payroll
from minzheng.payroll.models import Anomaly, RosterLine
from minzheng.portal.tests.stories import jianghai_portal_objects
from minzheng.registry import services as registry
from minzheng.registry.importing import import_create
from minzheng.registry.views import HOUSEHOLD_OPS
from minzheng.socialorgs.tests.stories import jianghai_socialorg_objects
from minzheng.socialwork.tests.stories import jianghai_station
from minzheng.timebank import services as timebank
from minzheng.vagrancy.tests.stories import jianghai_vagrancy_objects
from minzheng.verification.models import VerificationReport
from minzheng.verification.services import verification_run
from minzheng.volunteers.tests.stories import jianghai_disclosure, jianghai_volunteering

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

ABSENT = 987654321
TODAY = timezone.localdate()

# Public by design, no login: the 公示 shows only the masked fields fixed when the notice started (tested in
# assistance/tests/test_publicity.py).
PUBLIC = {
    # 婚姻登记's public booking page and certificate check: open days and places left, and whether a number is
    # valid — never who booked or who holds it (marriage/tests/test_pages_and_api.py).
    ("get", "/api/marriage/public/offices/{office_id}/days"),
    ("get", "/api/marriage/public/certificates/{number}"),
    ("get", "gongshi/<int:pk>/"),
    ("post", "gongshi/<int:pk>/"),
    ("post", "/api/assistance/public/notices/{notice_id}/objections"),
    ("get", "/api/assistance/public/notices/{notice_id}/challenge"),
    ("post", "/api/charity/public/wishes/{wish_id}/claim"),  # open wishes only, no person (charity/tests)
    ("get", "/api/lottery/public/welfare-fund/{area_code}"),  # 阳光福彩: the public yearly report
    ("get", "cunwu/<str:code>/"),  # 村（居）务公开: published items only (community/tests/test_self_government.py)
}

PAYROLL_ROSTER_ACTIONS = ("generate", "check", "release")
PAYROLL_LINE_ACTIONS = ("adjust", "hold", "resume", "approve")
ANOMALY_ACTIONS = ("assign", "dispose", "close")
# The elder's phone and the provider's work list act on an order through one route each.
MOBILE_ACTIONS = {"cancel": "order", "rate": "served", "complain": "served", "missed": "order"}
PROVIDER_ACTIONS = ("assign", "start", "complete", "elder-no-show")


def _homecare_and_timebank(w) -> dict:
    """江海区's 居家养老 and 时间银行 objects, made through the apps' own services (as in homecare/tests/conftest.py
    and timebank/tests/test_ledger.py): 王秀英 (86) of 英南村 was served last month by 周志成 of 江海颐康 — the
    county settled it, her family complained — and has another visit dispatched for tomorrow; the volunteer 林志强
    has reported two hours awaiting review."""
    homecare_reference.catalogue_load()
    tz = timezone.get_default_timezone()
    last = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    wang = registry.person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1939, 4, 2), 612),
                                  name="王秀英", hukou_area=w.yingnan, residence_area=w.yingnan,
                                  address="英南村南街8号")
    provider = homecare.provider_create(actor=w.huang, name="江海颐康居家养老服务中心", area=w.jianghai)
    homecare.provider_add_member(actor=w.huang, provider=provider, user=w.he)
    zhou = homecare.worker_add(actor=w.he, provider=provider, name="周志成", phone="13700001111")

    def placed(when: dt.datetime):
        order = homecare.order_place(actor=w.chen, person=wang, item_code="ZJ01", scheduled_at=when,
                                     now=when - dt.timedelta(days=2))
        return homecare.order_dispatch(actor=w.li, order=order, provider=provider, now=when - dt.timedelta(days=2))

    visit = dt.datetime.combine(last + dt.timedelta(days=4), dt.time(10), tzinfo=tz)
    served = placed(visit)
    homecare.order_assign(actor=w.he, order=served, worker=zhou, now=visit - dt.timedelta(days=1))
    homecare.order_start(actor=w.he, order=served, now=visit)
    served.refresh_from_db()
    served = homecare.order_complete(actor=w.he, order=served, confirm_code=served.confirm_code,
                                     now=visit + dt.timedelta(hours=2))
    complaint = homecare.complaint_file(actor=w.chen, order=served, text="服务人员迟到半小时")
    statement = settlement.statement_generate(actor=w.huang, provider=provider, month=last)
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    order = homecare.order_place(actor=w.chen, person=wang, item_code="ZJ01", scheduled_at=tomorrow)
    order = homecare.order_dispatch(actor=w.li, order=order, provider=provider)

    lin = registry.person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1968, 7, 1), 613),
                                 name="林志强", hukou_area=w.yingnan, residence_area=w.yingnan)
    volunteer = timebank.volunteer_register(actor=w.chen, person=lin)
    hours = timebank.hours_report(actor=w.chen, volunteer=volunteer, service_date=TODAY - dt.timedelta(days=1),
                                  hours="2", activity="陪伴独居老人、代购生活用品")
    # 苏慧敏, a volunteer of 中山市石岐街道, offers an hour to 江海区's 公益时间池: it waits for 江海区 to accept.
    shiqi = Area.objects.get(code="442000001")
    zhongshan = user_create(actor=None, username="zs_tb", password="Minzheng#2026", display_name="中山社工",
                            role=Role.TOWN, areas=[shiqi])
    su = registry.person_create(actor=zhongshan, id_number=make_id_number("442000", dt.date(1975, 3, 9), 614),
                                name="苏慧敏", hukou_area=shiqi, residence_area=shiqi)
    offer = timebank.donation_offer_create(actor=zhongshan, volunteer=timebank.volunteer_register(
        actor=zhongshan, person=su), hours="1", area=w.jianghai)
    return {
        "order": order.pk, "served": served.pk, "complaint": complaint.pk, "statement": statement.pk,
        "provider": provider.pk, "worker": zhou.pk, "account": volunteer.account_id, "hours": hours.pk,
        "offer": offer.pk,
        "secrets": ["王秀英", wang.id_number, "英南村南街8号", "周志成", "13700001111", "林志强", lin.id_number],
    }


def _social_affairs(w) -> dict:
    """江海区's 社会事务: its registry office married 陈志明 and 李晓燕 today and has 何家豪 and 林美玲's divorce
    application in its 冷静期; 礼乐街道 recorded 张伯's death, whose family sold a tree-burial place and await an
    eco-burial reward; the naming officer approved the renaming of 英南路 as 礼乐大道, whose sign is in the
    inventory; the boundary between 礼乐街道 and 外海街道 lies wholly inside 江海区; 礼乐街道 runs a 康园中心."""
    from minzheng.funeral import services as funeral
    from minzheng.funeral.models import Facility, Plot
    from minzheng.marriage import services as marriage
    from minzheng.marriage.models import Office
    from minzheng.placenames import services as placenames
    from minzheng.placenames.models import BoundarySection
    from minzheng.rehab import services as rehab

    def person(name, sex, seq, birth=dt.date(1990, 5, 1)):
        return registry.person_create(actor=w.huang, id_number=make_id_number("440704", birth, seq), name=name,
                                      hukou_area=w.yingnan, residence_area=w.yingnan, sex=sex)

    office = Office.objects.create(name="江海区婚姻登记处", code="440704", area=w.jianghai, daily_capacity=40)
    chen, li = person("陈志明", "M", 801), person("李晓燕", "F", 802)
    reg = marriage.marriage_register(actor=w.huang, office=office, man=chen, woman=li, on=TODAY,
                                     declaration_signed=True)
    he, lin = person("何家豪", "M", 803), person("林美玲", "F", 804)
    marriage.marriage_register(actor=w.huang, office=office, man=he, woman=lin, on=TODAY, declaration_signed=True)
    divorce = marriage.divorce_apply(actor=w.huang, office=office, party_a=he, party_b=lin, on=TODAY)
    zhang = person("张伯", "M", 805, birth=dt.date(1940, 1, 1))
    death = funeral.death_record(actor=w.li, person=zhang, death_date=TODAY, source="hospital", today=TODAY)
    forest = Facility.objects.create(name="礼乐公益性骨灰林", kind=Facility.Kind.ASH_FACILITY, area=w.lile)
    plot = Plot.objects.create(facility=forest, kind=Plot.Kind.TREE, number="A-001")
    spare = Plot.objects.create(facility=forest, kind=Plot.Kind.TREE, number="A-002")
    funeral.plot_change(actor=w.huang, plot=plot, action="sell", holder_name="张家", record=death, on=TODAY)
    burial = funeral.eco_burial_prepare(actor=w.li, record=death, method="tree", buried_on=TODAY,
                                        family_name="张小明", family_account="6222020000000009", today=TODAY)
    home = Facility.objects.create(name="江海区殡仪馆", kind=Facility.Kind.FUNERAL_HOME, area=w.jianghai)
    claim = funeral.basic_claim_prepare(actor=w.huang, record=death, facility=home, served_on=TODAY,
                                        actual={"cremation": "600"}, today=TODAY)
    road = placenames.place_register(actor=w.huang, name="英南路", category="25", area=w.lile, today=TODAY,
                                     coordinates=[[113.08, 22.55]])
    naming = placenames.application_submit(actor=w.huang, kind="rename", proposed_name="礼乐大道", category="25",
                                           area=w.lile, applicant="江海区住房和城乡建设局", reason="道路贯通",
                                           place=road, today=TODAY, coordinates=[[113.08, 22.55]])
    placenames.application_open_comment(actor=w.huang, application=naming, today=TODAY - dt.timedelta(days=40))
    placenames.application_close_comment(actor=w.huang, application=naming, comments="无", today=TODAY)
    placenames.application_expert_review(actor=w.huang, application=naming, opinion="名称规范，同意")
    approver = user_create(actor=None, username="jm_city", password="Minzheng#2026", display_name="江门市地名办",
                           role=Role.CITY, areas=[w.jianghai.parent])
    placenames.application_decide(actor=approver, application=naming, approve=True, today=TODAY)
    pending = placenames.application_submit(actor=w.huang, kind="name", proposed_name="滨江大道", category="25",
                                            area=w.lile, applicant="江海区交通运输局", reason="新建道路", today=TODAY,
                                            coordinates=[[113.1, 22.5]])
    sign = placenames.sign_register(actor=w.huang, place=road, code="JH-LL-0009", installed_on=TODAY,
                                    coordinates=[[113.08, 22.55]])
    section = BoundarySection.objects.create(name="礼乐街道—外海街道界线", left_area=w.lile, right_area=w.waihai,
                                             length_km="3.20", markers=4)
    kangyuan = rehab.centre_register(actor=w.huang, name="礼乐社区康园中心", kind="kangyuan", area=w.lile,
                                     opened_on=TODAY)
    # 外海社区 is renamed 外海东社区 next month (江府函〔2026〕88号)
    renaming = placenames.area_redivide(
        actor=w.huang, kind="rename", old_areas=[w.waihai_village],
        successors=[placenames.Successor(code="440704004009", name="外海东社区", parent=w.waihai)],
        effective_on=TODAY + dt.timedelta(days=30), document="江府函〔2026〕88号", authority="江门市人民政府")
    return {"office": office.pk, "registration": reg.pk, "divorce": divorce.pk, "death": death.pk,
            "forest": forest.pk, "plot": spare.pk, "burial": burial.pk, "place": road.pk, "naming": naming.pk,
            "pending": pending.pk, "lin_id": lin.id_number, "claim": claim.pk, "home": home.pk,
            "sign": sign.pk, "boundary": section.pk, "kangyuan": kangyuan.pk, "redivision": renaming.pk,
            "secrets": ["陈志明", "李晓燕", "何家豪", "林美玲", chen.id_number, "张伯", "张家", "张小明",
                        "6222020000000009", "礼乐大道", "滨江大道", "JH-LL-0009", "礼乐街道—外海街道",
                        "礼乐社区康园中心", "外海东社区", "江府函〔2026〕88号"]}


@pytest.fixture
def jianghai(world):
    """江海区's objects, one of each kind an endpoint can name."""
    w = world
    # The 陈 family's 低保, approved 400 days ago: a live case, due for its yearly 复核, paid this month.
    app = walk_to(w, submit_dibao(w), "approving")
    case = assistance.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app),
                                          today=TODAY - dt.timedelta(days=400))
    recheck_schedule(on=TODAY)
    # The 林 family's application is in 公示 now.
    household, (lin, *_) = make_family(w, "林大海", village=w.xiangdong)
    open_app = walk_to(w, submit_dibao(w, applicant=lin, household=household, actor=w.li), "publicizing")
    # a neighbour's objection to it waits for the town's decision
    objection = assistance.objection_file(actor=None, publicity=open_app.publicities.get(),
                                          reason="该户家中新购小汽车一辆")
    # The 周 family's was refused: it has a notice letter.
    household, (zhou, *_) = make_family(w, "周国强", village=w.xiangdong)
    refused = walk_to(w, submit_dibao(w, applicant=zhou, household=household, actor=w.li), "reviewing")
    assistance.application_refuse(actor=w.huang, application=refused, reason="家庭人均收入高于当地低保标准")
    roster = payroll.roster_generate(actor=w.huang, programme="dibao", area=w.jianghai, month=TODAY.replace(day=1))
    payroll.roster_check(actor=w.huang, roster=roster)  # no bank accounts: 资金监管 flags every line
    run = roster_runs.roster_run_request(actor=w.huang, programme="dibao", area=w.jianghai,
                                         month=TODAY.replace(day=1))  # queued (no worker in this test)
    relative = payroll.staff_relative_register(actor=w.huang, staff=w.li, person=w.mum, relation="配偶")
    category = registry.category_add(actor=w.huang, person=w.dad, category="elderly", valid_from=dt.date(2020, 1, 1))
    report = VerificationReport.objects.filter(household=w.household).first() or verification_run(
        actor=w.huang, household=w.household, on=TODAY)
    lone = registry.person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1990, 1, 1), 777),
                                  name="孤伯", hukou_area=w.yingnan, residence_area=w.yingnan)  # in no household
    job = import_create(actor=w.huang, upload=SimpleUploadedFile("人员.csv", "姓名,身份证号\n张三,1\n".encode()))
    catalogue.load()
    beds = Indicator.objects.get(code="440704.nursing_bed_share")
    reported = monitoring.report_value(actor=w.li, indicator=beds, area=w.lile, period=2023, value="48", unit="%")
    care = _homecare_and_timebank(w)
    # the province's 跨市资金监管 run filed a suspicion about 陈's father under 江海区
    batch_run = job_results_record(actor=None, job="supervision", engine="embedded", period=TODAY.replace(day=1),
                                   rows=[Row("deceased", str(w.dad.pk), w.dad.pk, "440704", "2024-01-01")])
    finding = Finding.objects.get(first_run=batch_run)
    # 大养老: 梁伯 (81) of 英南村, assessed by 礼乐街道 and the county, with a call at the desk.
    elder = registry.person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1945, 6, 1), 779),
                                   name="梁伯", hukou_area=w.yingnan, residence_area=w.yingnan)
    # the county approver decides, he does not assess: the second assessor is the county's 养老服务指导中心
    scope_assessor = user_create(actor=None, username="scope_assessor", password="Minzheng#2026",
                                 display_name="苏慧敏", role=Role.TOWN, areas=[w.jianghai])
    assessment = eldercare.assessment_record(
        actor=w.li, person=elder, reason="initial", assessed_on=TODAY, assessor_1=w.li, assessor_2=scope_assessor,
        answers={i.code: i.max for i in ruleset_on(TODAY).items})
    call = eldercare.call_intake(actor=w.li, person=elder, channel="terminal", kind="fall", description="跌倒求助")
    facilities = jianghai_facility_objects(w)
    facility_secrets = facilities.pop("facility_secrets")
    socialorgs = jianghai_socialorg_objects(w)
    facility_secrets += socialorgs.pop("org_secrets")
    social = _social_affairs(w)
    children = jianghai_child_objects(w)
    charity = jianghai_charity_objects(w)
    charity["charity_referral"] = jianghai_referral(w, charity_id=charity["charity"], household=household)
    vagrancy = jianghai_vagrancy_objects(w)
    facility_secrets += vagrancy.pop("vagrancy_secrets")
    facility_secrets += charity.pop("charity_secrets") + children.pop("child_secrets")
    lowincome = jianghai_lowincome_objects(w)
    facility_secrets += lowincome.pop("li_secrets")
    portal = jianghai_portal_objects(w)  # a resident's own application on the portal, a 公示 of 礼乐街道
    facility_secrets += portal.pop("pt_secrets")
    care_secrets, social_secrets = care.pop("secrets"), social.pop("secrets")
    own = {
        "elder": elder.pk, "assessment": assessment.pk, "call": call.pk,
        "indicator": beds.pk, "reported": reported.pk,
        "app": open_app.pk, "objection": objection.pk, "refused": refused.pk,
        "att": open_app.attachments.order_by("id").first().pk,
        "case": case.pk,
        "recheck": RecheckTask.objects.get(case=case).pk, "roster": roster.pk,
        "line": RosterLine.objects.filter(roster=roster).order_by("id").first().pk,
        "anomaly": Anomaly.objects.filter(roster=roster).order_by("id").first().pk, "relative": relative.pk,
        "run": run.pk, "batch_finding": finding.pk,
        "person": w.dad.pk, "person2": w.mum.pk, "person3": lone.pk, "household": w.household.pk,
        "household2": household.pk, "category": category.pk,
        "report": report.pk, "job": job.pk, "area": "440704", "staff_user": w.chen.pk,
    }
    parts = [care, facilities, socialorgs, jianghai_station(w), jianghai_volunteering(w), jianghai_disclosure(w),
             jianghai_community(w),
             children, charity, social, vagrancy, lowincome, portal, own]
    merged: dict = {}
    for part in parts:
        # Two apps naming their object by the same key would silently point one app's cases at the other's id.
        clash = merged.keys() & part.keys()
        assert not clash, f"两个模块的测试对象同名：{sorted(clash)}"
        merged |= part
    merged["secrets"] = [w.dad.name, w.mum.name, w.son.name, "林大海", "周国强", "孤伯", w.dad.id_number,
                         w.mum.id_number, w.household.number, "梁伯", elder.id_number, *facility_secrets,
                         *care_secrets, *social_secrets]
    return merged


def _cases():
    """(method, route as the resolver or OpenAPI names it, url template, body). {x} is filled from `jianghai`."""
    a = "assistance/<int:pk>/"
    acc = "/api/accounts/users/{staff_user}"
    cases = [
        # 账号管理 (administrators only; the administrators' own 404 outside their areas: accounts/tests)
        ("get", "accounts/<int:pk>/", "/accounts/{staff_user}/", None),
        ("post", "accounts/<int:pk>/<str:action>/", "/accounts/{staff_user}/deactivate/", {"reason": "调离"}),
        ("get", "/api/accounts/users/{user_id}", acc, None),
        ("post", "/api/accounts/users/{user_id}/role", acc + "/role", {"role": "town"}),
        ("post", "/api/accounts/users/{user_id}/areas", acc + "/areas", {"areas": ["440704003"]}),
        ("post", "/api/accounts/users/{user_id}/reset-password", acc + "/reset-password",
         {"password": "Reset#Pass2026"}),
        ("post", "/api/accounts/users/{user_id}/deactivate", acc + "/deactivate", {"reason": "调离"}),
        ("post", "/api/accounts/users/{user_id}/reactivate", acc + "/reactivate", {}),
        ("post", "/api/accounts/users/{user_id}/unlock", acc + "/unlock", {}),
        # pages
        ("get", "assistance/<int:pk>/", "/assistance/{app}/", None),
        ("get", "assistance/<int:pk>/approve/", "/assistance/{app}/approve/", None),
        ("post", "assistance/<int:pk>/approve/", "/assistance/{app}/approve/", {"decision": "approve"}),
        ("get", "assistance/<int:pk>/refusal-letter.pdf", "/assistance/{refused}/refusal-letter.pdf", None),
        ("get", "assistance/<int:pk>/files/<int:attachment_pk>/", "/assistance/{app}/files/{att}/", None),
        ("post", "assistance/<int:pk>/objections/<int:objection_pk>/decide/",
         "/assistance/{app}/objections/{objection}/decide/", {"decision": "dismiss", "note": "经核实无此事"}),
        ("get", "assistance/cases/<int:pk>/", "/assistance/cases/{case}/", None),
        ("post", "assistance/cases/<int:pk>/exit/", "/assistance/cases/{case}/exit/",
         {"from_month": "2030-01", "reason": "迁出"}),
        ("get", "assistance/rechecks/<int:pk>/", "/assistance/rechecks/{recheck}/", None),
        ("post", "assistance/rechecks/<int:pk>/", "/assistance/rechecks/{recheck}/", {"assets": "0"}),
        ("get", "verification/households/<int:pk>/", "/verification/households/{household}/", None),
        ("post", "verification/households/<int:pk>/run/", "/verification/households/{household}/run/", {}),
        ("get", "verification/reports/<int:pk>/", "/verification/reports/{report}/", None),
        ("get", "verification/reports/<int:pk>/pdf/", "/verification/reports/{report}/pdf/", None),
        ("get", "payroll/rosters/<int:pk>/", "/payroll/rosters/{roster}/", None),
        ("get", "payroll/rosters/<int:pk>/bank-file.csv", "/payroll/rosters/{roster}/bank-file.csv", None),
        ("post", "payroll/rosters/<int:pk>/bank-result/", "/payroll/rosters/{roster}/bank-result/", {}),
        ("post", "payroll/relatives/<int:pk>/remove/", "/payroll/relatives/{relative}/remove/", {"reason": "误报"}),
        ("get", "imports/<int:job_id>/", "/imports/{job}/", None),
        ("post", "imports/<int:job_id>/apply/", "/imports/{job}/apply/", {"mode": "valid_only"}),
        ("get", "imports/<int:job_id>/errors.xlsx", "/imports/{job}/errors.xlsx", None),
        ("get", "persons/<int:pk>/", "/persons/{person}/", None),
        ("post", "persons/<int:pk>/full/", "/persons/{person}/full/", {}),
        ("get", "persons/<int:pk>/edit/", "/persons/{person}/edit/", None),
        ("post", "persons/<int:pk>/edit/", "/persons/{person}/edit/", {"name": "改名"}),
        ("post", "persons/<int:pk>/categories/", "/persons/{person}/categories/",
         {"category": "elderly", "valid_from": "2021-01-01"}),
        ("post", "persons/<int:pk>/categories/<int:category_pk>/end/",
         "/persons/{person}/categories/{category}/end/", {"valid_to": "2030-01-01"}),
        ("post", "persons/<int:pk>/household/", "/persons/{person}/household/", {"address": "某处"}),
        ("get", "households/<int:pk>/", "/households/{household}/", None),
        ("get", "eldercare/elders/<int:pk>/", "/eldercare/elders/{elder}/", None),
        ("post", "eldercare/elders/<int:pk>/", "/eldercare/elders/{elder}/",
         {"form": "category", "cat-category": "elderly_alone", "cat-valid_from": "2024-01-01"}),
        ("get", "eldercare/elders/<int:pk>/assess/", "/eldercare/elders/{elder}/assess/", None),
        ("post", "eldercare/elders/<int:pk>/assess/", "/eldercare/elders/{elder}/assess/", {"reason": "routine"}),
        ("get", "eldercare/assessments/<int:pk>/", "/eldercare/assessments/{assessment}/", None),
        ("post", "eldercare/assessments/<int:pk>/", "/eldercare/assessments/{assessment}/", {"reason": "录入错误作废"}),
        ("get", "eldercare/calls/<int:pk>/", "/eldercare/calls/{call}/", None),
        ("post", "eldercare/calls/<int:pk>/", "/eldercare/calls/{call}/", {"step": "close", "close-text": "已处理"}),
    ]
    cases += [("post", a + "<slug:action>/", f"/assistance/{{app}}/{act}/", {"note": "x", "reason": "x"})
              for act in APPLICATION_ACTIONS]
    cases += [("post", "payroll/rosters/<int:pk>/<str:action>/", f"/payroll/rosters/{{roster}}/{act}/", {})
              for act in PAYROLL_ROSTER_ACTIONS]
    cases += [("post", "payroll/lines/<int:pk>/<str:action>/", f"/payroll/lines/{{line}}/{act}/",
               {"amount": "1", "reason": "x"}) for act in PAYROLL_LINE_ACTIONS]
    cases += [("post", "batch/findings/<int:pk>/check/", "/batch/findings/{batch_finding}/check/",
               {"outcome": "confirmed", "note": "已核对死亡信息"})]
    cases += [("post", "payroll/anomalies/<int:pk>/<str:action>/", f"/payroll/anomalies/{{anomaly}}/{act}/",
               {"disposition": "x"}) for act in ANOMALY_ACTIONS]
    cases += [(m, "households/<int:pk>/<slug:op>/", f"/households/{{household}}/{op}/", body)
              for op in HOUSEHOLD_OPS for m, body in (("post", {"relation": "child"}),)]
    hc = "homecare/"
    cases += [
        ("get", hc + "m/orders/<int:pk>/", "/homecare/m/orders/{order}/", None),
        ("get", hc + "provider/orders/<int:pk>/", "/homecare/provider/orders/{order}/", None),
        ("post", hc + "orders/<int:pk>/dispatch/", "/homecare/orders/{order}/dispatch/", {"provider": "{provider}"}),
        ("post", hc + "complaints/<int:pk>/resolve/", "/homecare/complaints/{complaint}/resolve/",
         {"resolution": "已回访，机构致歉"}),
        ("post", hc + "statements/<int:pk>/confirm/", "/homecare/statements/{statement}/confirm/", {}),
        ("get", hc + "statements/<int:pk>/statement.xlsx", "/homecare/statements/{statement}/statement.xlsx", None),
    ]
    cases += [("post", hc + "m/orders/<int:pk>/<str:action>/", f"/homecare/m/orders/{{{key}}}/{act}/",
               {"reason": "x", "score": "5", "text": "服务人员迟到"}) for act, key in MOBILE_ACTIONS.items()]
    cases += [("post", hc + "provider/orders/<int:pk>/<str:action>/", f"/homecare/provider/orders/{{order}}/{act}/",
               {"worker": "{worker}", "confirm_code": "0000", "note": "x"}) for act in PROVIDER_ACTIONS]
    cases += [("post", "timebank/reports/<int:pk>/review/<int:level>/", f"/timebank/reports/{{hours}}/review/{lv}/",
               {"decision": "approve"}) for lv in (1, 2)]
    cases += [("post", "timebank/offers/<int:pk>/<slug:action>/", f"/timebank/offers/{{offer}}/{act}/",
               {"reason": "本县暂不接收"}) for act in ("accept", "decline")]
    facility_bodies = {"bed": {"number": "Z9", "registration_code": "ZZ-9"},
                       "discharge": {"person_id": "{resident}", "reason": "回家"},
                       "status": {"status": "suspended", "reason": "整顿"}}
    cases += [("post", "facilities/<int:pk>/<slug:op>/", f"/facilities/{{facility}}/{op}/", facility_bodies.get(op, {}))
              for op in FACILITY_OPS]
    cases += [
        ("get", "facilities/<int:pk>/", "/facilities/{facility}/", None),
        ("get", "facilities/inspections/<int:pk>/", "/facilities/inspections/{inspection}/", None),
        ("post", "facilities/inspections/<int:pk>/", "/facilities/inspections/{inspection}/",
         {"summary": "未发现问题"}),
        ("post", "facilities/findings/<int:pk>/rectify/", "/facilities/findings/{finding}/rectify/",
         {"note": "已整改"}),
        ("get", "facilities/retrofits/<int:pk>/", "/facilities/retrofits/{retrofit}/", None),
        ("post", "facilities/retrofits/<int:pk>/<slug:action>/", "/facilities/retrofits/{retrofit}/assess/",
         {"note": "需要", "planned_items": "扶手"}),
    ]
    so = "/api/socialorgs"
    cases += [
        ("get", "socialorgs/<int:pk>/", "/socialorgs/{org}/", None),
        ("get", "socialorgs/<int:pk>/certificate.pdf", "/socialorgs/{org}/certificate.pdf", None),
        ("post", "socialorgs/<int:pk>/annual-report/", "/socialorgs/{org}/annual-report/", {"year": "2020"}),
        ("post", "socialorgs/<int:pk>/list/", "/socialorgs/{org}/list/", {"ground": "no_party_org"}),
        ("post", "socialorgs/applications/<int:pk>/<slug:action>/", "/socialorgs/applications/{org_app}/review/",
         {"opinion": "同意"}),
        ("post", "socialorgs/listings/<int:pk>/remove/", "/socialorgs/listings/{org_listing}/remove/",
         {"reason": "已恢复联系"}),
        ("get", so + "/orgs/{org_id}", so + "/orgs/{org}", None),
        ("get", so + "/orgs/{org_id}/certificate.pdf", so + "/orgs/{org}/certificate.pdf", None),
        ("post", so + "/orgs/{org_id}/annual-reports", so + "/orgs/{org}/annual-reports", {"year": 2020}),
        ("post", so + "/orgs/{org_id}/listings", so + "/orgs/{org}/listings", {"ground": "no_party_org"}),
        ("post", so + "/applications/{application_id}/review", so + "/applications/{org_app}/review",
         {"approve": True, "opinion": "同意"}),
        ("post", so + "/applications/{application_id}/approve", so + "/applications/{org_app}/approve", {}),
        ("post", so + "/listings/{listing_id}/remove", so + "/listings/{org_listing}/remove", {"reason": "已恢复联系"}),
        ("post", so + "/orgs/{org_id}/changes", so + "/orgs/{org}/changes", {"domicile": "礼乐街道文化中心"}),
        ("post", so + "/orgs/{org_id}/deregistration", so + "/orgs/{org}/deregistration", {"reason": "清算完毕"}),
        ("post", so + "/orgs/{org_id}/ratings", so + "/orgs/{org}/ratings", {"grade": 3}),
        ("post", so + "/orgs/{org_id}/penalties", so + "/orgs/{org}/penalties",
         {"kind": "warning", "decision_no": "江民罚〔2025〕1号", "facts": "未按规定使用登记证书"}),
        ("post", "socialorgs/<int:pk>/change/", "/socialorgs/{org}/change/", {"domicile": "礼乐街道文化中心"}),
        ("post", "socialorgs/<int:pk>/deregister/", "/socialorgs/{org}/deregister/", {"reason": "清算完毕"}),
        ("post", "socialorgs/<int:pk>/rating/", "/socialorgs/{org}/rating/", {"grade": "3"}),
        ("post", "socialorgs/<int:pk>/penalty/", "/socialorgs/{org}/penalty/",
         {"kind": "warning", "decision_no": "江民罚〔2025〕1号", "facts": "未按规定使用登记证书"}),
        ("get", "socialorgs/checks/<int:pk>/", "/socialorgs/checks/{org_draw}/", None),
        ("post", "socialorgs/checks/items/<int:pk>/result/", "/socialorgs/checks/items/{org_check}/result/",
         {"result": "passed", "findings": "内部治理规范"}),
        ("get", so + "/check-draws/{draw_id}", so + "/check-draws/{org_draw}", None),
        ("post", so + "/checks/{check_id}/result", so + "/checks/{org_check}/result",
         {"result": "passed", "findings": "内部治理规范"}),
    ]
    cases += [
        ("get", "socialwork/stations/<int:pk>/", "/socialwork/stations/{station}/", None),
        ("post", "socialwork/stations/<int:pk>/record/", "/socialwork/stations/{station}/record/",
         {"person": "{person}", "service": "care", "served_on": "2025-01-02", "note": "探访"}),
        ("get", "/api/socialwork/stations/{station_id}/coverage", "/api/socialwork/stations/{station}/coverage", None),
        ("get", "volunteers/activities/<int:pk>/", "/volunteers/activities/{activity}/", None),
        ("post", "community/disclosures/<int:pk>/publish/", "/community/disclosures/{disclosure}/publish/", {}),
        ("post", "volunteers/signups/<int:pk>/confirm/", "/volunteers/signups/{signup}/confirm/", {"hours": "2"}),
        ("get", "volunteers/certificates/<int:pk>.pdf", "/volunteers/certificates/{certificate}.pdf", None),
        ("post", "/api/volunteers/activities/{activity_id}/signups", "/api/volunteers/activities/{activity}/signups",
         {"volunteer_id": "{volunteer}"}),
        ("post", "/api/volunteers/signups/{signup_id}/confirm", "/api/volunteers/signups/{signup}/confirm",
         {"hours": 2}),
        ("post", "/api/volunteers/volunteers/{volunteer_id}/certificates",
         "/api/volunteers/volunteers/{volunteer}/certificates", {"issuer": "礼乐街道志愿服务站"}),
        ("get", "/api/volunteers/certificates/{certificate_id}/pdf", "/api/volunteers/certificates/{certificate}/pdf",
         None),
    ]
    cf = "/api/carefacility"
    fac = cf + "/facilities/{facility_id}"
    cases += [
        ("get", fac, cf + "/facilities/{facility}", None),
        ("post", fac + "/status", cf + "/facilities/{facility}/status", {"status": "suspended", "reason": "整顿"}),
        ("get", fac + "/beds", cf + "/facilities/{facility}/beds", None),
        ("post", fac + "/beds", cf + "/facilities/{facility}/beds", {"number": "Z9", "registration_code": "ZZ-9"}),
        ("post", fac + "/risk-assessments", cf + "/facilities/{facility}/risk-assessments",
         {"person_id": "{facility_elder}", "items": {}, "assessors": "x"}),
        ("get", fac + "/residents", cf + "/facilities/{facility}/residents", None),
        ("post", fac + "/admissions", cf + "/facilities/{facility}/admissions", {"person_id": "{facility_elder}",
                                                                                  "bed_id": "{bed}"}),
        ("post", fac + "/discharges", cf + "/facilities/{facility}/discharges",
         {"person_id": "{resident}", "reason": "回家"}),
        ("post", fac + "/evaluations", cf + "/facilities/{facility}/evaluations", {"scores": {}, "evaluators": "x"}),
        ("get", cf + "/inspections/draws/{draw_id}", cf + "/inspections/draws/{draw}", None),
        ("post", cf + "/inspections/{inspection_id}/result", cf + "/inspections/{inspection}/result",
         {"summary": "未发现问题"}),
        ("post", cf + "/findings/{finding_id}/rectify", cf + "/findings/{finding}/rectify", {"note": "已整改"}),
        ("get", cf + "/retrofits/{retrofit_id}", cf + "/retrofits/{retrofit}", None),
        ("post", cf + "/retrofits/{retrofit_id}/{action}", cf + "/retrofits/{retrofit}/assess",
         {"note": "需要", "planned_items": "扶手"}),
    ]

    api = "/api"
    app_ = "/api/assistance/applications/{application_id}"
    cases += [
        ("get", "/api/areas/{code}", api + "/areas/{area}", None),
        ("get", "/api/eldercare/elders/{pk}", api + "/eldercare/elders/{elder}", None),
        ("post", "/api/eldercare/elders/{pk}/categories", api + "/eldercare/elders/{elder}/categories",
         {"category": "elderly_alone", "valid_from": "2024-01-01"}),
        ("get", "/api/eldercare/assessments/{pk}", api + "/eldercare/assessments/{assessment}", None),
        ("post", "/api/eldercare/assessments/{pk}/void", api + "/eldercare/assessments/{assessment}/void",
         {"reason": "录入错误作废"}),
        ("get", "/api/eldercare/calls/{pk}", api + "/eldercare/calls/{call}", None),
        ("post", "/api/eldercare/calls/{pk}/{step}", api + "/eldercare/calls/{call}/close", {"text": "已处理"}),
        ("get", app_, api + "/assistance/applications/{app}", None),
        ("get", app_ + "/refusal-letter.pdf", api + "/assistance/applications/{refused}/refusal-letter.pdf", None),
        ("get", app_ + "/attachments/{attachment_id}", api + "/assistance/applications/{app}/attachments/{att}",
         None),
        ("post", app_ + "/attachments", api + "/assistance/applications/{app}/attachments", "multipart"),
        ("post", app_ + "/accept", api + "/assistance/applications/{app}/accept", {}),
        ("post", app_ + "/verification", api + "/assistance/applications/{app}/verification", {}),
        ("post", app_ + "/verification/result", api + "/assistance/applications/{app}/verification/result",
         {"outcome": "pass", "summary": "x", "per_capita_income": "1", "assets": "0"}),
        ("post", app_ + "/investigations", api + "/assistance/applications/{app}/investigations", "investigation"),
        ("post", app_ + "/submit-review", api + "/assistance/applications/{app}/submit-review", {"opinion": "同意"}),
        ("post", app_ + "/review", api + "/assistance/applications/{app}/review", {"opinion": "同意"}),
        ("post", app_ + "/publicity/close", api + "/assistance/applications/{app}/publicity/close", {}),
        ("post", app_ + "/objections", api + "/assistance/applications/{app}/objections", {"reason": "有车"}),
        ("post", app_ + "/objections/{objection_id}/decide",
         api + "/assistance/applications/{app}/objections/{objection}/decide",
         {"uphold": False, "note": "经核实无此事"}),
        ("post", app_ + "/approval/preview", api + "/assistance/applications/{app}/approval/preview",
         {"urban_rural": "urban"}),
        ("post", app_ + "/approve", api + "/assistance/applications/{app}/approve", {"urban_rural": "urban"}),
        ("post", app_ + "/refuse", api + "/assistance/applications/{app}/refuse", {"reason": "收入超标"}),
        ("post", app_ + "/pay-first", api + "/assistance/applications/{app}/pay-first",
         {"amount": "500", "reason": "火灾"}),
        ("post", app_ + "/complete-file", api + "/assistance/applications/{app}/complete-file", {}),
        ("get", "/api/assistance/rechecks/{task_id}", api + "/assistance/rechecks/{recheck}", None),
        ("post", "/api/assistance/rechecks/{task_id}/preview", api + "/assistance/rechecks/{recheck}/preview",
         {"urban_rural": "urban"}),
        ("post", "/api/assistance/rechecks/{task_id}/complete", api + "/assistance/rechecks/{recheck}/complete",
         {"urban_rural": "urban"}),
        ("get", "/api/assistance/cases/{case_id}", api + "/assistance/cases/{case}", None),
        ("post", "/api/assistance/cases/{case_id}/exit", api + "/assistance/cases/{case}/exit",
         {"from_month": "2030-01-01", "reason": "迁出"}),
        ("get", "/api/imports/{job_id}", api + "/imports/{job}", None),
        ("get", "/api/imports/{job_id}/errors", api + "/imports/{job}/errors", None),
        ("get", "/api/imports/{job_id}/errors.xlsx", api + "/imports/{job}/errors.xlsx", None),
        ("post", "monitoring/reported/<int:pk>/approve/", "/monitoring/reported/{reported}/approve/", {}),
        ("get", "monitoring/<str:code>/", "/monitoring/{area}/", None),
        ("get", "monitoring/<str:code>/screen/", "/monitoring/{area}/screen/", None),
        ("get", "monitoring/<str:code>/indicator/<int:pk>/", "/monitoring/{area}/indicator/{indicator}/", None),
        ("get", "monitoring/<str:code>/report/<str:kind>.<str:fmt>", "/monitoring/{area}/report/annual.pdf", None),
        ("get", "/api/monitoring/progress/{area_code}", api + "/monitoring/progress/{area}?year=2023", None),
        ("get", "/api/monitoring/indicators/{indicator_id}/areas/{area_code}",
         api + "/monitoring/indicators/{indicator}/areas/{area}?year=2023", None),
        ("post", "/api/monitoring/reported/{reported_id}/approve", api + "/monitoring/reported/{reported}/approve", {}),
        ("get", "/api/monitoring/reports/{area_code}/{kind}", api + "/monitoring/reports/{area}/annual?year=2023",
         None),
        ("post", "/api/imports/{job_id}/apply", api + "/imports/{job}/apply", {"mode": "valid_only"}),
        ("post", "/api/imports/{job_id}/discard", api + "/imports/{job}/discard", {}),
        ("post", "/api/imports/{job_id}/retry", api + "/imports/{job}/retry", {}),
        ("get", "/api/payroll/roster-runs/{run_id}", api + "/payroll/roster-runs/{run}", None),
        ("post", "/api/payroll/roster-runs/{run_id}/retry", api + "/payroll/roster-runs/{run}/retry", {}),
        ("post", "/api/payroll/roster-runs/{run_id}/discard", api + "/payroll/roster-runs/{run}/discard", {}),
        ("get", "/api/payroll/rosters/{roster_id}", api + "/payroll/rosters/{roster}", None),
        ("get", "/api/payroll/rosters/{roster_id}/lines", api + "/payroll/rosters/{roster}/lines", None),
        ("post", "/api/payroll/rosters/{roster_id}/check", api + "/payroll/rosters/{roster}/check", {}),
        ("post", "/api/payroll/rosters/{roster_id}/release", api + "/payroll/rosters/{roster}/release", {}),
        ("get", "/api/payroll/rosters/{roster_id}/bank-file", api + "/payroll/rosters/{roster}/bank-file", None),
        ("post", "/api/payroll/rosters/{roster_id}/bank-result", api + "/payroll/rosters/{roster}/bank-result",
         "multipart"),
        ("get", "/api/payroll/rosters/{roster_id}/reconciliation",
         api + "/payroll/rosters/{roster}/reconciliation", None),
        ("post", "/api/payroll/lines/{line_id}/adjust", api + "/payroll/lines/{line}/adjust",
         {"amount": "1", "reason": "x"}),
        ("post", "/api/payroll/lines/{line_id}/hold", api + "/payroll/lines/{line}/hold", {"reason": "x"}),
        ("post", "/api/payroll/lines/{line_id}/resume", api + "/payroll/lines/{line}/resume", {"reason": "x"}),
        ("post", "/api/payroll/lines/{line_id}/approve", api + "/payroll/lines/{line}/approve", {}),
        ("post", "/api/payroll/staff-relatives/{relative_id}/remove",
         api + "/payroll/staff-relatives/{relative}/remove", {"reason": "误报"}),
        ("get", "/api/payroll/anomalies/{anomaly_id}", api + "/payroll/anomalies/{anomaly}", None),
        ("post", "/api/payroll/anomalies/{anomaly_id}/assign", api + "/payroll/anomalies/{anomaly}/assign",
         {"assignee": "liangwj"}),
        ("post", "/api/payroll/anomalies/{anomaly_id}/dispose", api + "/payroll/anomalies/{anomaly}/dispose",
         {"disposition": "x"}),
        ("post", "/api/payroll/anomalies/{anomaly_id}/close", api + "/payroll/anomalies/{anomaly}/close", {}),
        ("get", "/api/batch/findings/{finding_id}", api + "/batch/findings/{batch_finding}", None),
        ("post", "/api/batch/findings/{finding_id}/check", api + "/batch/findings/{batch_finding}/check",
         {"outcome": "confirmed", "note": "已核对死亡信息"}),
        ("get", "/api/verification/persons/{person_id}/records",
         api + "/verification/persons/{person}/records?on=2024-01-01", None),
        ("post", "/api/verification/households/{household_id}/run", api + "/verification/households/{household}/run",
         {"on": "2024-01-01"}),
        ("get", "/api/verification/reports/{report_id}", api + "/verification/reports/{report}", None),
        ("get", "/api/verification/reports/{report_id}/pdf", api + "/verification/reports/{report}/pdf", None),
        ("get", "/api/persons/{person_id}", api + "/persons/{person}", None),
        ("patch", "/api/persons/{person_id}", api + "/persons/{person}", {"phone": "13900000000"}),
        ("post", "/api/persons/{person_id}/full", api + "/persons/{person}/full", {}),
        ("post", "/api/persons/{person_id}/categories", api + "/persons/{person}/categories",
         {"category": "elderly", "valid_from": "2021-01-01"}),
        ("post", "/api/persons/{person_id}/categories/{category_id}/end",
         api + "/persons/{person}/categories/{category}/end", {"valid_to": "2030-01-01"}),
        ("get", "/api/households/{household_id}", api + "/households/{household}", None),
        ("post", "/api/households/{household_id}/members", api + "/households/{household}/members",
         {"person_id": "{person3}", "relation": "child"}),
        ("post", "/api/households/{household_id}/members/{person_id}/remove",
         api + "/households/{household}/members/{person2}/remove", {}),
        ("post", "/api/households/{household_id}/head", api + "/households/{household}/head",
         {"new_head_id": "{person2}"}),
        ("post", "/api/households/{household_id}/split", api + "/households/{household}/split",
         {"member_ids": ["{person2}"], "new_head_id": "{person2}"}),
        ("post", "/api/households/{household_id}/merge", api + "/households/{household}/merge",
         {"target_id": "{household2}"}),
    ]
    o = "/api/homecare/orders/{order_id}"
    cases += [
        ("get", o, api + "/homecare/orders/{order}", None),
        ("post", o + "/dispatch", api + "/homecare/orders/{order}/dispatch", {"provider_id": "{provider}"}),
        ("post", o + "/assign", api + "/homecare/orders/{order}/assign", {"worker_id": "{worker}"}),
        ("post", o + "/start", api + "/homecare/orders/{order}/start", {"location": "门口"}),
        ("post", o + "/complete", api + "/homecare/orders/{order}/complete", {"confirm_code": "0000"}),
        ("post", o + "/cancel", api + "/homecare/orders/{order}/cancel", {"reason": "住院"}),
        ("post", o + "/elder-no-show", api + "/homecare/orders/{order}/elder-no-show", {"reason": "不在家"}),
        ("post", o + "/provider-no-show", api + "/homecare/orders/{order}/provider-no-show", {}),
        ("post", o + "/rating", api + "/homecare/orders/{served}/rating", {"score": 5}),
        ("post", o + "/complaints", api + "/homecare/orders/{served}/complaints", {"text": "服务人员迟到"}),
        ("post", "/api/homecare/statements/{statement_id}/confirm",
         api + "/homecare/statements/{statement}/confirm", {}),
        ("get", "/api/homecare/statements/{statement_id}/xlsx", api + "/homecare/statements/{statement}/xlsx", None),
        ("get", "/api/timebank/accounts/{account_id}", api + "/timebank/accounts/{account}", None),
        ("post", "/api/timebank/accounts/{account_id}/cash-out", api + "/timebank/accounts/{account}/cash-out", {}),
        ("post", "/api/timebank/accounts/{account_id}/withdraw", api + "/timebank/accounts/{account}/withdraw", {}),
        ("post", "/api/timebank/reports/{report_id}/review", api + "/timebank/reports/{hours}/review",
         {"level": 2, "approve": True}),
        ("post", "/api/timebank/donation-offers/{offer_id}/accept", api + "/timebank/donation-offers/{offer}/accept",
         {}),
        ("post", "/api/timebank/donation-offers/{offer_id}/decline",
         api + "/timebank/donation-offers/{offer}/decline", {"reason": "本县暂不接收"}),
    ]
    ch = "/api/children"
    kase = ch + "/cases/{case_id}"
    step = {"happened_on": "2024-01-02", "note": "入户核查情况说明"}
    cases += [
        ("get", "children/<int:pk>/", "/children/{child}/", None),
        ("get", "children/m/visit/<int:pk>/", "/children/m/visit/{child}/", None),
        ("post", "children/m/visit/<int:pk>/", "/children/m/visit/{child}/",
         {"visited_on": "2024-01-02", "mode": "home", "findings": "家中情况良好"}),
        ("get", "children/cases/<int:pk>/", "/children/cases/{child_case}/", None),
        ("post", "children/cases/<int:pk>/", "/children/cases/{child_case}/",
         {"step": "follow_up", "happened_on": "2024-01-02", "note": "回访情况良好"}),
        ("get", "children/cases/<int:pk>/revocation/<int:event_pk>.pdf",
         "/children/cases/{child_case}/revocation/{revocation}.pdf", None),
        ("get", ch + "/children/{child_id}", ch + "/children/{child}", None),
        ("post", ch + "/children/{child_id}/visits", ch + "/children/{child}/visits",
         {"visited_on": "2024-01-02", "mode": "home", "findings": "家中情况良好"}),
        ("post", ch + "/children/{child_id}/guardians", ch + "/children/{child}/guardians",
         {"kind": "mother", "relation": "母子", "person_id": "{person2}", "valid_from": "2020-01-01"}),
        ("get", kase, ch + "/cases/{child_case}", None),
        ("get", kase + "/access-log", ch + "/cases/{child_case}/access-log", None),
        ("post", kase + "/steps/{step}", ch + "/cases/{child_case}/steps/follow-up", step),
        ("post", kase + "/assessments", ch + "/cases/{child_case}/assessments",
         {"assessed_on": "2024-01-02", "answers": {"safety": 0}}),
        ("post", kase + "/referrals", ch + "/cases/{child_case}/referrals",
         {"org_id": 1, "service": "助学", "consent": "法定职责", "requested_on": "2024-01-02"}),
        ("post", ch + "/referrals/{referral_id}", ch + "/referrals/{referral}", {"action": "accept"}),
        ("post", kase + "/interventions", ch + "/cases/{child_case}/interventions",
         {"kind": "admonition", "happened_on": "2024-01-02", "note": "约谈监护人"}),
        ("post", kase + "/revocations", ch + "/cases/{child_case}/revocations",
         {"guardian_id": 1, "grounds": "多次殴打儿童经劝诫无效", "court": "法院", "happened_on": "2024-01-02"}),
        ("get", kase + "/revocations/{event_id}/pdf", ch + "/cases/{child_case}/revocations/{revocation}/pdf", None),
        ("post", ch + "/state-care/{care_id}/exit", ch + "/state-care/{care}/exit",
         {"exit_on": "2024-01-02", "destination": "family"}),
        ("post", ch + "/adoptions/{adoption_id}/dissolve", ch + "/adoptions/{adoption}/dissolve",
         {"dissolved_on": "2024-01-02", "reason": "协议解除"}),
    ]
    mar, fun, pn = api + "/marriage", api + "/funeral", api + "/placenames"
    cases += [
        ("get", "funeral/facilities/<int:pk>/", "/funeral/facilities/{forest}/", None),
        ("post", "funeral/claims/<int:pk>/approve/", "/funeral/claims/{claim}/approve/", {}),
        ("get", "placenames/applications/<int:pk>/", "/placenames/applications/{naming}/", None),
        ("get", "placenames/signs/<int:pk>/", "/placenames/signs/{sign}/", None),
        ("post", "placenames/signs/<int:pk>/", "/placenames/signs/{sign}/",
         {"inspected_on": TODAY.isoformat(), "condition": "good"}),
        ("get", "placenames/boundaries/<int:pk>/", "/placenames/boundaries/{boundary}/", None),
        ("get", "placenames/redivisions/<int:pk>/", "/placenames/redivisions/{redivision}/", None),
        ("get", "/api/placenames/redivisions/{succession_id}", pn + "/redivisions/{redivision}", None),
        ("post", "placenames/boundaries/<int:pk>/", "/placenames/boundaries/{boundary}/",
         {"action": "inspect", "inspected_on": TODAY.isoformat(), "parties": "礼乐街道、外海街道",
          "findings": "全线巡查完毕", "markers_damaged": "0"}),
        ("get", "rehab/centres/<int:pk>/", "/rehab/centres/{kangyuan}/", None),
        ("post", "rehab/centres/<int:pk>/", "/rehab/centres/{kangyuan}/",
         {"action": "enrol", "person": "", "since": TODAY.isoformat(), "plan": "日间康复训练"}),
        ("get", "placenames/applications/<int:pk>/certificate.pdf", "/placenames/applications/{naming}/certificate.pdf",
         None),
        ("get", "/api/marriage/registrations/{registration_id}", mar + "/registrations/{registration}", None),
        ("get", "/api/marriage/divorce-applications/{application_id}", mar + "/divorce-applications/{divorce}", None),
        ("post", "/api/marriage/divorce-applications/{application_id}/withdraw",
         mar + "/divorce-applications/{divorce}/withdraw", {"id_number": "{lin_id}", "on": TODAY.isoformat()}),
        ("post", "/api/marriage/divorce-applications/{application_id}/confirm",
         mar + "/divorce-applications/{divorce}/confirm", {"on": TODAY.isoformat()}),
        ("get", "/api/funeral/deaths/{record_id}", fun + "/deaths/{death}", None),
        ("post", "/api/marriage/registrations/{registration_id}/ceremony",
         mar + "/registrations/{registration}/ceremony", {"date": TODAY.isoformat()}),
        ("post", "/api/funeral/basic-claims/{claim_id}/approve", fun + "/basic-claims/{claim}/approve", {}),
        ("post", "/api/funeral/facilities/{facility_id}/settlements", fun + "/facilities/{home}/settlements",
         {"month": TODAY.replace(day=1).isoformat()}),
        ("get", "/api/funeral/facilities/{facility_id}/plots", fun + "/facilities/{forest}/plots", None),
        ("post", "/api/funeral/plots/{plot_id}/{action}", fun + "/plots/{plot}/reserve",
         {"holder_name": "王家", "on": TODAY.isoformat()}),
        ("post", "/api/funeral/eco-burials/{burial_id}/approve", fun + "/eco-burials/{burial}/approve", {}),
        ("post", "/api/funeral/eco-burials/{burial_id}/pay", fun + "/eco-burials/{burial}/pay",
         {"paid_on": TODAY.isoformat()}),
        ("get", "/api/placenames/places/{place_id}", pn + "/places/{place}", None),
        ("post", "/api/placenames/places/{place_id}/pinyin", pn + "/places/{place}/pinyin", {"pinyin": "Lǐlè Dàdào"}),
        ("get", "/api/placenames/applications/{application_id}", pn + "/applications/{naming}", None),
        ("post", "/api/placenames/applications/{application_id}/steps/{step}",
         pn + "/applications/{pending}/steps/comment-open",
         {}),
        ("get", "/api/placenames/applications/{application_id}/certificate.pdf",
         pn + "/applications/{naming}/certificate.pdf", None),
    ]
    cha = api + "/charity"
    cases += [
        ("get", "/api/charity/charities/{charity_id}", cha + "/charities/{charity}", None),
        ("post", "/api/charity/charities/{charity_id}/funds/{fund_id}/donations",
         cha + "/charities/{charity}/funds/{fund}/donations",
         {"donor_name": "陈美华", "amount": "100", "received_on": TODAY.isoformat()}),
        ("post", "/api/charity/donations/{donation_id}/receipt", cha + "/donations/{donation}/receipt", {}),
        ("post", "/api/charity/expenditures/{expenditure_id}/approve", cha + "/expenditures/{expenditure}/approve",
         {"approve": True}),
        ("post", "/api/charity/wishes/{wish_id}/claim", cha + "/wishes/{wish}/claim", {"claimant": "陈美华"}),
        ("post", "/api/charity/wishes/{wish_id}/fulfil", cha + "/wishes/{wish}/fulfil",
         {"evidence": "轮椅已送达", "on": TODAY.isoformat()}),
        ("post", "/api/charity/wishes/{wish_id}/close", cha + "/wishes/{wish}/close", {}),
        ("post", "/api/lottery/outlets/{outlet_id}/inspections", api + "/lottery/outlets/{outlet}/inspections",
         {"result": "passed", "findings": "合格"}),
        ("post", "/api/lottery/outlets/{outlet_id}/close", api + "/lottery/outlets/{outlet}/close",
         {"reason": "代销者申请停止代销"}),
        ("post", "/api/charity/charities/{charity_id}/fundraising-qualification",
         cha + "/charities/{charity}/fundraising-qualification", {}),
        ("post", "/api/charity/charities/{charity_id}/funds", cha + "/charities/{charity}/funds",
         {"name": "礼乐助学基金", "kind": "special", "purpose": "助学"}),
        ("post", "/api/charity/charities/{charity_id}/plans", cha + "/charities/{charity}/plans",
         {"fund_id": "{fund}", "title": "礼乐助学募捐", "purpose": "助学", "target": "10000",
          "starts_on": TODAY.isoformat(), "ends_on": (TODAY + dt.timedelta(days=30)).isoformat()}),
        ("post", "/api/charity/charities/{charity_id}/projects", cha + "/charities/{charity}/projects",
         {"fund_id": "{fund}", "name": "英南助学", "purpose": "助学", "area_code": "440704005001"}),
        ("post", "/api/charity/charities/{charity_id}/expenditures", cha + "/charities/{charity}/expenditures",
         {"fund_id": "{fund}", "project_id": "{charity_project}", "amount": "10", "spent_on": TODAY.isoformat(),
          "evidence": "签收表"}),
        ("post", "/api/charity/trusts/{trust_id}/reports", cha + "/trusts/{trust}/reports",
         {"year": TODAY.year - 1, "assets_end": "500000", "spent": "1000", "summary": "资助学生"}),
        ("post", "/api/charity/spaces/{space_id}/stock", cha + "/spaces/{space}/stock", {"item": "大米", "change": 5}),
        ("post", "/api/charity/referrals/{referral_id}/answer", cha + "/referrals/{charity_referral}/answer",
         {"status": "accepted", "outcome": "纳入助学项目"}),
        ("post", "/api/charity/demo-sites/{site_id}/revoke", cha + "/demo-sites/{demo_site}/revoke",
         {"reason": "不再符合条件"}),
    ]
    # 流浪乞讨人员救助: the station's record (江海区) and the return bound for 礼乐街道
    vg, day = api + "/vagrancy", TODAY.isoformat()
    cases += [
        ("get", "vagrancy/stays/<int:pk>/", "/vagrancy/stays/{vg_stay}/", None),
        ("post", "vagrancy/transfers/<int:pk>/confirm/", "/vagrancy/transfers/{vg_transfer}/confirm/",
         {"arrived_on": day, "receiver": "陈母"}),
        ("get", "/api/vagrancy/stays/{stay_id}", vg + "/stays/{vg_stay}", None),
        ("post", "/api/vagrancy/stays/{stay_id}/identify", vg + "/stays/{vg_stay}/identify",
         {"id_number": "{lin_id}", "name": "林美玲", "on": day}),
        ("post", "/api/vagrancy/stays/{stay_id}/care", vg + "/stays/{vg_stay}/care",
         {"day": day, "meals": 3, "health": "良好"}),
        ("post", "/api/vagrancy/stays/{stay_id}/referrals", vg + "/stays/{vg_stay}/referrals",
         {"hospital": "江海区人民医院", "reason": "发热", "referred_on": day}),
        ("post", "/api/vagrancy/referrals/{referral_id}/return", vg + "/referrals/{vg_referral}/return",
         {"returned_on": day, "outcome": "好转"}),
        ("post", "/api/vagrancy/stays/{stay_id}/notices", vg + "/stays/{vg_stay}/notices",
         {"text": "望家属联系", "published_on": day}),
        ("post", "/api/vagrancy/stays/{stay_id}/leave", vg + "/stays/{vg_stay}/leave",
         {"kind": "left", "ended_on": day, "note": "自行离站"}),
        ("post", "/api/vagrancy/stays/{stay_id}/transfer", vg + "/stays/{vg_stay}/transfer",
         {"destination_code": "440704005", "departed_on": day, "escort": "护送乘车"}),
        ("post", "/api/vagrancy/transfers/{transfer_id}/confirm", vg + "/transfers/{vg_transfer}/confirm",
         {"arrived_on": day, "receiver": "陈母"}),
    ]
    li = api + "/lowincome"
    cases += [
        # 低收入人口动态监测 and 一门受理 (lowincome/tests)
        ("get", "lowincome/alerts/<int:pk>/", "/lowincome/alerts/{li_alert}/", None),
        ("post", "lowincome/alerts/<int:pk>/<str:action>/", "/lowincome/alerts/{li_alert}/close/",
         {"reason": "核实后无困难情况"}),
        ("post", "lowincome/referrals/<int:pk>/<str:action>/", "/lowincome/referrals/{li_referral}/accept/", {}),
        ("get", "lowincome/people/<int:pk>/", "/lowincome/people/{person}/", None),
        ("get", "/api/lowincome/alerts/{alert_id}", li + "/alerts/{li_alert}", None),
        ("post", "/api/lowincome/alerts/{alert_id}/verify", li + "/alerts/{li_alert}/verify",
         {"finding": "入户核实情况属实"}),
        ("post", "/api/lowincome/alerts/{alert_id}/recognise", li + "/alerts/{li_alert}/recognise",
         {"opinion": "认定存在困难"}),
        ("post", "/api/lowincome/alerts/{alert_id}/refer", li + "/alerts/{li_alert}/refer",
         {"programme": "temporary", "variant": "emergency"}),
        ("post", "/api/lowincome/alerts/{alert_id}/close", li + "/alerts/{li_alert}/close",
         {"reason": "核实后无困难情况"}),
        ("post", "/api/lowincome/referrals/{referral_id}/{action}", li + "/referrals/{li_referral}/accept", {}),
        ("get", "/api/lowincome/people/{person_id}/record", li + "/people/{person}/record", None),
    ]
    # 城乡社区治理 (community/tests): 议事协商, bodies; 社工站 督导 and 社工服务点 (socialwork/tests)
    cm, sw = api + "/community", api + "/socialwork/stations/{station}"
    cases += [
        ("get", "community/consultations/<int:pk>/", "/community/consultations/{cm_consultation}/", None),
        ("post", "community/consultations/<int:pk>/<slug:action>/",
         "/community/consultations/{cm_consultation}/publish/", {}),
        ("post", "community/bodies/<int:pk>/members/", "/community/bodies/{cm_body}/members/",
         {"person": "{person2}", "post": "委员"}),
        ("get", "/api/community/consultations/{consultation_id}", cm + "/consultations/{cm_consultation}", None),
        ("post", "/api/community/consultations/{consultation_id}/follow-up",
         cm + "/consultations/{cm_consultation}/follow-up", {"done_on": TODAY.isoformat(), "result": "已完成"}),
        ("post", "/api/community/consultations/{consultation_id}/publish",
         cm + "/consultations/{cm_consultation}/publish", {}),
        ("get", "/api/community/bodies/{body_id}", cm + "/bodies/{cm_body}", None),
        ("post", "/api/community/bodies/{body_id}/members", cm + "/bodies/{cm_body}/members",
         {"person_id": "{person2}", "post": "委员"}),
        ("post", "volunteers/orgs/<int:pk>/revoke/", "/volunteers/orgs/{vol_org}/revoke/", {"reason": "停止活动"}),
        ("post", "/api/volunteers/orgs/{vorg_id}/revoke", api + "/volunteers/orgs/{vol_org}/revoke",
         {"reason": "停止活动"}),
        ("post", "community/bodies/<int:pk>/renew/", "/community/bodies/{cm_body}/renew/",
         {"election": "{cm_election}", "person": "{person}", "post": "主任"}),
        ("post", "/api/community/bodies/{body_id}/renew", cm + "/bodies/{cm_body}/renew",
         {"election_id": "{cm_election}", "members": [{"person_id": "{person}", "post": "主任"}]}),
        ("post", "community/workers/<int:pk>/leave/", "/community/workers/{cm_worker}/leave/",
         {"kind": "resigned", "left_on": TODAY.isoformat(), "reason": "个人原因"}),
        ("post", "/api/community/workers/{worker_id}/leave", cm + "/workers/{cm_worker}/leave",
         {"kind": "resigned", "left_on": TODAY.isoformat(), "reason": "个人原因"}),
        ("post", "socialwork/stations/<int:pk>/supervisions/", "/socialwork/stations/{station}/supervisions/",
         {"held_on": TODAY.isoformat(), "supervisor": "何督导", "findings": "记录完整"}),
        ("post", "socialwork/stations/<int:pk>/points/", "/socialwork/stations/{station}/points/",
         {"area_code": "440704003002", "name": "向东村社工服务点", "opened_on": TODAY.isoformat()}),
        ("get", "/api/socialwork/stations/{station_id}/supervisions", sw + "/supervisions", None),
        ("post", "/api/socialwork/stations/{station_id}/supervisions", sw + "/supervisions",
         {"held_on": TODAY.isoformat(), "supervisor": "何督导", "findings": "记录完整"}),
        ("get", "/api/socialwork/stations/{station_id}/points", sw + "/points", None),
        ("post", "/api/socialwork/stations/{station_id}/points", sw + "/points",
         {"area_code": "440704003002", "name": "向东村社工服务点", "opened_on": TODAY.isoformat()}),
    ]
    # 居民掌上办: pages only for a resident with a portal account (staff get 403 on every one, the same for any id);
    # one resident asking for another's records is walked in portal/tests/test_scope.py.
    cases += [
        ("get", "portal/applications/<int:pk>/", "/portal/applications/{pt_app}/", None),
        ("post", "portal/applications/<int:pk>/", "/portal/applications/{pt_app}/", {}),
        ("post", "portal/applications/<int:pk>/upload/", "/portal/applications/{pt_app}/upload/", "multipart"),
        ("get", "portal/gongshi/<int:pk>/objection/", "/portal/gongshi/{pt_pub}/objection/", None),
        ("post", "portal/gongshi/<int:pk>/objection/", "/portal/gongshi/{pt_pub}/objection/",
         {"reason": "该户上月新购小汽车一辆"}),
    ]
    return cases


CASES = _cases()


def _page_routes() -> set[tuple[str, str]]:
    """Every id-taking page route (methods are not declared on Django views: GET and POST are both asked)."""
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    routes = {r for r in walk(get_resolver().url_patterns) if "<" in r and not r.startswith(("admin/", "api/"))}
    return routes


def _api_operations() -> set[tuple[str, str]]:
    from minzheng.api import api

    schema = api.get_openapi_schema()
    return {(method, path) for path, ops in schema["paths"].items() if "{" in path for method in ops}


def test_every_id_taking_endpoint_has_a_case():
    covered = {(m, r) for m, r, _, _ in CASES} | PUBLIC
    api_ops = _api_operations()
    missing_api = api_ops - covered
    assert not missing_api, f"这些带编号的接口没有越权访问用例：{sorted(missing_api)}"
    pages = _page_routes()
    missing_pages = {r for r in pages if not any(cr == r for _, cr in covered)}
    assert not missing_pages, f"这些带编号的页面没有越权访问用例：{sorted(missing_pages)}"
    stale = {(m, r) for m, r in covered if r not in pages and (m, r) not in api_ops}
    assert not stale, f"用例所指的地址已不存在：{sorted(stale)}"


def _fill(template: str, ids: dict) -> str:
    return template.format(**{k: v for k, v in ids.items() if k != "secrets"})


def _body(body, ids: dict):
    """Ids named in a body ("{person2}") are filled in like the URL's, so each case names live objects."""
    if isinstance(body, dict):
        return {k: _body(v, ids) for k, v in body.items()}
    if isinstance(body, list):
        return [_body(v, ids) for v in body]
    if isinstance(body, str) and body.startswith("{") and body[1:-1] in ids:
        return ids[body[1:-1]]
    return body


def _call(client, method, url, body):
    if body == "investigation":
        return client.post(url, {"visit_date": "2024-01-01", "visitors": "甲、乙", "findings": "家中情况与申报一致无误",
                                  "conclusion": "eligible"})
    if body == "multipart":
        return client.post(url, {"kind": "other", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")})
    if url.startswith("/api/"):
        if method == "get":
            return client.get(url)
        return getattr(client, method)(url, body or {}, content_type="application/json")
    if method == "get":
        return client.get(url)
    return client.post(url, body or {})


_CSRF = re.compile(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def _content(r) -> bytes:
    body = b"".join(r.streaming_content) if r.streaming else r.content
    return _CSRF.sub(rb"\1-", body)


def _state():
    # A refused request writes nothing but its own 安全审计 entry (access.denied, the id asked for only).
    return (AuditEntry.objects.exclude(action="access.denied").count(),
            RosterLine.objects.filter(status="pending").count(),
            Anomaly.objects.filter(status="open").count(), RecheckTask.objects.filter(status="open").count())


def test_another_areas_county_gets_exactly_what_an_absent_id_gets_on_every_endpoint(world, jianghai):
    w = world
    outsider, insider = Client(), Client()
    outsider.force_login(w.liang)
    insider.force_login(w.huang)
    absent = {k: (ABSENT if isinstance(v, int) else "999999") for k, v in jianghai.items() if k != "secrets"}
    secrets = [s.encode() for s in jianghai["secrets"]]
    before = _state()
    failures = []
    for method, _route, template, body in CASES:
        url, nowhere = _fill(template, jianghai), _fill(template, absent)
        hidden = _call(outsider, method, url, _body(body, jianghai))
        gone = _call(outsider, method, nowhere, _body(body, absent))
        # An id in the path may be echoed back ("行政区划“440704”不存在"): that tells nothing new.
        seen = _content(hidden).replace(jianghai["area"].encode(), absent["area"].encode())
        if hidden.status_code not in (403, 404):
            failures.append(f"{method.upper()} {url}: 状态{hidden.status_code}（应为403或404）")
        elif (hidden.status_code, seen) != (gone.status_code, _content(gone)):
            failures.append(f"{method.upper()} {url}: 与不存在的编号答复不同"
                            f"（{hidden.status_code}/{gone.status_code}）")
        leaked = [s.decode() for s in secrets if s in seen]
        if leaked:
            failures.append(f"{method.upper()} {url}: 泄露了{leaked}")
        if _state() != before:
            failures.append(f"{method.upper()} {url}: 写入了数据")
            before = _state()
        # 黄志强 of 江海区 asks the same (rolled back) and is not told "not found": the case names a live object.
        with transaction.atomic():
            mine = _call(insider, method, url, _body(body, jianghai))
            transaction.set_rollback(True)
        if mine.status_code == 404:
            failures.append(f"{method.upper()} {url}: 本辖区用户也得到404，用例没有指向实际记录")
    assert not failures, "\n".join(failures)


def test_the_shared_pickers_offer_another_areas_county_exactly_what_a_nowhere_area_gets(world):
    """The area picker (`/areas/pick/?parent=…`, `?chain=…`) and the person search (`/persons/pick/`, POST) take a
    code or a name, not an id in the path, so they are not in the table above; the same rule holds for them: for
    梁文杰, 江海区's branch and 英南村's 陈 family are answered exactly like an area and a name that do not exist,
    while 黄志强 of 江海区 gets them; nothing is written (these are reads)."""
    w = world
    outsider, insider = Client(), Client()
    outsider.force_login(w.liang)
    insider.force_login(w.huang)
    for params in ({"parent": w.jianghai.code}, {"parent": w.yingnan.parent.code}, {"chain": w.yingnan.code}):
        nowhere = {k: "999999" for k in params}
        hidden, gone = outsider.get("/areas/pick/", params), outsider.get("/areas/pick/", nowhere)
        assert (hidden.status_code, hidden.content) == (gone.status_code, gone.content), params
        assert w.yingnan.name.encode() not in hidden.content and w.jianghai.name.encode() not in hidden.content
        assert insider.get("/areas/pick/", params).content != gone.content, params
    before = _state()
    for q in (w.dad.name, w.dad.name[:1], w.dad.id_number, w.dad.id_number[-4:]):
        for purpose in ("registry", "facility", "retrofit", "lowincome", "elder"):
            hidden = outsider.post("/persons/pick/", {"q": q, "purpose": purpose})
            gone = outsider.post("/persons/pick/", {"q": "查无此人", "purpose": purpose})
            assert (hidden.status_code, hidden.json()) == (gone.status_code, {"persons": []}), (q, purpose)
    mine = insider.post("/persons/pick/", {"q": w.dad.name, "purpose": "registry"}).json()["persons"]
    assert w.dad.pk in [p["id"] for p in mine] and w.dad.id_number not in str(mine)
    assert _state() == before
