"""江海区's 社会事务 rows computed from the records instead of reported: in 2023 礼乐街道 recorded four deaths (three
eco-burials) and 外海街道 one (none), so the 节地生态安葬率 is 75 % in 礼乐, 0 % in 外海 and 3 ÷ 5 = 60 % for the
county; 礼乐街道 has a public-interest ash forest in 英南村, so it counts as a town with such a facility."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.core.idcard import make_id_number
from minzheng.funeral import services as funeral
from minzheng.funeral.models import Facility
from minzheng.monitoring import catalogue, rollup
from minzheng.monitoring.models import IndicatorValue
from minzheng.registry.services import person_create

from .conftest import write_catalogue

pytestmark = pytest.mark.django_db

ROWS = [
    ("440704.eco_burial_rate", "eco_burial_rate", "社会治理", "节地生态安葬率", "", "%", "预期性", "0", "", "", "70"),
    ("440704.public_burial_facility_coverage", "public_burial_facility_coverage", "社会治理",
     "镇级城乡公益性安葬（放）设施覆盖率", "", "%", "约束性", "0", "", "", "100"),
]


def test_eco_burial_rate_and_ash_facility_coverage_are_computed(world, tmp_path, settings):
    w = world
    formulas = "".join(line for line in (settings.DATA_DIR / "monitoring" / "formulas.csv").read_text(
        encoding="utf-8").splitlines(keepends=True) if line.startswith(("key,", "eco_burial_rate,",
                                                                         "public_burial_facility_coverage,")))
    catalogue.load(directory=write_catalogue(tmp_path, ROWS, formulas=formulas))
    Facility.objects.create(name="礼乐公益性骨灰林", kind=Facility.Kind.ASH_FACILITY, area=w.yingnan)
    day = dt.date(2023, 6, 1)
    for n, (village, eco) in enumerate([(w.yingnan, True), (w.yingnan, True), (w.xiangdong, True),
                                        (w.xiangdong, False), (w.waihai_village, False)]):
        p = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1940, 1, 1), 500 + 2 * n),
                          name=f"逝者{n}", hukou_area=village, residence_area=village)
        record = funeral.death_record(actor=w.huang, person=p, death_date=day, source="hospital", today=day)
        if eco:
            funeral.eco_burial_prepare(actor=w.huang, record=record, method="sea", buried_on=day, family_name="家属",
                                       family_account="6222020000000001", today=day)
    rollup.rebuild(2023)

    def value(code, area):
        return IndicatorValue.objects.get(indicator__code=code, area=area, period=2023)

    assert value("440704.eco_burial_rate", w.lile).value == Decimal("75")
    assert value("440704.eco_burial_rate", w.waihai).value == Decimal("0")
    county = value("440704.eco_burial_rate", w.jianghai)
    assert (county.numerator, county.denominator, county.value) == (3, 5, Decimal("60"))
    assert value("440704.public_burial_facility_coverage", w.lile).value == Decimal("100")
    coverage = value("440704.public_burial_facility_coverage", w.jianghai)
    assert coverage.numerator == 1 and coverage.denominator >= 2
