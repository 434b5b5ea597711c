"""规划监测's child rows computed from the children data (not reported), checked against hand counts:
儿童主任覆盖率, 未成年人保护工作站覆盖率, 儿童主任参训率, 县级未成年人救助保护机构覆盖率, 事实无人抚养儿童保障率
— each a ratio of sums up the area tree, with the real data/monitoring/formulas.csv — plus the visit and open-case
counts."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.areas.models import Area, Level
from minzheng.children import services
from minzheng.children.models import Post
from minzheng.core.idcard import make_id_number
from minzheng.monitoring import catalogue, rollup
from minzheng.monitoring.models import ElementValue, IndicatorValue
from minzheng.monitoring.tests.conftest import enrol, write_catalogue
from minzheng.registry.services import category_add, person_create

from .stories import START, today

pytestmark = pytest.mark.django_db
Q4 = Decimal("0.0001")

ROWS = [
    ("440704.child_director_coverage", "child_director_coverage", "儿童福利", "村（居）儿童主任覆盖率", "", "%",
     "预期性", "0", "100", "100", "100"),
    ("440704.minor_protection_station_coverage", "minor_protection_station_coverage", "儿童福利",
     "乡镇(街道)未成年人保护工作站覆盖率", "", "%", "预期性", "0", "", "30", "100"),
    ("440704.child_director_training_rate", "child_director_training_rate", "儿童福利", "儿童主任参训率", "", "%",
     "", "0", "", "", "100"),
    ("440704.minor_rescue_institution_coverage.county_level", "minor_rescue_institution_coverage", "儿童福利",
     "县未成年人救助保护机构覆盖率", "", "%", "", "0", "", "", "100"),
    ("440704.de_facto_unsupported_coverage", "de_facto_unsupported_coverage", "儿童福利",
     "事实无人抚养儿童保障率", "", "%", "", "0", "", "", "100"),
]


def _value(code, area, year):
    return IndicatorValue.objects.get(indicator__code=code, area=area, period=year)


def _element(name, area, year):
    values = ElementValue.objects.filter(element=name, period=year, area__path__startswith=area.path)
    return sum(v.value for v in values)


def test_the_child_rows_are_ratios_of_sums_of_the_networks_and_childrens_data(kids, tmp_path, settings):
    w, t = kids, today()
    year = t.year
    formulas = (settings.BASE_DIR / "data" / "monitoring" / "formulas.csv").read_text(encoding="utf-8")
    catalogue.load(directory=write_catalogue(tmp_path, ROWS, formulas=formulas))
    # the kids fixture: 儿童主任 in 英南村 (陈小玲) and 外海社区 (徐丽), none in 向东村; a station in 礼乐街道 only;
    # the district's centre. 陈小玲 was trained, 徐丽 not; a director who left does not count.
    services.training_record(actor=w.huang, appointment=w.director, held_on=START, topic="儿童主任岗前培训", hours=8)
    gone = services.appointment_create(actor=w.huang, post=Post.DIRECTOR, name="离任者", area=w.xiangdong,
                                       start_date=START)
    services.appointment_end(actor=w.huang, appointment=gone, end_date=START + dt.timedelta(days=30))
    # 事实无人抚养儿童: two recognised in 英南村, one of them paid
    kids_ = [person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(2015, 1, 1 + i), 700 + i),
                           name=n, hukou_area=w.yingnan, residence_area=w.yingnan) for i, n in enumerate(("甲", "乙"))]
    for k in kids_:
        category_add(actor=w.huang, person=k, category="de_facto_unsupported", valid_from=dt.date(2023, 1, 1))
    enrol(w, kids_[0], "de_facto_unsupported", "basic", "1800")
    # visits: 乙 visited today, 甲 never (both monthly as 事实无人抚养); a case open and one closed
    services.visit_record(actor=w.chen, child=kids_[1], visited_on=t, mode="home", findings="生活有人照料")
    services.report_file(actor=w.chen, child=kids_[0], source="village", priority="normal", what="无人照料上学",
                         location="英南村", reporter_name="陈小玲")
    closed = services.report_file(actor=w.chen, child=w.son, source="village", priority="normal",
                                  what="疑似辍学在家", location="英南村", reporter_name="陈小玲").case
    services.case_verify(actor=w.chen, case=closed, happened_on=t, finding="核实已返校", substantiated=False)
    services.case_close(actor=w.li, case=closed, happened_on=t, reason="unfounded")

    rollup.rebuild(year, resume=False)

    villages = Area.objects.current().filter(level=Level.VILLAGE, path__startswith=w.jianghai.path).count()
    towns = Area.objects.current().filter(level=Level.TOWN, path__startswith=w.jianghai.path).count()
    cover = _value("440704.child_director_coverage", w.jianghai, year)
    assert (cover.numerator, cover.denominator) == (2, villages)                # 英南村 + 外海社区
    assert cover.value == (Decimal(200) / villages).quantize(Q4)
    assert _value("440704.child_director_coverage", w.lile, year).value == Decimal(50).quantize(Q4)   # 1 of 2
    assert _value("440704.child_director_coverage", w.waihai, year).value == Decimal(100).quantize(Q4)
    station = _value("440704.minor_protection_station_coverage", w.jianghai, year)
    assert (station.numerator, station.denominator) == (1, towns)
    trained = _value("440704.child_director_training_rate", w.jianghai, year)
    assert (trained.numerator, trained.denominator, trained.value) == (1, 2, Decimal(50).quantize(Q4))
    centre = _value("440704.minor_rescue_institution_coverage.county_level", w.jianghai, year)
    assert (centre.numerator, centre.denominator, centre.value) == (1, 1, Decimal(100).quantize(Q4))
    de_facto = _value("440704.de_facto_unsupported_coverage", w.jianghai, year)
    assert (de_facto.numerator, de_facto.denominator, de_facto.value) == (1, 2, Decimal(50).quantize(Q4))

    assert _element("children_to_visit", w.jianghai, year) == 2
    assert _element("children_visited", w.jianghai, year) == 1
    assert _element("child_cases_open", w.jianghai, year) == 1
    assert _element("child_reports", w.jianghai, year) == 2
