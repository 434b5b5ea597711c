"""行政区划: the five jurisdictions loaded from data/areas/areas.csv, with their history and demo villages."""

import datetime as dt

import pytest

from minzheng.areas.models import Area, CodeSource, Level
from minzheng.areas.services import AREAS_CSV, area_by_code, generate_villages, load_reference_areas
from minzheng.core.audit import verify_chain
from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEntry


@pytest.fixture
def loaded(db):
    created = load_reference_areas()
    return created


def _current_below(code: str, level: str):
    top = Area.objects.current().get(code=code)
    return Area.objects.current().within(top).filter(level=level)


def test_the_reference_file_loads_every_row(loaded):
    with open(AREAS_CSV, encoding="utf-8") as f:
        rows = sum(1 for _ in f) - 1
    assert loaded == rows == Area.objects.count()
    assert Area.objects.filter(level=Level.PROVINCE).get().name == "广东省"
    entry = AuditEntry.objects.get(action="area.load_reference")
    assert entry.after == {"created": rows}


def test_qingyuan_has_8_county_level_units_and_85_towns(loaded):
    counties = _current_below("441800", Level.COUNTY)
    assert counties.count() == 8
    assert {"清城区", "清新区", "佛冈县", "阳山县", "连山壮族瑶族自治县", "连南瑶族自治县", "英德市", "连州市"} == set(
        counties.values_list("name", flat=True))
    assert _current_below("441800", Level.TOWN).count() == 85


def test_yunan_has_15_towns(loaded):
    towns = _current_below("445322", Level.TOWN)
    assert towns.count() == 15
    named_in_plan = {"都城镇", "桂圩镇", "建城镇", "千官镇", "宋桂镇", "平台镇", "河口镇"}
    assert named_in_plan <= set(towns.values_list("name", flat=True))
    assert Area.objects.get(code="445322").full_name() == "云浮市郁南县"


def test_jianghai_has_its_3_streets(loaded):
    streets = _current_below("440704", Level.TOWN)
    assert sorted(streets.values_list("name", flat=True)) == sorted(["江南街道", "外海街道", "礼乐街道"])
    assert Area.objects.get(code="440704005").full_name() == "江门市江海区礼乐街道"


def test_zhongshan_has_23_current_towns_and_keeps_the_4_abolished_ones(loaded):
    assert _current_below("442000", Level.TOWN).count() == 23

    zhongshan = Area.objects.get(code="442000")
    all_towns = Area.objects.within(zhongshan).filter(level=Level.TOWN)
    assert all_towns.count() == 27
    abolished = all_towns.filter(valid_to__isnull=False)
    assert set(abolished.values_list("code", flat=True)) == {"442000100", "442000102", "442000104", "442000113"}
    assert set(abolished.values_list("valid_to", flat=True)) == {dt.date(2021, 7, 19)}

    # In 2020 (the plan's base year) 中山 had 24 镇街 — the 2020 denominators depend on it.
    in_2020 = Area.objects.current(dt.date(2020, 12, 31)).within(zhongshan).filter(level=Level.TOWN)
    assert in_2020.count() == 24
    assert in_2020.filter(name="东升镇").exists() and not in_2020.filter(name="民众街道").exists()
    assert area_by_code("442000104", on=dt.date(2020, 6, 1)).name == "东升镇"
    with pytest.raises(DomainError, match="不存在或已失效"):
        area_by_code("442000104")  # 东升镇 no longer exists today


def test_dongguan_has_32_towns_and_songshanhu(loaded):
    towns = _current_below("441900", Level.TOWN)
    assert towns.count() == 33
    assert towns.filter(name__contains="松山湖").count() == 1
    assert towns.exclude(name__contains="松山湖").count() == 32
    assert towns.filter(name__endswith="街道").count() == 4
    assert towns.filter(name__endswith="镇").count() == 28


def test_codes_are_marked_with_their_source(loaded):
    assert Area.objects.get(code="441800").code_source == CodeSource.GB2260
    assert Area.objects.get(code="445322100").code_source == CodeSource.STATS
    assert not Area.objects.filter(code_source=CodeSource.GENERATED).exists()
    for area in Area.objects.exclude(level=Level.PROVINCE):
        assert area.path.startswith(area.parent.path) and area.path.endswith(f"/{area.pk}/")


def test_loading_again_changes_nothing(loaded):
    areas_before = sorted(Area.objects.values_list("code", "valid_from", "valid_to", "path"))
    audit_before = AuditEntry.objects.count()

    assert load_reference_areas() == 0

    assert sorted(Area.objects.values_list("code", "valid_from", "valid_to", "path")) == areas_before
    assert AuditEntry.objects.count() == audit_before, "a rerun that changed nothing leaves no audit entry"


def test_generated_villages_are_marked_and_not_duplicated(loaded):
    ducheng = area_by_code("445322100")
    villages = generate_villages(town=ducheng, count=18)

    assert len(villages) == 18
    for v in villages:
        assert v.level == Level.VILLAGE and v.parent == ducheng
        assert v.is_generated and v.code_source == CodeSource.GENERATED
        assert v.note == "演示数据生成，非真实村居"
        assert v.code.startswith("445322100") and len(v.code) == 12
        assert ducheng.contains(v)
    assert len({v.name for v in villages}) == 18
    assert AuditEntry.objects.filter(action="area.generate_villages", object_id="445322100").count() == 1

    assert generate_villages(town=ducheng, count=20) != []  # only the two missing ones are added
    assert Area.objects.filter(parent=ducheng).count() == 20
    assert generate_villages(town=ducheng, count=20) == []
    assert verify_chain()[1] is None


def test_an_unknown_area_code_gets_a_chinese_error_naming_the_field(loaded):
    with pytest.raises(DomainError) as err:
        area_by_code("445322999")
    assert err.value.message == "区划代码“445322999”不存在或已失效"
    assert err.value.code == "unknown_area" and err.value.field == "区划代码"

    with pytest.raises(DomainError) as err:
        area_by_code("", field="户籍地")
    assert err.value.field == "户籍地" and err.value.message.startswith("户籍地“")

    assert area_by_code(" 445322100 ").name == "都城镇"


def test_an_area_without_a_parent_is_refused(db):
    from minzheng.areas.services import area_create

    with pytest.raises(DomainError, match="区划“孤村”缺少上级区划"):
        area_create(actor=None, code="999", name="孤村", level=Level.VILLAGE, parent=None,
                    code_source=CodeSource.LOCAL, valid_from=dt.date(2020, 1, 1))
    assert not Area.objects.exists()
