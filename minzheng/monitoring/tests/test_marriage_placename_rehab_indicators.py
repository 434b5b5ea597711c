"""江海区's marriage, place-name and 康园 statistics computed from the records instead of reported, for 2023.

At 江海区婚姻登记处 黄志强 married 梁家明 and 陈慧 on 30 December 2022, then three couples in 2023; 梁家明 and 陈慧
divorced in February 2023 after the 冷静期, and 陈慧 had a lost certificate re-issued (a 补领 counts as neither). The
naming officer approved two names in 礼乐街道 and one in 外海街道 in 2023, refused one, and approved one in 2022.
礼乐街道 opened a 社区康园中心 in 英南村 in 2022; 外海街道 has only another kind of rehabilitation service, and
江南街道's 康园中心 opens in 2024 — so one of 江海区's three towns has a 康园中心 at the end of 2023.
"""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.assistance.tests.stories import area
from minzheng.core.idcard import make_id_number
from minzheng.marriage import services as marriage
from minzheng.marriage.models import Office
from minzheng.monitoring import catalogue, rollup
from minzheng.monitoring.models import IndicatorValue
from minzheng.placenames.models import NamingApplication
from minzheng.registry.services import person_create
from minzheng.rehab import services as rehab

from .conftest import write_catalogue

pytestmark = pytest.mark.django_db

# formula rows of formulas.csv: key or key,sub
KEYS = ("marriage_registrations,", "divorce_registrations,", "marriage_divorce_registrations,",
        "place_name_approvals,", "kangyuan_centres,,", "kangyuan_centres,town_coverage,")
ROWS = [
    ("440704.marriage_registrations", "marriage_registrations", "社会事务", "结婚登记", "", "对", "", "0", "", "", ""),
    ("440704.divorce_registrations", "divorce_registrations", "社会事务", "离婚登记", "", "对", "", "0", "", "", ""),
    ("440704.marriage_divorce_registrations", "marriage_divorce_registrations", "社会事务", "婚姻登记", "", "对", "",
     "0", "", "", ""),
    ("440704.place_name_approvals", "place_name_approvals", "社会事务", "地名审批", "", "宗", "", "0", "", "", ""),
    ("440704.kangyuan_centres", "kangyuan_centres", "社会事务", "社区康园中心", "", "个", "", "0", "", "", ""),
    ("440704.kangyuan_centres.town_coverage", "kangyuan_centres", "社会事务", "社区康园中心", "乡镇（街道）全覆盖", "%",
     "", "0", "", "", ""),
]


def _real_formulas(settings):
    """The six rows of the real formulas.csv, so the test computes what the deployed catalogue computes."""
    lines = (settings.DATA_DIR / "monitoring" / "formulas.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    picked = [line for line in lines if line.startswith(("key,",) + KEYS)]
    assert len(picked) == len(KEYS) + 1
    return "".join(picked)


def _person(w, name, sex, n):
    born = dt.date(1990, 1, 1) if sex == "M" else dt.date(1992, 1, 1)
    seq = 700 + 2 * n + (1 if sex == "M" else 0)  # an odd sequence number is a man's
    return person_create(actor=w.huang, id_number=make_id_number("440704", born, seq), name=name,
                         hukou_area=w.yingnan, residence_area=w.yingnan)


def _named(w, name, area, status, decided_on):
    NamingApplication.objects.create(kind="name", proposed_name=name, category="24", area=area, applicant="区住建局",
                                     reason="新建道路", status=status, decided_on=decided_on, created_by=w.li,
                                     decided_by=w.huang)


def test_marriage_place_name_and_kangyuan_statistics_are_computed(world, tmp_path, settings):
    w = world
    catalogue.load(directory=write_catalogue(tmp_path, ROWS, formulas=_real_formulas(settings)))

    office = Office.objects.create(name="江海区婚姻登记处", code="440704", area=w.jianghai, daily_capacity=20)
    liang, chen = _person(w, "梁家明", "M", 1), _person(w, "陈慧", "F", 1)
    marriage.marriage_register(actor=w.huang, office=office, man=liang, woman=chen, on=dt.date(2022, 12, 30),
                               declaration_signed=True)
    for n, day in enumerate([dt.date(2023, 3, 8), dt.date(2023, 5, 20), dt.date(2023, 10, 1)], start=2):
        marriage.marriage_register(actor=w.huang, office=office, man=_person(w, f"新郎{n}", "M", n),
                                   woman=_person(w, f"新娘{n}", "F", n), on=day, declaration_signed=True)
    app = marriage.divorce_apply(actor=w.huang, office=office, party_a=liang, party_b=chen, on=dt.date(2023, 1, 5))
    marriage.divorce_confirm(actor=w.huang, application=app, on=dt.date(2023, 2, 10))
    marriage.certificate_reissue(actor=w.huang, office=office, person=chen, on=dt.date(2023, 6, 1))

    _named(w, "英南一路", w.lile, "approved", dt.date(2023, 4, 1))
    _named(w, "英南二路", w.yingnan, "approved", dt.date(2023, 9, 1))
    _named(w, "外海大道", w.waihai, "approved", dt.date(2023, 7, 1))
    _named(w, "礼乐三路", w.lile, "refused", dt.date(2023, 8, 1))
    _named(w, "向东路", w.lile, "approved", dt.date(2022, 11, 1))

    rehab.centre_register(actor=w.huang, name="礼乐街道社区康园中心", kind="kangyuan", area=w.yingnan,
                          opened_on=dt.date(2022, 6, 1))
    rehab.centre_register(actor=w.huang, name="外海街道精神康复站", kind="other", area=w.waihai,
                          opened_on=dt.date(2022, 6, 1))
    rehab.centre_register(actor=w.huang, name="江南街道社区康园中心", kind="kangyuan",
                          area=area("440704001"), opened_on=dt.date(2024, 1, 2))

    rollup.rebuild(2023)

    def value(key, area):
        return IndicatorValue.objects.get(indicator__code=f"440704.{key}", area=area, period=2023)

    assert value("marriage_registrations", w.jianghai).value == Decimal("3")  # 30 Dec 2022 is last year's
    assert value("divorce_registrations", w.jianghai).value == Decimal("1")
    assert value("marriage_divorce_registrations", w.jianghai).value == Decimal("4")  # the 补领 is not counted
    assert value("place_name_approvals", w.jianghai).value == Decimal("3")
    assert value("place_name_approvals", w.lile).value == Decimal("2")  # one at the town, one at its village
    assert value("place_name_approvals", w.waihai).value == Decimal("1")
    assert value("kangyuan_centres", w.jianghai).value == Decimal("1")
    coverage = value("kangyuan_centres.town_coverage", w.jianghai)
    assert (coverage.numerator, coverage.denominator, coverage.value) == (1, 3, Decimal("33.3333"))
    assert value("kangyuan_centres.town_coverage", w.lile).value == Decimal("100")
    assert value("kangyuan_centres.town_coverage", w.waihai).value == Decimal("0")

    rollup.rebuild(2024)  # 江南街道's centre opens: two of three towns
    cov_2024 = IndicatorValue.objects.get(indicator__code="440704.kangyuan_centres.town_coverage", area=w.jianghai,
                                          period=2024)
    assert (cov_2024.numerator, cov_2024.value) == (2, Decimal("66.6667"))
