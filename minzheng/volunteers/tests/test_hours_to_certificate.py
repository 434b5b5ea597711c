"""林志强 volunteers at 英南村's 关爱独居老人 activity organised by 陈小玲: he signs up himself, cannot confirm his own
hours, 陈小玲 confirms three; they go into the time bank as her report (刘芳 and 李建华 review, the one ledger
credits them); 李建华 issues his 志愿服务记录证明, which anyone can verify by its code."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.pdf import pdf_text
from minzheng.timebank import services as timebank
from minzheng.timebank.models import HourReport
from minzheng.volunteers import selectors, services
from minzheng.volunteers.documents import certificate_pdf
from minzheng.volunteers.models import Signup

from .stories import volunteer_org

pytestmark = pytest.mark.django_db
HELD, NEXT_DAY = dt.date(2025, 3, 1), dt.date(2025, 3, 2)


@pytest.fixture
def v(areas, people, make_person):
    lin_user = user_create(actor=None, username="linzq", password="Minzheng#2026", display_name="林志强",
                           role=Role.RESIDENT, areas=[])
    chen = people["village_worker"]
    lin = timebank.volunteer_register(actor=chen, person=make_person("林志强"), user=lin_user)
    vo = volunteer_org(window=people["lile_officer"], reviewer=people["jianghai_approver"],
                       approver=people["jianghai_checker"], area=areas["yingnan"], legal_rep=make_person("冯志明"))
    activity = services.activity_create(actor=chen, area=areas["yingnan"], title="关爱独居老人", held_on=HELD,
                                        content="上门陪伴、代购生活用品", feeds_timebank=True, org=vo.org)
    liufang = user_create(actor=None, username="liufang", password="Minzheng#2026", display_name="刘芳",
                          role=Role.VILLAGE, areas=[areas["yingnan"]])
    return {"lin": lin, "lin_user": lin_user, "chen": chen, "activity": activity, "liufang": liufang,
            "lijh": people["lile_officer"]}


def test_a_volunteers_hours_become_a_verifiable_certificate(v, client: Client):
    s = services.signup(actor=v["lin_user"], activity=v["activity"], volunteer=v["lin"])
    with pytest.raises(DomainError, match="志愿者本人不能确认自己的服务时长"):
        services.hours_confirm(actor=v["lin_user"], signup=s, hours="3", today=NEXT_DAY)
    s.refresh_from_db()
    assert s.status == Signup.Status.SIGNED and s.hours is None and not HourReport.objects.exists()

    s = services.hours_confirm(actor=v["chen"], signup=s, hours="3", today=NEXT_DAY)
    assert (s.status, s.hours) == ("confirmed", D("3"))
    with pytest.raises(Conflict, match="已确认"):
        services.hours_confirm(actor=v["chen"], signup=s, hours="3", today=NEXT_DAY)
    # one ledger: the hours reach the time bank as 陈小玲's report and are credited only after its two reviews
    report = s.timebank_report
    assert (report.hours, report.reported_by, report.status) == (D("3"), v["chen"], "reported")
    report = timebank.report_review_first(actor=v["liufang"], report=report, approve=True)
    timebank.report_review_second(actor=v["lijh"], report=report, approve=True)
    v["lin"].account.refresh_from_db()
    assert v["lin"].account.balance == D("3")

    cert = services.certificate_issue(actor=v["lijh"], volunteer=v["lin"], issuer="礼乐街道志愿服务站",
                                      today=NEXT_DAY)
    assert cert.total_hours == D("3") and len(cert.code) == 12
    text = pdf_text(certificate_pdf(cert))
    assert "志愿服务记录证明" in text and "林志强" in text and cert.code in text and "关爱独居老人" in text
    page = client.get("/volunteers/verify/", {"code": cert.code.lower()}).content.decode()
    assert "该证明真实有效" in page and "林**" in page and "3.0小时" in page and "林志强" not in page
    assert "未查到" in client.get("/volunteers/verify/", {"code": "ABCDEFGHJKLM"}).content.decode()
    assert client.get("/api/volunteers/public/verify", {"code": cert.code}).json()["name"] == "林**"
    assert client.get("/api/volunteers/public/verify", {"code": "X"}).status_code == 404


def test_only_the_organiser_confirms_and_nothing_before_the_activity(v, people):
    s = services.signup(actor=v["chen"], activity=v["activity"], volunteer=v["lin"])
    with pytest.raises(Conflict, match="已报名"):
        services.signup(actor=v["chen"], activity=v["activity"], volunteer=v["lin"])
    with pytest.raises(Forbidden, match="活动的组织人"):
        services.hours_confirm(actor=v["liufang"], signup=s, hours="2", today=NEXT_DAY)
    with pytest.raises(DomainError, match="活动尚未举行"):
        services.hours_confirm(actor=v["chen"], signup=s, hours="2", today=HELD - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="服务时长应大于0"):
        services.hours_confirm(actor=v["chen"], signup=s, hours="0", today=NEXT_DAY)
    with pytest.raises(DomainError, match="还没有经组织人确认"):
        services.certificate_issue(actor=v["lijh"], volunteer=v["lin"], issuer="礼乐街道志愿服务站")
    s.refresh_from_db()
    assert s.status == "signed" and not HourReport.objects.exists()


def test_the_public_check_shows_nothing_but_the_certificate(v):
    assert selectors.verify("") is None and selectors.verify("\x00") is None


def test_a_volunteer_point_per_village_facility(v, areas):
    services.point_open(actor=v["chen"], area=areas["yingnan"], host="community_centre", name="英南村志愿服务站",
                        opened_on=HELD)
    with pytest.raises(Conflict, match="已设有志愿服务站点"):
        services.point_open(actor=v["chen"], area=areas["yingnan"], host="community_centre", name="又一个",
                            opened_on=HELD)
    with pytest.raises(DomainError, match="设在村（居）"):
        services.point_open(actor=v["lijh"], area=areas["lile"], host="community_centre", name="x", opened_on=HELD)
