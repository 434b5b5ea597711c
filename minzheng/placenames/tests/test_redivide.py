"""行政区划调整 stories. 江门市人民政府 approves (江府函〔2027〕12号) merging 礼乐街道's 英南村 and 向东村 into a new
英东村 from 2027-03-01; 江海区's place-names officer 黄志强 records it on 2027-02-01. The persons of both old villages
stay on their records; from the date the new village's worker 周海燕 sees them all, 英南村's worker 陈小玲 (still
assigned to the old village) works in 英东村, the gazetteer has 英东村 and the old names 已销名, and 2026's monitoring
figures are what they were. A 拆分 resolves nothing by rule and lists what a worker must move. Bad input is refused
in Chinese naming the field with nothing written; 郁南县's officer 梁文杰 cannot touch 江海区."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from minzheng.accounts.models import User
from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.areas.models import Area, CodeSource, Level, Succession, SuccessionLink
from minzheng.areas.services import area_create
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.models import AuditEntry
from minzheng.monitoring import catalogue, rollup
from minzheng.monitoring.models import IndicatorValue
from minzheng.monitoring.tests.conftest import write_catalogue
from minzheng.placenames import selectors, services
from minzheng.placenames.models import PlaceName
from minzheng.registry.selectors import persons_for

EFFECTIVE = dt.date(2027, 3, 1)
DOC, BY = "江府函〔2027〕12号", "江门市人民政府"
VILLAGE_NAME = "23"  # GB/T 18521 群众自治组织 (data/placenames/area_categories.csv)


def at(day: str):
    return time_machine.travel(dt.datetime.fromisoformat(day + "T10:00+08:00"), tick=False)


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # a new request: scope is computed again


def merge(areas, people, **over):
    kw = {"actor": people["jianghai_approver"], "kind": "merge", "old_areas": [areas["yingnan"], areas["xiangdong"]],
          "successors": [services.Successor(code="440704003009", name="英东村", parent=areas["lile"])],
          "effective_on": EFFECTIVE, "document": DOC, "authority": BY}
    return services.area_redivide(**(kw | over))


@pytest.fixture
def village_names(areas, people):
    """The gazetteer holds both villages' names, entered under 礼乐街道 (as 地名普查 left them)."""
    huang = people["jianghai_approver"]
    for v in ("yingnan", "xiangdong"):
        services.place_register(actor=huang, name=areas[v].name, category=VILLAGE_NAME, area=areas["lile"],
                                today=dt.date(2026, 5, 1), coordinates=[[113.08, 22.55]])


def _resident_count_plan(tmp_path):
    """江海区's plan counts its registered residents (a story catalogue: the figure is what matters)."""
    row = ("440704.resident_count", "resident_count", "社会治理", "登记人口", "", "人", "预期性", "0", "", "", "")
    catalogue.load(directory=write_catalogue(tmp_path, rows=[row], formulas=(
        "key,sub,numerator,denominator,factor,unit,citation,note\n"
        "resident_count,,residents,,1,人,story,\n")))


def _figure(area, year):
    return IndicatorValue.objects.get(indicator__code="440704.resident_count", area=area, period=year).value


def test_a_merge_of_two_villages_of_lile(areas, people, make_person, village_names, tmp_path):
    chen = people["village_worker"]  # 陈小玲, 英南村
    with at("2027-01-10"):
        jia = make_person("甲英南", area=areas["yingnan"])
        yi = make_person("乙向东", area=areas["xiangdong"])
        _resident_count_plan(tmp_path)
        rollup.rebuild(2026)
        assert (_figure(areas["yingnan"], 2026), _figure(areas["xiangdong"], 2026)) == (1, 1)

    with at("2027-02-01"):
        s = merge(areas, people)
    yingdong = Area.objects.get(code="440704003009")
    assert (s.kind, s.effective_on, s.document, s.authority, s.recorded_by) == (
        "merge", EFFECTIVE, DOC, BY, people["jianghai_approver"])
    assert (yingdong.name, yingdong.parent, yingdong.valid_from, yingdong.valid_to) == (
        "英东村", areas["lile"], EFFECTIVE, None)
    assert set(SuccessionLink.objects.filter(succession=s).values_list("old__name", "new__name", "sole")) == {
        ("英南村", "英东村", True), ("向东村", "英东村", True)}
    # the tree as it was stays: the old villages are current until the day before
    assert set(Area.objects.current(dt.date(2027, 2, 28)).filter(parent=areas["lile"]).values_list(
        "name", flat=True)) == {"英南村", "向东村"}
    assert set(Area.objects.current(EFFECTIVE).filter(parent=areas["lile"]).values_list("name", flat=True)) == {
        "英东村"}
    entry = AuditEntry.objects.get(action="areas.redivide")
    assert entry.after["old"] == ["440704003001", "440704003002"] and entry.after["new"] == ["440704003009"]
    assert entry.area_code == "440704003"

    # the gazetteer: 英东村 entered with its pinyin, the old names 已销名 on the date with the document
    new_name = PlaceName.objects.get(name="英东村")
    assert (new_name.status, new_name.category, new_name.area, new_name.pinyin) == (
        PlaceName.Status.STANDARD, VILLAGE_NAME, areas["lile"], "Yīngdōng Cūn")
    for old in ("英南村", "向东村"):
        place = PlaceName.objects.get(name=old)
        event = place.history.last()
        assert place.status == PlaceName.Status.CANCELLED
        assert (event.kind, event.on) == ("销名", EFFECTIVE) and DOC in event.new_value

    with at("2027-02-15"):
        zhou = user_create(actor=None, username="zhouhy", password="Minzheng#2026", display_name="周海燕",
                           role=Role.VILLAGE, areas=[yingdong])
        assert not persons_for(fresh(zhou)).exists()  # before the date the new village has nobody
        assert list(persons_for(fresh(chen))) == [jia]

    with at("2027-03-02"):
        # nobody's record was rewritten …
        jia.refresh_from_db()
        assert jia.residence_area == areas["yingnan"]
        # … yet the new village's worker sees the persons of both old villages,
        assert set(persons_for(fresh(zhou))) == {jia, yi}
        # and 陈小玲, still assigned to 英南村, works in 英东村 (her page lists her for the administrator)
        assert set(persons_for(fresh(chen))) == {jia, yi}
        assert [(u.display_name, a.name) for u, a in selectors.users_on_old_areas(s)] == [("陈小玲", "英南村")]
        # 礼乐街道's officer and 江海区 see them as before; 外海街道 does not
        assert set(persons_for(fresh(people["lile_officer"]))) == {jia, yi}
        assert not persons_for(fresh(people["waihai_officer"])).exists()
        # 2026 is computed over the tree as it was: the same figures; 2027 counts both in 英东村
        rollup.rebuild(2026)
        assert (_figure(areas["yingnan"], 2026), _figure(areas["xiangdong"], 2026)) == (1, 1)
        assert not IndicatorValue.objects.filter(area=yingdong, period=2026).exists()
        rollup.rebuild(2027)
        assert _figure(yingdong, 2027) == 2 and _figure(areas["lile"], 2027) == _figure(areas["lile"], 2026) == 2
        # the records still on the old villages need nothing after a merge, and are listed
        left = selectors.rows_left(s)
        assert ("人员", "居住地", 2) in left and ("人员", "户籍地", 2) in left


def test_a_split_keeps_the_rows_on_the_old_village_and_lists_them(areas, people, make_person, village_names):
    """向东村 splits into 向东一村 and 向东二村: its person is not divisible by rule — she stays on 向东村, seen from
    礼乐街道 but by neither new village's worker, and the succession lists her record for a worker to move."""
    with at("2027-01-10"):
        yi = make_person("乙向东", area=areas["xiangdong"])
    with at("2027-02-01"):
        s = services.area_redivide(
            actor=people["jianghai_approver"], kind="split", old_areas=[areas["xiangdong"]],
            successors=[services.Successor(code="440704003011", name="向东一村", parent=areas["lile"]),
                        services.Successor(code="440704003012", name="向东二村", parent=areas["lile"])],
            effective_on=EFFECTIVE, document=DOC, authority=BY)
    assert not SuccessionLink.objects.filter(succession=s, sole=True).exists()
    one = Area.objects.get(code="440704003011")
    with at("2027-03-02"):
        worker = user_create(actor=None, username="xdyc", password="Minzheng#2026", display_name="何秀梅",
                             role=Role.VILLAGE, areas=[one])
        assert not persons_for(fresh(worker)).exists()
        assert list(persons_for(fresh(people["lile_officer"]))) == [yi]
        assert ("人员", "居住地", 1) in selectors.rows_left(s)
    assert PlaceName.objects.get(name="向东村").status == PlaceName.Status.CANCELLED
    assert set(PlaceName.objects.filter(name__startswith="向东", status="standard").values_list("name", flat=True)) == {
        "向东一村", "向东二村"}


def test_a_village_keeping_its_name_keeps_its_gazetteer_entry(areas, people, village_names):
    """英南村 absorbs 向东村 under its own name and code: its standard name stays, with the re-division in its
    history; 向东村's is 已销名."""
    with at("2027-02-01"):
        merge(areas, people, successors=[
            services.Successor(code="440704003001", name="英南村", parent=areas["lile"])])
    kept = PlaceName.objects.get(name="英南村")
    assert kept.status == PlaceName.Status.STANDARD and kept.history.last().kind == "区划调整"
    assert PlaceName.objects.get(name="向东村").status == PlaceName.Status.CANCELLED
    assert Area.objects.filter(code="440704003001").count() == 2  # the old version and the new one


@pytest.mark.parametrize(("over", "field", "message"), [
    ({"kind": "swap"}, "调整类型", "请选择调整类型"),
    ({"document": " "}, "批准文号", "请填写批准文号"),
    ({"authority": ""}, "批准机关", "请填写批准机关"),
    ({"old_areas": "one"}, "原区划", "撤并应填写两个或以上原区划"),
    ({"old_areas": "twice"}, "原区划", "同一原区划填写了两次"),
    ({"effective_on": dt.date(2020, 1, 1)}, "生效日期", "生效日期应晚于原区划“英南村”的设立日期2020-01-01"),
    ({"successors": [("440704003009", "英東村", "lile")]}, "新区划名称", "不是规范汉字"),
    ({"successors": [("440704003002", "英东村", "lile"), ("440704003003", "英西村", "lile")]}, "新区划",
     "撤并应填写一个新区划"),
    ({"successors": [("440704002009", "英东村", "lile")]}, "新区划代码", "应以上级区划“礼乐街道”的代码440704003开头"),
    ({"successors": [("440704002009", "英东村", "waihai")]}, "上级区划", "不在原区划的上级区划之内"),
    ({"successors": [("440704009", "英东村", "jianghai")]}, "上级区划", "应设在村居的上一级区划之下"),
    ({"successors": [("440704003005", "英东村", "lile")]}, "新区划代码", "新区划代码“440704003005”已被“石岗村”使用"),
    ({"successors": [("440704003009", "石岗村", "lile")]}, "新区划名称", "已有同名区划“石岗村”"),
])
def test_bad_input_is_refused_naming_the_field_with_nothing_written(areas, people, village_names, over, field,
                                                                     message):
    from minzheng.areas.services import area_create

    area_create(actor=None, code="440704003005", name="石岗村", level="village", parent=areas["lile"],
                code_source="generated", valid_from=dt.date(2020, 1, 1), audited=False)
    if over.get("old_areas") == "one":
        over["old_areas"] = [areas["yingnan"]]
    elif over.get("old_areas") == "twice":
        over["old_areas"] = [areas["yingnan"], areas["yingnan"]]
    if "successors" in over:
        over["successors"] = [services.Successor(code=c, name=n, parent=areas[p]) for c, n, p in over["successors"]]
    before = (Area.objects.count(), PlaceName.objects.filter(status="standard").count(), AuditEntry.objects.count())
    with pytest.raises(DomainError, match=message) as e:
        merge(areas, people, **over)
    assert e.value.field == field
    assert not Succession.objects.exists() and not SuccessionLink.objects.exists()
    assert (Area.objects.count(), PlaceName.objects.filter(status="standard").count(),
            AuditEntry.objects.count()) == before
    assert Area.objects.get(code="440704003001").valid_to is None


def test_rename_and_reparent_refuse_an_area_old_and_new_alike(areas, people):
    huang = people["jianghai_approver"]
    with pytest.raises(DomainError, match="新名称与原区划“英南村”相同，不是更名") as e:
        services.area_redivide(actor=huang, kind="rename", old_areas=[areas["yingnan"]], successors=[
            services.Successor(code="440704003009", name="英南村", parent=areas["lile"])],
            effective_on=EFFECTIVE, document=DOC, authority=BY)
    assert e.value.field == "新区划名称"
    with pytest.raises(DomainError, match="不是改隶") as e:
        services.area_redivide(actor=huang, kind="reparent", old_areas=[areas["yingnan"]], successors=[
            services.Successor(code="440704003009", name="英南村", parent=areas["lile"])],
            effective_on=EFFECTIVE, document=DOC, authority=BY)
    assert e.value.field == "上级区划"
    # a town is split only after its villages have been moved to the new towns
    with pytest.raises(DomainError, match="拆分的原区划“礼乐街道”还有下级区划") as e:
        services.area_redivide(actor=huang, kind="split", old_areas=[areas["lile"]], successors=[
            services.Successor(code="440704008", name="礼乐东街道", parent=areas["jianghai"]),
            services.Successor(code="440704009", name="礼乐西街道", parent=areas["jianghai"])],
            effective_on=EFFECTIVE, document=DOC, authority=BY)
    assert e.value.field == "原区划"
    merge(areas, people)
    with pytest.raises(DomainError, match="已于2027-03-01失效"):
        merge(areas, people)
    assert Succession.objects.count() == 1


def test_a_reparent_moves_a_village_to_another_street_and_its_worker_follows(areas, people, make_person):
    """外海社区 passes from 外海街道 to 礼乐街道 (改隶): 礼乐街道's officer sees its resident from the date, 外海街道's
    no longer does."""
    with at("2027-01-10"):
        wu = make_person("吴外海", area=areas["waihai_village"])
    with at("2027-02-01"):
        services.area_redivide(actor=people["jianghai_approver"], kind="reparent", old_areas=[areas["waihai_village"]],
                               successors=[services.Successor(code="440704003021", name="外海社区",
                                                              parent=areas["lile"])],
                               effective_on=EFFECTIVE, document=DOC, authority=BY)
    with at("2027-02-20"):
        assert list(persons_for(fresh(people["waihai_officer"]))) == [wu]
        assert not persons_for(fresh(people["lile_officer"])).filter(pk=wu.pk).exists()
    with at("2027-03-02"):
        assert not persons_for(fresh(people["waihai_officer"])).exists()
        assert persons_for(fresh(people["lile_officer"])).filter(pk=wu.pk).exists()


def test_a_county_officer_redivides_only_inside_the_county(areas, people):
    """梁文杰 of 郁南县 gets what an absent area gets; 黄志强 cannot re-divide 江海区 itself (that is the city's);
    a town officer may look but not record."""
    with pytest.raises(NotFound):
        merge(areas, people, actor=people["yunan_approver"])
    with pytest.raises(NotFound):
        services.area_redivide(actor=people["jianghai_approver"], kind="rename", old_areas=[areas["jianghai"]],
                               successors=[services.Successor(code="440704", name="江海新区",
                                                              parent=areas["jiangmen"])],
                               effective_on=EFFECTIVE, document=DOC, authority=BY)
    with pytest.raises(NotFound):  # a successor placed in another county
        merge(areas, people, kind="reparent", old_areas=[areas["yingnan"]], successors=[
            services.Successor(code="445322100009", name="英东村", parent=areas["ducheng"])])
    assert not Succession.objects.exists()
    s = merge(areas, people)
    assert list(selectors.successions_for(people["jianghai_approver"])) == [s]
    assert list(selectors.successions_for(people["lile_officer"])) == [s]
    assert not selectors.successions_for(people["yunan_approver"]).exists()
    with pytest.raises(NotFound):
        selectors.succession_get(people["yunan_approver"], s.pk)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


FORM = {"kind": "merge", "old": "440704003001,440704003002", "parent": "", "successors": "440704003009 英东村",
        "effective_on": "2027-03-01", "authority": BY, "document": DOC, "note": ""}


def test_the_officer_records_a_merge_on_the_page_and_reads_it_back(areas, people):
    huang = _client(people["jianghai_approver"])
    bad = huang.post("/placenames/redivisions/", FORM | {"successors": "440704003009"})
    assert bad.status_code == 400 and "新区划第1行应为“代码 名称”" in bad.content.decode()
    assert not Succession.objects.exists()
    r = huang.post("/placenames/redivisions/", FORM)
    s = Succession.objects.get()
    assert r.status_code == 302 and r.url == f"/placenames/redivisions/{s.pk}/"
    page = huang.get(r.url).content.decode()
    for text in ("行政区划撤并", "英南村", "向东村", "英东村", DOC, "黄志强", "陈小玲"):
        assert text in page
    listing = huang.get("/placenames/redivisions/").content.decode()
    assert "英东村" in listing and "登记行政区划调整" in listing
    # 礼乐街道's officer reads the list but has no form; 郁南县's officer sees none and cannot record one
    lile = _client(people["lile_officer"]).get("/placenames/redivisions/").content.decode()
    assert "英东村" in lile and "登记行政区划调整" not in lile
    liang = _client(people["yunan_approver"])
    assert "英东村" not in liang.get("/placenames/redivisions/").content.decode()
    other = FORM | {"old": "440704002001", "kind": "rename", "successors": "440704002019 外海北社区"}
    assert liang.post("/placenames/redivisions/", other).status_code == 404
    assert Succession.objects.count() == 1


def test_the_api_records_a_merge_and_refuses_bad_fields(areas, people):
    api = _client(people["jianghai_approver"])
    body = {"kind": "merge", "old_codes": ["440704003001", "440704003002"],
            "successors": [{"code": "440704003009", "name": "英东村"}], "effective_on": "2027-03-01",
            "document": DOC, "authority": BY}
    unknown = api.post("/api/placenames/redivisions", body | {"old_codes": ["440704003001", "440704003099"]},
                       content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["field"] == "原区划"
    assert "440704003099" in unknown.json()["message"]
    r = api.post("/api/placenames/redivisions", body, content_type="application/json")
    assert r.status_code == 201
    out = r.json()
    assert out["kind_label"] == "撤并" and [a["name"] for a in out["new_areas"]] == ["英东村"]
    assert api.get(f"/api/placenames/redivisions/{out['id']}").json()["document"] == DOC
    again = api.post("/api/placenames/redivisions", body, content_type="application/json")
    assert again.status_code == 400 and again.json()["field"] == "原区划"
    liang = _client(people["yunan_approver"])
    assert liang.get("/api/placenames/redivisions").json() == []
    assert liang.get(f"/api/placenames/redivisions/{out['id']}").status_code == 404
    foreign = body | {"old_codes": ["445322100001"], "kind": "rename",
                      "successors": [{"code": "445322100009", "name": "都城新社区"}]}
    assert api.post("/api/placenames/redivisions", foreign, content_type="application/json").status_code == 404
    assert Succession.objects.count() == 1


def test_two_streets_merge_and_their_villages_come_along(areas, people, make_person):
    """礼乐街道 (英南村, 向东村) and 外海街道 (外海社区) are merged into a new 江海街道 from 2027-03-01. The villages
    are carried over under their names (外海社区's 001 is taken by 英南村, so it becomes 003); nobody's record is
    rewritten. From the date 江海街道's new officer 罗志坚 sees the residents of all three old villages and the
    audit trail written under the old codes, and is among the staff covering them; 陈小玲, still assigned to the old
    英南村, works in the new one and sees no more than before."""
    from minzheng.core.scope import users_covering_q
    from minzheng.web.views import _audit_scope

    with at("2027-01-10"):
        chen = make_person("陈英南", area=areas["yingnan"])
        wu = make_person("吴外海", area=areas["waihai_village"])
    with at("2027-02-01"):
        s = services.area_redivide(actor=people["jianghai_approver"], kind="merge",
                                   old_areas=[areas["lile"], areas["waihai"]],
                                   successors=[services.Successor(code="440704009", name="江海街道",
                                                                  parent=areas["jianghai"])],
                                   effective_on=EFFECTIVE, document=DOC, authority=BY)
    town = Area.objects.get(code="440704009")
    carried = {a.name: a.code for a in Area.objects.filter(parent=town)}
    assert carried == {"英南村": "440704009001", "向东村": "440704009002", "外海社区": "440704009003"}
    assert {(link.old.code, link.new.code) for link in s.links.all()} >= {
        ("440704003001", "440704009001"), ("440704002001", "440704009003")}
    assert all(link.sole for link in s.links.all())
    assert Area.objects.get(code="440704002001", valid_from=dt.date(2020, 1, 1)).valid_to == EFFECTIVE
    assert PlaceName.objects.filter(name="外海社区", area=town, status="standard").exists()
    luo = user_create(actor=None, username="luozj", password="Minzheng#2026", display_name="罗志坚", role=Role.TOWN,
                      areas=[town])
    huang = _client(people["jianghai_approver"])  # the list names what the approval names; the detail, all of it
    assert "<td>礼乐街道、外海街道</td><td>江海街道</td>" in huang.get("/placenames/redivisions/").content.decode()
    detail = huang.get(f"/placenames/redivisions/{s.pk}/").content.decode()
    assert "440704009003" in detail and "440704002001" in detail
    wu.refresh_from_db()
    assert wu.residence_area == areas["waihai_village"]  # the record still points at the old village

    with at("2027-02-20"):
        assert not persons_for(fresh(luo)).exists()
        assert luo.pk not in User.objects.filter(users_covering_q(areas["waihai_village"])).values_list("pk", flat=True)
    with at("2027-03-02"):
        assert set(persons_for(fresh(luo))) == {chen, wu}
        assert set(persons_for(fresh(people["village_worker"]))) == {chen}
        assert set(persons_for(fresh(people["waihai_officer"]))) == {chen, wu}  # 外海街道's officer works on
        trail = _audit_scope(fresh(luo)).filter(action="person.create")
        assert set(trail.values_list("area_code", flat=True)) == {"440704003001", "440704002001"}
        covering = set(User.objects.filter(users_covering_q(areas["waihai_village"])).values_list("username",
                                                                                                 flat=True))
        assert {"luozj", "zhaoyl", "lijh", "huangzq"} <= covering and "chenxl" not in covering


def test_a_street_moved_to_another_district_takes_its_village_and_audit_trail(areas, people, make_person):
    """江门市 moves 外海街道 with 外海社区 from 江海区 to 蓬江区 (改隶) from 2027-03-01. 蓬江区's auditor 冯敏 then
    reads the audit rows written under 外海社区's old code and 蓬江区's approver 区伟明 is offered 外海社区's payroll
    findings; 江海区's 黄志强 and its auditor 吴敏 no longer are, though they were the day before."""
    from minzheng.payroll.selectors import anomaly_handlers

    pengjiang = area_create(actor=None, code="440703", name="蓬江区", level=Level.COUNTY, parent=areas["jiangmen"],
                            code_source=CodeSource.GB2260, valid_from=dt.date(2020, 1, 1), audited=False)
    city = user_create(actor=None, username="hezy", password="Minzheng#2026", display_name="何志远", role=Role.CITY,
                       areas=[areas["jiangmen"]])
    ou = user_create(actor=None, username="ouwm", password="Minzheng#2026", display_name="区伟明", role=Role.COUNTY,
                     areas=[pengjiang])
    feng = user_create(actor=None, username="fengm", password="Minzheng#2026", display_name="冯敏",
                       role=Role.AUDITOR, areas=[pengjiang])
    with at("2027-01-10"):
        make_person("吴外海", area=areas["waihai_village"])
    with at("2027-02-01"):
        services.area_redivide(actor=city, kind="reparent", old_areas=[areas["waihai"]],
                               successors=[services.Successor(code="440703009", name="外海街道", parent=pengjiang)],
                               effective_on=EFFECTIVE, document=DOC, authority=BY)
    assert Area.objects.current(EFFECTIVE).get(name="外海社区").code == "440703009001"

    def audit_page(user):
        c = Client()
        c.force_login(user)
        return c.get("/audit/", {"action": "person.create"}).content.decode()

    with at("2027-02-28"):
        assert "440704002001" in audit_page(people["auditor"]) and "440704002001" not in audit_page(feng)
        assert {u.username for u in anomaly_handlers(areas["waihai_village"])} >= {"huangzq", "maijy"}
        assert "ouwm" not in {u.username for u in anomaly_handlers(areas["waihai_village"])}
    with at("2027-03-02"):
        assert "440704002001" in audit_page(feng) and "440704002001" not in audit_page(people["auditor"])
        handlers = {u.username for u in anomaly_handlers(areas["waihai_village"])}
        assert "ouwm" in handlers and not {"huangzq", "maijy"} & handlers
        assert persons_for(fresh(ou)).filter(name="吴外海").exists()
        assert not persons_for(fresh(people["jianghai_approver"])).filter(name="吴外海").exists()


def test_the_city_merges_two_districts_under_their_gb_codes(areas, people):
    """江门市 (440700) merges 江海区 and 蓬江区 into a new 蓬江区 440703: a district's GB/T 2260 code starts with the
    city's digits 4407, not with 440700. 礼乐街道 comes along as 440703003; a code outside 4407 is refused."""
    pengjiang = area_create(actor=None, code="440703", name="蓬江区", level=Level.COUNTY, parent=areas["jiangmen"],
                            code_source=CodeSource.GB2260, valid_from=dt.date(2020, 1, 1), audited=False)
    city = user_create(actor=None, username="hezy", password="Minzheng#2026", display_name="何志远", role=Role.CITY,
                       areas=[areas["jiangmen"]])
    kw = {"actor": city, "kind": "merge", "old_areas": [areas["jianghai"], pengjiang], "effective_on": EFFECTIVE,
          "document": DOC, "authority": BY}
    with pytest.raises(DomainError, match="新区划代码“445303”应以上级区划“江门市”的代码4407开头"):
        services.area_redivide(**kw, successors=[services.Successor(code="445303", name="蓬江区",
                                                                    parent=areas["jiangmen"])])
    services.area_redivide(**kw, successors=[services.Successor(code="440703", name="蓬江区",
                                                                parent=areas["jiangmen"])])
    district = Area.objects.get(code="440703", valid_from=EFFECTIVE)
    assert Area.objects.get(code="440703003", parent=district).name == "礼乐街道"
