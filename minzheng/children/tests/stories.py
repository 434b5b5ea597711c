"""The cast of the 大儿童保障 stories, on the real reference areas (world of the 大救助 stories):

- 陈小玲 (w.chen), 英南村's 儿童主任; 李建华 (w.li), 礼乐街道's 儿童督导员;
- 周慧 (w.zhouhui), staff of 江海区未成年人救助保护中心 (the centre);
- 徐丽 (w.xu), 儿童主任 of 外海社区 in another town; 马伟 (w.ma), an eldercare worker of 礼乐街道 without a child post;
- 黄志强 (w.huang), the county approver of 江海区, on no case;
- 陈小宝 (w.son, born 2012) of the 陈 family of 英南村 is the child of the stories.
"""

import datetime as dt

import pytest

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance.tests.stories import world_fixture  # noqa: F401
from minzheng.children import services
from minzheng.children.models import OrgKind, Post
from minzheng.core.periods import local_date

START = dt.date(2024, 1, 2)


def user(username, name, role, *areas):
    return user_create(actor=None, username=username, password="Minzheng#2026", display_name=name, role=role,
                       areas=list(areas))


def network(w):
    """江海区's child-protection network, appointed by the county (黄志强)."""
    w.centre = services.org_create(actor=w.huang, name="江海区未成年人救助保护中心", kind=OrgKind.CENTRE,
                                   area=w.jianghai, opened_on=dt.date(2020, 6, 1))
    w.station = services.org_create(actor=w.huang, name="礼乐街道未成年人保护工作站", kind=OrgKind.STATION,
                                    area=w.lile, opened_on=dt.date(2022, 3, 1))
    w.school_dept = services.org_create(actor=w.huang, name="江海区教育局", kind=OrgKind.DEPARTMENT, area=w.jianghai,
                                        opened_on=dt.date(2020, 1, 1))
    w.zhouhui = user("zhouhui", "周慧", Role.COUNTY, w.jianghai)
    w.xu = user("xuli", "徐丽", Role.VILLAGE, w.waihai_village)
    w.ma = user("mawei", "马伟", Role.TOWN, w.lile)
    w.director = services.appointment_create(actor=w.huang, post=Post.DIRECTOR, name="陈小玲", user=w.chen,
                                             area=w.yingnan, start_date=START)
    w.supervisor = services.appointment_create(actor=w.huang, post=Post.SUPERVISOR, name="李建华", user=w.li,
                                               area=w.lile, start_date=START)
    w.centre_post = services.appointment_create(actor=w.huang, post=Post.CENTRE, name="周慧", user=w.zhouhui,
                                                area=w.jianghai, org=w.centre, start_date=START, full_time=True)
    services.appointment_create(actor=w.huang, post=Post.DIRECTOR, name="徐丽", user=w.xu, area=w.waihai_village,
                                start_date=START)
    return w


@pytest.fixture
def kids(world):
    return network(world)


def today():
    return local_date()


def jianghai_child_objects(w):
    """江海区's child-protection objects for tests/test_area_scope_every_endpoint.py: 黄志强 staffs the district's
    centre (so the county's own check reaches every object); 何小军 (9) of 英南村 was reported by his school, his case
    went through an unfit-guardian assessment to a revocation application and a referral; he is in 临时监护."""
    from minzheng.core.idcard import make_id_number
    from minzheng.registry.services import person_create

    t = local_date()
    centre = services.org_create(actor=w.huang, name="江海区未成年人救助保护中心", kind=OrgKind.CENTRE,
                                 area=w.jianghai, opened_on=dt.date(2020, 6, 1))
    dept = services.org_create(actor=w.huang, name="江海区教育局", kind=OrgKind.DEPARTMENT, area=w.jianghai,
                               opened_on=dt.date(2020, 1, 1))
    services.appointment_create(actor=w.huang, post=Post.CENTRE, name="黄志强", user=w.huang, area=w.jianghai,
                                org=centre, start_date=START)
    boy = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(t.year - 9, 4, 1), 531),
                        name="何小军", hukou_area=w.yingnan, residence_area=w.yingnan)
    father = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1985, 2, 3), 533),
                           name="何大勇", hukou_area=w.yingnan, residence_area=w.yingnan)
    guardian = services.guardian_add(actor=w.huang, child=boy, kind="father", person=father, relation="父子",
                                     valid_from=boy.birth_date)
    report = services.report_file(actor=w.huang, child=boy, source="school", priority="high", what="多次带伤到校",
                                  location="英南村小学", reporter_name="郑老师")
    case = report.case
    services.case_verify(actor=w.huang, case=case, happened_on=t, finding="核实属实", substantiated=True)
    services.intervention_record(actor=w.huang, case=case, kind="assessment", happened_on=t, guardian=guardian,
                                 outcome="unfit", note="严重不履行监护职责")
    revocation = services.revocation_apply(actor=w.huang, case=case, guardian=guardian, court="江海区人民法院",
                                           grounds="何大勇多次殴打何小军，经劝诫拒不改正", happened_on=t)
    referral = services.referral_create(actor=w.huang, case=case, org_id=dept.pk, service="心理辅导",
                                        consent="法定职责", requested_on=t)
    care = services.state_care_intake(actor=w.huang, child=boy, org=centre, kind="temporary", intake_on=t,
                                      reason="父亲被刑事拘留，暂时无人监护")
    adopter = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1980, 6, 6), 535),
                            name="冯收养", hukou_area=w.yingnan, residence_area=w.yingnan)
    baby = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(t.year - 3, 1, 9), 537),
                         name="冯小宝", hukou_area=w.yingnan, residence_area=w.yingnan)
    adoption = services.adoption_register(actor=w.huang, child=baby, adopter=adopter, area=w.jianghai,
                                          assessment_result="suitable", assessed_by="江海区社工中心",
                                          assessed_on=t, registered_on=t, certificate_number="JH-SY-0001",
                                          archive_number="JH-DA-0001")
    return {"child": boy.pk, "child_case": case.pk, "adoption": adoption.pk, "referral": referral.pk,
            "revocation": revocation.pk, "care": care.pk,
            "child_secrets": ["何小军", boy.id_number, "何大勇", "郑老师", "冯小宝", "JH-SY-0001"]}
