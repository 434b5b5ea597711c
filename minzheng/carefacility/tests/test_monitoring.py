"""规划监测 from the facility data: 护理型床位占比, 镇街综合养老服务机构覆盖率, 社区养老服务设施覆盖率, 每千名老年人
养老床位数 and 适老化改造户数 — each a ratio of sums over the area tree, rebuilt by minzheng.monitoring.rollup
with the real data/monitoring/formulas.csv."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.areas.models import Area, Level
from minzheng.carefacility import services
from minzheng.carefacility.models import Facility, Kind
from minzheng.monitoring import catalogue, rollup
from minzheng.monitoring.models import IndicatorValue
from minzheng.monitoring.tests.conftest import write_catalogue
from minzheng.registry.models import Person

from .stories import TODAY, home

pytestmark = pytest.mark.django_db
YEAR = TODAY.year
Q4 = Decimal("0.0001")

ROWS = [
    ("440704.nursing_bed_share", "nursing_bed_share", "养老服务", "养老机构护理型床位占比", "", "%", "约束性", "0",
     "40", "50", "55"),
    ("440704.town_elderly_service_coverage", "town_elderly_service_coverage", "养老服务",
     "乡镇(街道)范围具备综合功能的养老服务机构覆盖率", "", "%", "预期性", "0", "33", "100", "100"),
    ("440704.community_elderly_facility_coverage", "community_elderly_facility_coverage", "养老服务",
     "社区（村）养老服务设施覆盖率", "", "%", "", "0", "", "", "100"),
    ("440704.elderly_beds_per_1000", "elderly_beds_per_1000", "养老服务", "每千名老年人养老床位数", "", "张", "",
     "0", "", "", "35"),
    ("440704.age_friendly_retrofit_households", "age_friendly_retrofit_households", "养老服务", "适老化改造", "",
     "户", "", "0", "", "", "1000"),
]


def _value(code, area):
    return IndicatorValue.objects.get(indicator__code=code, area=area, period=YEAR)


def test_the_rollup_counts_beds_centres_and_retrofits_as_ratios_of_sums(care, tmp_path, settings):
    w = care
    formulas = (settings.BASE_DIR / "data" / "monitoring" / "formulas.csv").read_text(encoding="utf-8")
    catalogue.load(directory=write_catalogue(tmp_path, ROWS, formulas=formulas))

    # 礼乐: a private home with 2 of 3 beds 护理型, the town's centre (its nursing bed is not a 养老机构 bed)
    home(w, capacity=3, beds=(("A01", True), ("A02", True), ("A03", False)))
    home(w, name="礼乐综合养老服务中心", kind=Kind.TOWN_CENTRE, beds=(("C1", True),))
    # 外海: a 特困供养机构 with 2 plain beds and one nursing bed retired; its centre closed
    _, (_, _, retired) = home(w, name="外海敬老院", kind=Kind.TEKUN, area=w.waihai, capacity=3,
                                  beds=(("W1", False), ("W2", False), ("W3", True)))
    services.bed_set_status(actor=w.huang, bed=retired, status="retired")
    closed, _ = home(w, name="外海综合养老服务中心", kind=Kind.TOWN_CENTRE, area=w.waihai, beds=())
    services.facility_set_status(actor=w.huang, facility=closed, status="closed", reason="场地收回")
    # 英南村: a station with one bed; 王秀兰's home adapted
    home(w, name="英南村养老服务站", kind=Kind.VILLAGE_STATION, area=w.yingnan, beds=(("1", False),))
    r = services.retrofit_apply(actor=w.chen, person=w.wang_xl, needs="扶手")
    r = services.retrofit_step(actor=w.li, retrofit=r, action="assess", note="需要", planned_items="扶手")
    r = services.retrofit_step(actor=w.li, retrofit=r, action="start", note="开工", contractor="江海适老家居")
    services.retrofit_step(actor=w.huang, retrofit=r, action="accept", note="合格")
    services.retrofit_apply(actor=w.chen, person=w.chen_bo, needs="扶手")   # not finished: not counted

    rollup.rebuild(YEAR, resume=False)

    share = _value("440704.nursing_bed_share", w.jianghai)
    assert (share.numerator, share.denominator) == (2, 5)
    assert share.value == Decimal(40).quantize(Q4)       # (2 + 0) / (3 + 2), not the mean of 66.7 % and 0 %
    assert _value("440704.nursing_bed_share", w.lile).value == (Decimal(200) / 3).quantize(Q4)
    assert _value("440704.nursing_bed_share", w.waihai).value == 0

    towns = Area.objects.current().filter(level=Level.TOWN, path__startswith=w.jianghai.path).count()
    cover = _value("440704.town_elderly_service_coverage", w.jianghai)
    assert (cover.numerator, cover.denominator) == (1, towns)
    assert cover.value == (Decimal(100) / towns).quantize(Q4)
    assert _value("440704.town_elderly_service_coverage", w.waihai).value == 0

    villages = Area.objects.current().filter(level=Level.VILLAGE, path__startswith=w.jianghai.path).count()
    assert _value("440704.community_elderly_facility_coverage", w.jianghai).value == (
        Decimal(100) / villages).quantize(Q4)

    born_by = TODAY.replace(year=TODAY.year - 60, day=28 if (TODAY.month, TODAY.day) == (2, 29) else TODAY.day)
    elderly = Person.objects.filter(residence_area__path__startswith=w.jianghai.path, death_date__isnull=True,
                                    birth_date__lte=born_by).count()
    per_1000 = _value("440704.elderly_beds_per_1000", w.jianghai)
    assert (per_1000.numerator, per_1000.denominator) == (3 + 1 + 2 + 1, elderly)
    assert per_1000.value == (Decimal(7 * 1000) / elderly).quantize(Q4)

    assert _value("440704.age_friendly_retrofit_households", w.jianghai).value == 1

    # a nursing bed added now moves the figure at the next incremental refresh
    lile_home = Facility.objects.get(name="礼乐颐养院")
    services.facility_set_capacity(actor=w.huang, facility=lile_home, capacity=4)
    services.bed_add(actor=w.huang, facility=lile_home, number="A04", registration_code="GD-A04", nursing=True,
                     opened_on=TODAY)
    rollup.refresh(YEAR)
    assert _value("440704.nursing_bed_share", w.jianghai).value == Decimal(50).quantize(Q4)   # 3 / 6


def test_a_bed_opened_after_the_year_end_is_not_counted_for_that_year(care, tmp_path, settings):
    w = care
    formulas = (settings.BASE_DIR / "data" / "monitoring" / "formulas.csv").read_text(encoding="utf-8")
    catalogue.load(directory=write_catalogue(tmp_path, ROWS[:1], formulas=formulas))
    facility = services.facility_register(actor=w.huang, name="礼乐颐养院", kind=Kind.INSTITUTION, ownership="private",
                                          area=w.lile, operator="某公司", capacity=4,
                                          registered_on=dt.date(YEAR - 1, 6, 1))
    services.bed_add(actor=w.huang, facility=facility, number="1", registration_code="X1", nursing=True,
                     opened_on=dt.date(YEAR - 1, 6, 1))
    services.bed_add(actor=w.huang, facility=facility, number="2", registration_code="X2", nursing=False,
                     opened_on=dt.date(YEAR, 1, 1))
    rollup.rebuild(YEAR - 1, resume=False)
    last_year = IndicatorValue.objects.get(indicator__code="440704.nursing_bed_share", area=w.jianghai,
                                           period=YEAR - 1)
    assert (last_year.numerator, last_year.denominator, last_year.value) == (1, 1, Decimal(100).quantize(Q4))
