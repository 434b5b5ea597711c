"""Demo 大社会治理 work for `setup_demo`, through the real services as the demo accounts of 江海区:

- two social organisations of 礼乐街道's first demo village taken in by `jh_lile`, reviewed by `jh_county` and
  approved by `jh_checker`; one is a hub and has filed last year's 年报, the other is on the 活动异常名录
  (unreachable at its domicile) and shows on the public credit-list page;
- 礼乐街道社工站 with `jh_socialworker` (苏晓晴) as its 社工, who has served one target-group resident this year;
- a volunteer activity with confirmed hours and a 志愿服务记录证明; a published 村务公开 item and an election.

Idempotent: skipped when the demo organisation exists; all of it in one transaction.
"""

import datetime as dt

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.community import services as community
from minzheng.core.periods import local_date
from minzheng.registry.models import Person
from minzheng.socialorgs import services as socialorgs
from minzheng.socialorgs.models import SocialOrg
from minzheng.socialwork import services as socialwork
from minzheng.socialwork.selectors import in_target_group
from minzheng.timebank import services as timebank
from minzheng.timebank.models import Volunteer
from minzheng.volunteers import services as volunteers

VILLAGE, TOWN = "440704005001", "440704005"
ORGS = ["江海区礼乐义工联合会", "英南村长者互助协会"]


def seed_governance_demo(today: dt.date | None = None) -> str:
    today = today or local_date()
    if SocialOrg.objects.filter(name=ORGS[0]).exists():
        return "演示社会组织已存在，跳过"
    users = {u.username: u for u in User.objects.filter(
        username__in=["jh_county", "jh_checker", "jh_lile", "jh_village", "jh_socialworker"])}
    village = Area.objects.current().filter(code=VILLAGE).first()
    town = Area.objects.current().filter(code=TOWN).first()
    people = list(Person.objects.filter(residence_area=village, death_date__isnull=True,
                                        birth_date__lt=dt.date(today.year - 25, 1, 1)).order_by("id")[:2])
    if village is None or town is None or len(users) < 5 or len(people) < 2:
        return "缺少演示账号或演示村居，跳过社会治理演示数据"
    county, checker, window, chen, su = (users[k] for k in ("jh_county", "jh_checker", "jh_lile", "jh_village",
                                                             "jh_socialworker"))
    with transaction.atomic():
        orgs = []
        for name, purpose in zip(ORGS, ["组织志愿服务、开展社区互助", "长者互助、文体活动"], strict=True):
            app = socialorgs.establish_apply(actor=window, area=village, name=name, form="social_group",
                                             legal_rep=people[0], capital="30000", domicile=f"{village.name}文化楼",
                                             purpose=purpose, supervisor="江海区民政局")
            app = socialorgs.application_review(actor=county, application=app, approve=True, opinion="材料齐全")
            orgs.append(socialorgs.application_approve(actor=checker, application=app,
                                                       today=dt.date(today.year - 3, 3, 1)))
        socialorgs.hub_designate(actor=county, org=orgs[0])
        socialorgs.annual_report_submit(actor=window, org=orgs[0], year=today.year - 1, income="52000",
                                        expense="48000", activities="开展志愿服务42场", today=today)
        socialorgs.credit_list(actor=county, org=orgs[1], ground="unreachable", today=today)
        draw = socialorgs.check_draw(actor=county, area=town, sample_size=1, today=today)  # 双随机: the server's seed
        check = draw.checks.get()
        socialorgs.check_result(actor=check.inspectors.order_by("id").first(), check=check, result="passed",
                                findings="内部治理和财务管理规范", today=today)
        station = socialwork.station_open(actor=county, town=town, name="礼乐街道社工站",
                                          opened_on=dt.date(2021, 6, 1))
        socialwork.worker_add(actor=county, station=station, user=su, since=dt.date(2021, 6, 1),
                              certificate="助理社会工作师")
        target = (Person.objects.filter(residence_area__path__startswith=town.path, death_date__isnull=True)
                  .filter(in_target_group(today)).order_by("id").first())
        if target is not None:
            socialwork.service_record(actor=su, person=target, service="care", served_on=today,
                                      note="入户探访，了解生活和健康情况", today=today)
        volunteer = Volunteer.objects.filter(area=village).first() or timebank.volunteer_register(
            actor=chen, person=people[1])
        volunteers.volunteer_org_register(actor=county, org=orgs[0], service_fields="扶老助残、社区服务", today=today)
        activity = volunteers.activity_create(actor=chen, area=village, title="关爱独居老人", held_on=today,
                                              content="上门陪伴、代购生活用品", org=orgs[0])
        volunteers.hours_confirm(actor=chen, signup=volunteers.signup(actor=chen, activity=activity,
                                                                      volunteer=volunteer), hours="2", today=today)
        volunteers.certificate_issue(actor=window, volunteer=volunteer, issuer=ORGS[0], today=today)
        item = community.disclosure_create(
            actor=chen, area=village, category="affairs", title="村道硬底化工程",
            content="工程预算30万元，由村集体经济支出",
            steps={"proposal": today - dt.timedelta(days=20), "consult": today - dt.timedelta(days=18),
                   "review": today - dt.timedelta(days=15), "resolve": today - dt.timedelta(days=10)})
        community.disclosure_publish(actor=chen, item=item, today=today)
        community.election_record(actor=chen, area=village, held_on=dt.date(2021, 3, 20), voters=1200, votes=1104,
                                  non_hukou_voters=80, one_shoulder=True)
    return f"新增社会组织{len(orgs)}家、社工站1个、志愿服务活动1场、村务公开1项"
