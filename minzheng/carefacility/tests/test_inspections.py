"""双随机一公开 in 江海区: a seeded draw that anyone can redo from its record, findings with deadlines, the overdue
list the county chases, and closure when the last finding is rectified."""

import datetime as dt

import pytest

from minzheng.carefacility import rules, selectors, services
from minzheng.carefacility.models import Inspection, InspectionDraw
from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEntry

from .stories import TODAY, home

pytestmark = pytest.mark.django_db
DAYS = dt.timedelta(days=1)


@pytest.fixture
def homes(care):
    w = care
    made = [home(w, name=f"江海第{i}养老院", area=w.lile if i % 2 else w.waihai, beds=())[0] for i in range(1, 6)]
    home(w, name="礼乐综合养老服务中心", kind="town_centre", beds=())  # not a 养老机构: never drawn
    return made


def test_the_draw_is_recorded_and_reproducible(care, homes):
    w = care
    draw = services.inspection_draw(actor=w.huang, area=w.jianghai, sample_size=2, seed=20240601,
                                    drawn_on=TODAY - 10 * DAYS)
    per = int(rules.param("inspectors_per_inspection", TODAY))
    assert draw.facility_pool == sorted(f.pk for f in homes)
    assert draw.inspector_pool == sorted([w.huang.pk, w.lin.pk])   # 江海's county staff; towns do not inspect
    picked = [(i.facility_id, sorted(i.inspectors.values_list("id", flat=True)))
              for i in draw.inspections.order_by("id")]
    assert len(picked) == 2 and len({f for f, _ in picked}) == 2 and all(len(us) == per for _, us in picked)
    # redoing the draw from what was recorded gives the same sample
    again = services.draw_sample(seed=draw.seed, facility_pool=draw.facility_pool,
                                 inspector_pool=draw.inspector_pool, sample_size=draw.sample_size, per_inspection=per)
    assert again == picked
    entry = AuditEntry.objects.get(action="inspection.draw")
    assert entry.after["seed"] == 20240601 and entry.after["sample"] == [[f, us] for f, us in picked]
    # without a seed one is generated and kept
    auto = services.inspection_draw(actor=w.huang, area=w.jianghai, sample_size=1)
    assert auto.seed > 0 and auto.inspections.count() == 1


def test_draw_refusals_name_the_problem(care, homes):
    w = care
    with pytest.raises(DomainError, match="在营养老机构只有5家"):
        services.inspection_draw(actor=w.huang, area=w.jianghai, sample_size=6, seed=1)
    with pytest.raises(DomainError, match="执法检查人员只有0名"):
        services.inspection_draw(actor=w.huang, area=w.lile, sample_size=1, seed=1)
    with pytest.raises(DomainError, match="无权开展双随机抽查"):
        services.inspection_draw(actor=w.li, area=w.lile, sample_size=1, seed=1)
    assert not InspectionDraw.objects.exists()


def test_findings_deadlines_overdue_list_and_closure(care, homes):
    w = care
    draw = services.inspection_draw(actor=w.huang, area=w.jianghai, sample_size=2, seed=5, drawn_on=TODAY - 40 * DAYS)
    first, second = draw.inspections.order_by("id")
    services.inspection_record(actor=w.lin, inspection=first, inspected_on=TODAY - 30 * DAYS,
                               summary="发现2项问题，限期整改", findings=[
                                   {"description": "消防通道堆放杂物", "deadline": TODAY - 10 * DAYS},
                                   {"description": "护理员未持证上岗", "deadline": TODAY + 20 * DAYS}])
    services.inspection_record(actor=w.huang, inspection=second, inspected_on=TODAY - 30 * DAYS,
                               summary="未发现问题")
    second.refresh_from_db()
    assert second.status == Inspection.Status.CLOSED and second.closed_on == TODAY - 30 * DAYS

    overdue = list(selectors.overdue_findings(w.huang, TODAY))
    assert [f.description for f in overdue] == ["消防通道堆放杂物"]
    assert not selectors.overdue_findings(w.liang, TODAY).exists()   # another county sees none of it
    # the deadline day itself is not overdue yet
    assert [f.description for f in selectors.overdue_findings(w.huang, TODAY - 10 * DAYS)] == []

    fire, staff = first.findings.order_by("deadline")
    services.finding_rectify(actor=w.huang, finding=fire, note="已清理并复查")
    assert not selectors.overdue_findings(w.huang, TODAY).exists()
    first.refresh_from_db()
    assert first.status == Inspection.Status.RECTIFYING
    services.finding_rectify(actor=w.huang, finding=staff, note="护理员已取得证书")
    first.refresh_from_db()
    assert first.status == Inspection.Status.CLOSED and first.closed_on == TODAY
    late = AuditEntry.objects.filter(action="inspection.rectify").order_by("seq")
    assert [e.after["late"] for e in late] == [True, False]
    with pytest.raises(DomainError, match="已整改完成"):
        services.finding_rectify(actor=w.huang, finding=fire, note="再次")


def test_bad_findings_write_nothing(care, homes):
    w = care
    inspection = services.inspection_draw(actor=w.huang, area=w.jianghai, sample_size=1, seed=3,
                                          drawn_on=TODAY - 5 * DAYS).inspections.get()
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as e:
        services.inspection_record(actor=w.huang, inspection=inspection, summary="问题", findings=[
            {"description": "灭火器过期", "deadline": TODAY + 5 * DAYS},
            {"description": "床位无呼叫器", "deadline": TODAY}])
    assert e.value.field == "findings.2.deadline" and "应晚于检查日期" in e.value.message
    with pytest.raises(DomainError, match="第1个问题的描述不能为空"):
        services.inspection_record(actor=w.huang, inspection=inspection, summary="问题",
                                   findings=[{"description": " ", "deadline": TODAY + 5 * DAYS}])
    inspection.refresh_from_db()
    assert inspection.status == "planned" and not inspection.findings.exists()
    assert AuditEntry.objects.count() == before


def test_the_supervision_pages(care, homes):
    from django.test import Client

    w = care
    c = Client()
    c.force_login(w.huang)
    r = c.post("/facilities/inspections/", {"area_code": w.jianghai.code, "sample_size": "1", "seed": "42"},
               follow=True)
    # the seed is drawn by the server and kept on the record (anyone can redo the draw) but is not the page's
    # business (issue 16): a seed slipped into the form is ignored
    assert "已完成双随机抽取" in r.content.decode()
    assert InspectionDraw.objects.get().seed != 42
    inspection = Inspection.objects.get()
    past = (TODAY - 3 * DAYS).isoformat()
    InspectionDraw.objects.update(drawn_on=TODAY - 10 * DAYS)   # drawn earlier (a test shortcut for the date only)
    r = c.post(f"/facilities/inspections/{inspection.pk}/", {
        "inspected_on": (TODAY - 9 * DAYS).isoformat(), "summary": "发现1项问题",
        "description": ["扶手松动", "", ""], "deadline": [past, "", ""]}, follow=True)
    assert "检查结果已录入" in r.content.decode()
    listing = c.get("/facilities/inspections/").content.decode()
    assert "扶手松动" in listing and "逾期未整改" in listing
    home_list = c.get("/facilities/").content.decode()
    assert "江海第1养老院" in home_list and "逾期未整改" in home_list
    c.force_login(w.liang)
    assert "扶手松动" not in c.get("/facilities/inspections/").content.decode()


def test_huang_picks_the_draw_scope_from_a_list_and_never_sees_a_seed(care, homes, client):
    """Issue 16: the 双随机 scope is chosen from his areas, not typed as a code; the seed is the system's business."""
    w = care
    client.force_login(w.huang)
    page = client.get("/facilities/inspections/").content.decode()
    assert '<option value="440704">江海区</option>' in page and "随机种子" not in page and "区划代码" not in page
    r = client.post("/facilities/inspections/", {"area_code": w.jianghai.code, "sample_size": "1", "note": ""},
                    follow=True)
    assert "已完成双随机抽取" in r.content.decode()
    draw = InspectionDraw.objects.get()
    assert draw.area == w.jianghai and draw.seed > 0
    # nor may an API caller choose it (it would steer which facilities are picked); the recorded seed is returned
    api = client.post("/api/carefacility/inspections/draws",
                      {"area_code": w.jianghai.code, "sample_size": 1, "seed": 42}, content_type="application/json")
    assert api.status_code == 201
    assert api.json()["seed"] == InspectionDraw.objects.get(pk=api.json()["id"]).seed != 42


def test_after_two_districts_merge_the_old_districts_inspectors_stay_on_the_roster(care, homes):
    """江门市 merges 江海区 and 蓬江区 into a new 蓬江区 from 2027-03-01. 江海区's inspectors 黄志强 and 林海燕 are
    still assigned to the old district: from the date they work in the new one, so a draw there takes them with
    蓬江区's 区伟明, and its pool holds 江海区's homes; the day before, only 区伟明 was the new district's."""
    import time_machine

    from minzheng.accounts.models import User
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.areas.models import Area, CodeSource, Level
    from minzheng.areas.services import area_create
    from minzheng.placenames import services as placenames

    w = care
    jiangmen = w.jianghai.parent
    old_pengjiang = area_create(actor=None, code="440703", name="蓬江区", level=Level.COUNTY, parent=jiangmen,
                                code_source=CodeSource.GB2260, valid_from=dt.date(2020, 1, 1), audited=False)
    city = user_create(actor=None, username="hezy", password="Minzheng#2026", display_name="何志远", role=Role.CITY,
                       areas=[jiangmen])
    placenames.area_redivide(actor=city, kind="merge", old_areas=[w.jianghai, old_pengjiang],
                             successors=[placenames.Successor(code="440703", name="蓬江区", parent=jiangmen)],
                             effective_on=dt.date(2027, 3, 1), document="江府函〔2027〕12号",
                             authority="江门市人民政府")
    district = Area.objects.get(code="440703", valid_from=dt.date(2027, 3, 1))
    user_create(actor=None, username="ouwm", password="Minzheng#2026", display_name="区伟明", role=Role.COUNTY,
                areas=[district])

    def roster():
        return {u.display_name for u in services.inspector_candidates(district)}

    with time_machine.travel(dt.datetime(2027, 2, 28, 10, tzinfo=dt.UTC), tick=False):
        assert roster() == {"区伟明"}
    with time_machine.travel(dt.datetime(2027, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        assert roster() == {"区伟明", "黄志强", "林海燕"}
        assert "李建华" not in roster()  # 礼乐街道 came along, but towns do not inspect
        # 江海区's homes still point at the old district: the new district's draw takes them all the same
        ouwm = User.objects.get(username="ouwm")
        draw = services.inspection_draw(actor=ouwm, area=district, sample_size=2, seed=7)
        assert draw.facility_pool == sorted(f.pk for f in homes)
