"""地名 stories: 江海区's naming officer 黄志强 enters 礼乐街道's roads into the gazetteer, takes the application to
rename 英南路 as 礼乐大道 through public comment and expert review, and the city's 市民政局 approver 何志远 approves
it, issuing the 地名批准书. Names with traditional characters, letters or a duplicate are refused in Chinese.
Romanisation follows GB/T 16159-2012 with the place-name readings of the five jurisdictions."""

import datetime as dt

import pytest

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.pdf import pdf_text
from minzheng.placenames import selectors, services
from minzheng.placenames.certificate import certificate_pdf
from minzheng.placenames.models import NamingApplication, PlaceName
from minzheng.placenames.romanize import romanize, search_keys

DAY = dt.date(2026, 3, 2)
ROAD = "25"


@pytest.mark.parametrize(("name", "category", "pinyin"), [
    ("东莞市", "21", "Dōngguǎn Shì"),        # 莞 reads guǎn in the place name (东莞)
    ("长安镇", "21", "Cháng'ān Zhèn"),       # 东莞市长安镇: the apostrophe before ān
    ("莞城街道", "21", "Guǎnchéng Jiēdào"),
    ("樟木头镇", "21", "Zhāngmùtóu Zhèn"),   # no neutral tone in a place name
    ("都城镇", "21", "Dūchéng Zhèn"),        # 郁南县: 都 reads dū
    ("礼乐街道", "21", "Lǐlè Jiēdào"),       # 江海区: 乐 reads lè, not yuè
    ("佛冈县", "21", "Fógāng Xiàn"),         # 清远市: 佛 reads fó, not fú
    ("中山市", "21", "Zhōngshān Shì"),
    ("西安路", ROAD, "Xī'ān Lù"),
    ("东莞大道", ROAD, "Dōngguǎn Dàdào"),    # the longest 通名 (大道, not 道)
])
def test_place_name_pinyin_of_the_five_jurisdictions(name, category, pinyin):
    assert romanize(name, category) == pinyin


def test_search_keys_follow_the_place_name_reading():
    assert search_keys("东莞市") == ("dongguanshi", "dgs")
    assert search_keys("礼乐街道") == ("lilejiedao", "lljd")


@pytest.fixture
def officers(areas, people):
    city = user_create(actor=None, username="hezy", password="Minzheng#2026", display_name="何志远", role=Role.CITY,
                       areas=[areas["jiangmen"]])
    return {"huang": people["jianghai_approver"], "city": city, "liang": people["yunan_approver"]}


def test_a_renaming_from_application_to_certificate(areas, officers):
    huang, city = officers["huang"], officers["city"]
    road = services.place_register(actor=huang, name="英南路", category=ROAD, area=areas["lile"], today=DAY,
                                   geometry="line", coordinates=[[113.08, 22.55], [113.10, 22.56]])
    app = services.application_submit(actor=huang, kind="rename", proposed_name="礼乐大道", category=ROAD,
                                      area=areas["lile"], applicant="江海区住房和城乡建设局",
                                      reason="道路拓宽延伸后贯通礼乐街道，原名不能反映其走向", place=road,
                                      origin="以所在礼乐街道得名", meaning="寓意礼乐兴邦", today=DAY, geometry="line",
                                      coordinates=[[113.08, 22.55], [113.12, 22.57]])
    services.application_open_comment(actor=huang, application=app, today=DAY)
    app.refresh_from_db()
    assert app.comment_to == dt.date(2026, 3, 22)
    with pytest.raises(DomainError, match="公开征求意见至2026-03-22"):
        services.application_close_comment(actor=huang, application=app, comments="", today=dt.date(2026, 3, 22))
    services.application_close_comment(actor=huang, application=app, comments="收到意见2条，均表示赞成",
                                       today=dt.date(2026, 3, 23))
    with pytest.raises(DomainError, match="须先登记专家论证意见"):
        services.application_decide(actor=city, application=app, approve=True, today=dt.date(2026, 3, 30))
    services.application_expert_review(actor=huang, application=app, opinion="名称规范，含义健康，与现有地名不重名")
    with pytest.raises(DomainError, match="审批人不能是申请的经办人"):
        services.application_decide(actor=huang, application=app, approve=True, today=dt.date(2026, 3, 30))
    app = services.application_decide(actor=city, application=app, approve=True, today=dt.date(2026, 3, 30))

    road.refresh_from_db()
    assert (road.name, road.pinyin, road.status) == ("礼乐大道", "Lǐlè Dàdào", PlaceName.Status.STANDARD)
    assert [(e.kind, e.old_value, e.new_value) for e in road.history.all()] == [
        ("录入", "", "英南路"), ("更名", "英南路", "礼乐大道")]
    assert app.certificate_number.startswith("DM440704-2026-00001")
    text = pdf_text(certificate_pdf(app))
    for expected in ("地名批准书", app.certificate_number, "礼乐大道", "LǐlèDàdào", "英南路", "更名", "2026年03月30日"):
        assert expected in text
    assert list(selectors.place_search(huang, "lile")) == [road]
    assert list(selectors.place_search(huang, "lldd")) == [road]


def test_non_standard_characters_are_refused_naming_the_character(areas, officers):
    with pytest.raises(DomainError) as e:
        services.application_submit(actor=officers["huang"], kind="name", proposed_name="華僑新邨", category="24",
                                    area=areas["lile"], applicant="某开发公司", reason="新建住宅小区", today=DAY,
                                    coordinates=[[113.08, 22.55]])
    assert e.value.message.startswith("拟用名称第1个字“華”不是规范汉字，应写作“华”")
    with pytest.raises(DomainError, match="第3个字符“A”不是规范汉字，地名不得使用字母、数字或符号"):
        services.application_submit(actor=officers["huang"], kind="name", proposed_name="江海A区", category="24",
                                    area=areas["lile"], applicant="某开发公司", reason="新建住宅小区", today=DAY,
                                    coordinates=[[113.08, 22.55]])
    assert not NamingApplication.objects.exists()


def test_a_duplicate_name_in_one_category_and_area_is_refused(areas, officers):
    huang = officers["huang"]
    services.place_register(actor=huang, name="文华路", category=ROAD, area=areas["lile"], today=DAY,
                            coordinates=[[113.08, 22.55]])
    with pytest.raises(Conflict) as e:
        services.application_submit(actor=huang, kind="name", proposed_name="文华路", category=ROAD,
                                    area=areas["lile"], applicant="礼乐街道办事处", reason="新建道路", today=DAY,
                                    coordinates=[[113.08, 22.55]])
    assert e.value.message == "礼乐街道已有同类（交通运输设施）标准地名“文华路”，不能重名"
    assert not NamingApplication.objects.exists()  # nothing half-written
    # the same name in another town, or as another category, is not a duplicate
    services.place_register(actor=huang, name="文华路", category=ROAD, area=areas["waihai"], today=DAY,
                            coordinates=[[113.08, 22.55]])
    services.place_register(actor=huang, name="文华路", category="29", area=areas["lile"], today=DAY,
                            coordinates=[[113.08, 22.55]])
    assert PlaceName.objects.count() == 3


def test_pinyin_can_be_corrected_and_another_county_sees_nothing(areas, officers):
    place = services.place_register(actor=officers["huang"], name="外海社区", category="23", area=areas["waihai"],
                                    today=DAY, coordinates=[[113.1, 22.5]])
    assert place.pinyin == "Wàihǎi Shèqū"
    place = services.pinyin_edit(actor=officers["huang"], place=place, pinyin="Wàihǎi  Shèqū ", today=DAY)
    assert place.history.count() == 1  # unchanged text writes no history
    with pytest.raises(NotFound):
        selectors.place_get(officers["liang"], place.pk)
    with pytest.raises(NotFound):
        services.pinyin_edit(actor=officers["liang"], place=place, pinyin="Waihai", today=DAY)


def test_any_traditional_character_is_found_but_standard_characters_are_not():
    assert services.standard_form("濱") == "滨"
    assert services.standard_form("邨") == "村"
    assert services.standard_form("乾") is None  # 珠海市乾务镇: 乾 is in the 通用规范汉字表
    assert services.check_name("乾务镇", on=DAY) == "乾务镇"


def test_signs_are_inspected_and_a_boundary_dispute_is_followed_to_its_mediation(areas, officers, people):
    from minzheng.placenames.models import BoundarySection, Sign

    huang = officers["huang"]
    road = services.place_register(actor=huang, name="文华路", category=ROAD, area=areas["lile"], today=DAY,
                                   coordinates=[[113.08, 22.55]])
    sign = services.sign_register(actor=huang, place=road, code="JH-LL-0001", installed_on=dt.date(2022, 5, 1),
                                  coordinates=[[113.081, 22.551]])
    with pytest.raises(Conflict, match="标志编号JH-LL-0001已登记"):
        services.sign_register(actor=huang, place=road, code="JH-LL-0001", installed_on=DAY,
                               coordinates=[[113.081, 22.551]])
    services.sign_inspect(actor=huang, sign=sign, on=DAY, condition="damaged", note="台风后牌面脱落")
    sign.refresh_from_db()
    assert (sign.condition, sign.last_inspected_on) == (Sign.Condition.DAMAGED, DAY)
    with pytest.raises(NotFound):
        services.sign_inspect(actor=officers["liang"], sign=sign, on=DAY, condition="good")

    section = BoundarySection.objects.create(name="江海区—郁南县（演示）", left_area=areas["jianghai"],
                                             right_area=areas["yunan"], length_km="12.50", markers=6)
    inspection = services.boundary_inspect(actor=officers["liang"], section=section, on=DAY,
                                           parties="江海区民政局、郁南县民政局", findings="界桩2号倾斜，其余完好",
                                           markers_damaged=1, dispute="2号界桩附近林地权属有争议")
    with pytest.raises(DomainError, match="损坏界桩数应在0至6之间"):
        services.boundary_inspect(actor=huang, section=section, on=DAY, parties="双方", findings="全线巡查完毕",
                                  markers_damaged=7)
    resolved = services.boundary_dispute_resolve(actor=huang, inspection=inspection, on=dt.date(2026, 4, 1),
                                                 note="经双方协商，按原勘界协议书确认权属")
    assert resolved.dispute_resolved_on == dt.date(2026, 4, 1)
    # 外海街道's officer covers neither whole side: the section does not exist for her
    with pytest.raises(NotFound):
        services.boundary_inspect(actor=people["waihai_officer"], section=section, on=DAY, parties="x",
                                  findings="xxxx")
    assert section.inspections.count() == 1
