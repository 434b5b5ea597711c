"""Deterministic demo population, calibrated to the five jurisdictions (data/demo/calibration.toml).

The same (area, persons, seed, as-of date) always yields the same persons, 身份证号 and households.
Work is split into chunks of CHUNK_SIZE persons; each chunk has its own random stream (seeded from
area, seed and chunk number), is built in Python and written set-based in one transaction
(executemany on SQLite, COPY on PostgreSQL), so memory stays flat and a crashed run resumes:
chunks whose first household already exists are skipped.

How a chunk is built (a pool model, so the calibrated age shares hold exactly):
1. Draw ages by band (0-17, 18-59, 60-79, 80+) in the calibrated proportions, and sexes.
2. The calibrated share of the 60+ lives alone (独居).
3. Children in skip-generation homes (留守儿童, 孤儿, 事实无人抚养儿童) live with grandparents.
4. Other children are grouped into siblings and matched with parents of a plausible age.
5. The remaining adults and elders join families (grandparents, grown children), pair into couples
   or live alone, in the proportions that bring the mean household size to the calibrated value.
6. Disabilities, 特困 (mostly people living alone), 低保 and 低收入 (whole households), children's and
   elders' categories follow the calibrated rates (count ÷ population), rounded stochastically.
"""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import math
import random
import time
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from minzheng.areas.models import Area, Level
from minzheng.areas.services import generate_villages, load_reference_areas
from minzheng.core import audit
from minzheng.core.idcard import check_char
from minzheng.core.periods import birthday, born_on_or_before
from minzheng.core.pinyin import name_pinyin
from minzheng.registry.models import (
    Category,
    DisabilityCategory,
    Household,
    Membership,
    Person,
    PersonCategory,
    Relation,
)

CHUNK_SIZE = 5000
CALIBRATION_TOML = Path(settings.DATA_DIR) / "demo" / "calibration.toml"
AREAS_CSV = Path(settings.DATA_DIR) / "areas" / "areas.csv"
CSV_HEADER = ["身份证号", "姓名", "性别", "出生日期", "户籍地区划代码", "居住地区划代码", "居住地址", "联系电话",
              "残疾类别", "残疾等级", "开户银行", "银行账号", "家庭编号", "与户主关系", "家庭住址"]
MAX_SEED = 10**9

# ------------------------------------------------------------------------------------------------
# Names. Guangdong surname frequencies (approximate shares in the province's population, per mille;
# 陈 李 黄 张 梁 lead as in every Cantonese-speaking prefecture). 丘/邱, 王/黄 (both "Wong" in
# Cantonese) and many given-name homophones (嘉/家/佳, 欣/馨/心 …) give realistic near-duplicates.
# ------------------------------------------------------------------------------------------------
SURNAMES = {
    "陈": 105, "李": 75, "黄": 65, "张": 45, "梁": 42, "林": 38, "刘": 35, "吴": 28, "罗": 26, "何": 25,
    "郑": 22, "杨": 21, "周": 18, "王": 17, "谢": 16, "叶": 15, "钟": 15, "邓": 15, "冯": 13, "曾": 13,
    "朱": 12, "蔡": 12, "许": 11, "卢": 11, "赖": 10, "苏": 10, "潘": 10, "彭": 9, "邱": 9, "余": 8,
    "莫": 8, "谭": 8, "廖": 8, "麦": 7, "徐": 7, "胡": 7, "郭": 7, "温": 5, "伍": 5, "关": 5, "赵": 5,
    "江": 4, "袁": 4, "方": 4, "唐": 4, "甘": 3, "严": 3, "杜": 3, "姚": 3, "韦": 3, "邝": 3, "曹": 3,
    "邹": 3, "马": 3, "孙": 3, "欧阳": 3, "区": 2, "骆": 2, "冼": 2, "岑": 2, "古": 2, "孔": 2, "汤": 2,
    "宋": 2, "龙": 2, "阮": 2, "巫": 2, "凌": 2, "沈": 2, "范": 2, "戴": 2, "丘": 1.5, "司徒": 1.5,
    "盘": 1, "招": 1, "房": 1, "容": 1, "简": 1, "柯": 1, "利": 1, "侯": 1, "植": 0.5, "布": 0.5,
}
# 连南瑶族自治县 / 连山壮族瑶族自治县: common 瑶族/壮族 surnames.
SURNAME_BOOST = {"441825": {"韦": 60, "莫": 30, "盘": 40, "覃": 15, "房": 20, "唐": 20},
                 "441826": {"盘": 80, "房": 50, "唐": 50, "邓": 40, "沈": 30, "赵": 30}}

GIVEN = {
    # born before 1960
    ("M", 0): "亚金福财有添炳树根水德昌荣发光明志雄伟强汉耀祥桂保坤顺泉锦灿新达辉全胜玉基南才培",
    ("F", 0): "亚带娣妹金银凤桂兰英珍玉秀群好彩转满娇莲爱容杏梅彩娥嫦焕少玲丽连惠甜嫲",
    # 1960-1989
    ("M", 1): "志智伟炜明铭强建健剑国华文军俊杰海锋峰辉晖勇斌荣东永振家宏庆立敏浩晓冠耀锦润昌德光坚洪广灿",
    ("F", 1): "丽玲燕红梅芳霞美萍琼秀艳敏娟婷凤慧惠洁春玉莲彩珊碧雪静颖妙嫦少淑小晓翠桂婵",
    # 1990 and later
    ("M", 2): "子梓俊浩皓昊宇轩杰嘉家锦铭晓泽文博宏熙睿锐乐思逸天明卓豪健伟振宸霖彦烨扬骏峻诚",
    ("F", 2): "嘉家佳欣馨心怡仪宜诗雅晓琪淇婷颖莹思梓子慧敏静婧雨可琳玲妍彤桐悦晴瑶芷蕙倩洁雯晞蓝恩",
}
OLD_FEMALE_PATTERNS = ("亚{}", "{}娣", "{}妹", "{}好")
SINGLE_GIVEN = {"M": "伟强明军杰辉斌勇健峰浩宇轩锋东华海涛坚荣", "F": "丽玲燕红梅芳霞萍琼艳敏娟婷颖静琳洁雯"}
NOT_SECOND = set("亚带少小子梓晓")  # characters that only lead a two-character given name
HOMOPHONES = ["嘉家佳", "欣馨心", "怡仪宜", "婷亭", "伟炜玮", "明铭", "文雯", "晓小", "琪淇", "杰洁", "静婧靖",
              "俊骏峻", "浩皓昊", "宇雨", "梓子", "睿锐", "琳玲", "颖莹", "彤桐", "慧惠蕙", "志智", "建健剑",
              "辉晖", "锋峰", "邱丘"]
HOMOPHONE_OF = {ch: group for group in HOMOPHONES for ch in group}

STREETS = ["一巷", "二巷", "三巷", "四巷", "新村路", "中心街", "东街", "西街", "大塘边", "石桥头", "上围",
           "下围", "新兴路", "文明路", "和平路", "龙田坊", "榕树头", "塘基路"]

# 中国残疾人抽样调查 (2006) shares by category, and an even-ish spread of grades 1-4.
DISABILITY_WEIGHTS = {DisabilityCategory.PHYSICAL: 29.1, DisabilityCategory.HEARING: 24.2,
                      DisabilityCategory.MULTIPLE: 16.3, DisabilityCategory.VISUAL: 14.9,
                      DisabilityCategory.MENTAL: 7.4, DisabilityCategory.INTELLECTUAL: 6.7,
                      DisabilityCategory.SPEECH: 1.5}
GRADE_WEIGHTS = {1: 18, 2: 28, 3: 27, 4: 27}

BANKS = [("中国农业银行", "622848", 30), ("中国邮政储蓄银行", "621799", 25), ("广东农村商业银行", "621458", 20),
         ("中国工商银行", "622202", 10), ("中国建设银行", "621700", 8), ("中国银行", "621785", 7)]
PHONE_PREFIXES = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182",
                  "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180",
                  "181", "189", "177", "199", "198", "166"]
AREA_PHONE_CODE = {"441800": "0763", "445322": "0766", "440704": "0750", "442000": "0760", "441900": "0769"}
# Share of men among 18-59 residents (七普: migrant-heavy cities are male-skewed). 假设.
ADULT_MALE_SHARE = {"441800": 0.51, "445322": 0.52, "440704": 0.54, "442000": 0.54, "441900": 0.56}

HISTORY_START = dt.date(2016, 1, 1)


# ------------------------------------------------------------------------------------------------
# Calibration and places
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Calibration:
    code: str
    name: str
    population: int
    share_60_plus: float
    share_80_plus: float
    share_children: float
    avg_household_size: float
    elderly_alone_share: float
    rates: dict[str, float]  # Category value → persons per resident

    @property
    def skip_generation_rate(self) -> float:
        return sum(self.rates[c] for c in (Category.LEFT_BEHIND_CHILD, Category.ORPHAN,
                                           Category.DE_FACTO_UNSUPPORTED))


_RATE_KEYS = {Category.DIBAO: "dibao_persons", Category.TEKUN: "tekun_persons",
              Category.LOW_INCOME: "low_income_persons", Category.ORPHAN: "orphans",
              Category.DE_FACTO_UNSUPPORTED: "de_facto_unsupported_children",
              Category.DISABLED: "disabled_persons", Category.LEFT_BEHIND_CHILD: "left_behind_children"}


def load_calibrations(path: Path = CALIBRATION_TOML) -> dict[str, Calibration]:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    out = {}
    for code, name in data["meta"]["jurisdictions"].items():
        t = data[code]
        pop = t["population"]["value"]
        out[code] = Calibration(
            code=code, name=name, population=pop, share_60_plus=t["share_60_plus"]["value"],
            share_80_plus=t["share_80_plus"]["value"], share_children=t["share_children_0_17"]["value"],
            avg_household_size=t["avg_household_size"]["value"],
            elderly_alone_share=t["elderly_living_alone_share"]["value"],
            rates={cat: t[key]["value"] / pop for cat, key in _RATE_KEYS.items()})
    return out


@dataclass(frozen=True)
class Place:
    """Where households are placed: a village (or a town when no villages exist)."""

    pk: int | None
    code: str
    region: str  # 6-digit 身份证 address code: the county, or the city for 东莞/中山
    full_name: str
    weight: float


@dataclass
class Plan:
    area_code: str
    area_name: str
    persons: int
    seed: int
    as_of: dt.date
    calibration: Calibration
    places: list[Place]
    chunk_size: int = CHUNK_SIZE
    villages_created: int = 0

    @property
    def number_prefix(self) -> str:
        return f"D{self.area_code}-{self.seed}-"

    @property
    def chunk_count(self) -> int:
        return math.ceil(self.persons / self.chunk_size)

    def chunk_persons(self, k: int) -> int:
        return min(self.chunk_size, self.persons - k * self.chunk_size)

    def household_number(self, chunk: int, i: int) -> str:
        return f"{self.number_prefix}{chunk:05d}-{i:04d}"


class DemoError(Exception):
    """A bad request to the generator, with a Chinese message for the operator."""


def default_as_of() -> dt.date:
    """1 January of this year: ages stay current while a year's runs stay identical."""
    return dt.date(timezone.localdate().year, 1, 1)


def _calibration_for(chain: list[str], cals: dict[str, Calibration], code: str) -> Calibration:
    for c in reversed(chain):
        if c in cals:
            return cals[c]
    names = "、".join(c.name for c in cals.values())
    raise DemoError(f"区划“{code}”不在校准数据覆盖的辖区内（{names}及其下级区划）")


def _place_weights(codes: list[str], seed: int) -> list[float]:
    rng = random.Random(f"places:{seed}")
    return [math.exp(rng.gauss(0, 0.5)) for _ in codes]


def plan_from_db(*, area_code: str, persons: int, seed: int, as_of: dt.date | None = None,
                 villages_per_town: int = 5, create_villages: bool = True, actor=None) -> Plan:
    """Resolve the area in the database; generate demo villages under towns that have none."""

    _check_counts(persons, seed)
    area = Area.objects.current().filter(code=area_code).first()
    if area is None and create_villages and _csv_areas().get(area_code):
        load_reference_areas(actor=actor)
        area = Area.objects.current().filter(code=area_code).first()
    if area is None:
        raise DemoError(f"区划代码“{area_code}”不存在或已失效")
    cals = load_calibrations()
    chain_ids = [int(x) for x in area.path.strip("/").split("/")]
    chain = list(Area.objects.filter(id__in=chain_ids).order_by("path").values_list("code", flat=True))
    cal = _calibration_for(chain, cals, area_code)
    below = Area.objects.current().within(area)
    created = 0
    if create_villages and area.level != Level.VILLAGE:
        towns = [area] if area.level == Level.TOWN else list(below.filter(level=Level.TOWN).order_by("code"))
        with_villages = set(below.filter(level=Level.VILLAGE).values_list("parent_id", flat=True))
        for town in towns:
            if town.pk not in with_villages:
                created += len(generate_villages(town=town, count=villages_per_town, actor=actor))
    leaves = list(below.filter(level=Level.VILLAGE).order_by("code"))
    if not leaves:
        leaves = list(below.filter(level=Level.TOWN).order_by("code")) or [area]
    ids = {int(x) for a in leaves for x in a.path.strip("/").split("/")}
    by_id = {a.pk: a for a in Area.objects.filter(id__in=ids)}
    weights = _place_weights([a.code for a in leaves], seed)
    places = []
    for a, w in zip(leaves, weights, strict=True):
        anc = [by_id[int(x)] for x in a.path.strip("/").split("/")]
        places.append(Place(pk=a.pk, code=a.code, region=_region(anc), weight=w,
                            full_name="".join(x.name for x in anc if x.level != Level.PROVINCE)))
    return Plan(area_code=area.code, area_name=area.name, persons=persons, seed=seed,
                as_of=as_of or default_as_of(), calibration=cal, places=places, villages_created=created)


def _region(ancestors) -> str:
    """The county's code, or the city's where there is no county level (东莞, 中山)."""
    county = [a.code for a in ancestors if a.level == "county"]
    if county:
        return county[-1][:6]
    city = [a.code for a in ancestors if a.level == "city"]
    return (city[-1] if city else ancestors[-1].code.lstrip("L"))[:6]


def _csv_areas() -> dict[str, dict]:
    with open(AREAS_CSV, encoding="utf-8") as f:
        return {r["code"]: r for r in csv.DictReader(f) if not r["valid_to"]}


def plan_from_reference_csv(*, area_code: str, persons: int, seed: int, as_of: dt.date | None = None) -> Plan:
    """Plan from data/areas/areas.csv alone (no database): households are placed in towns."""

    @dataclass
    class Row:
        code: str
        name: str
        level: str

    _check_counts(persons, seed)
    rows = _csv_areas()
    if area_code not in rows:
        raise DemoError(f"区划代码“{area_code}”不在 {AREAS_CSV.name} 中")

    def chain(code):
        out = []
        while code:
            out.append(rows[code])
            code = rows[code]["parent_code"]
        return [Row(r["code"], r["name"], r["level"]) for r in reversed(out)]

    cal = _calibration_for([r.code for r in chain(area_code)], load_calibrations(), area_code)
    leaves = sorted(c for c in rows if rows[c]["level"] == "town" and area_code in [r.code for r in chain(c)])
    leaves = leaves or [area_code]
    weights = _place_weights(leaves, seed)
    places = [Place(pk=None, code=c, region=_region(chain(c)), weight=w,
                    full_name="".join(r.name for r in chain(c) if r.level != "province"))
              for c, w in zip(leaves, weights, strict=True)]
    return Plan(area_code=area_code, area_name=rows[area_code]["name"], persons=persons, seed=seed,
                as_of=as_of or default_as_of(), calibration=cal, places=places)


def _check_counts(persons: int, seed: int) -> None:
    if persons < 1:
        raise DemoError("人数应为正整数")
    if not 0 <= seed < MAX_SEED:
        raise DemoError(f"随机种子应在0到{MAX_SEED - 1}之间")


# ------------------------------------------------------------------------------------------------
# 身份证号 allocation
# ------------------------------------------------------------------------------------------------

class IdAllocator:
    """Unique sequence codes per (region, birth date, sex) without remembering every number.

    Each key walks the 500 sequence slots of its sex in a seed-dependent permutation
    (offset + k·stride mod 500, stride coprime with 500), so numbers look random and never repeat
    within a run. Numbers already in the database (`taken`) are stepped over. Memory is bounded by
    the number of keys (regions × dates × 2), not by the number of persons.
    """

    STRIDES = (7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 49, 51, 53, 59, 61, 67, 71, 73, 77, 79, 83)

    def __init__(self, seed: int, taken: set[int] | None = None):
        self.seed = seed
        self.taken = taken or set()
        self.used: dict[int, int] = {}

    def allocate(self, region: str, birth: dt.date, sex: str) -> tuple[str, dt.date]:
        while True:
            base = f"{region}{birth:%Y%m%d}"
            key = int(base) * 2 + (sex == "M")
            k = self.used.get(key, 0)
            h = (key * 2654435761 + self.seed * 40503) % 1_000_003
            offset, stride = h % 500, self.STRIDES[h % len(self.STRIDES)]
            while k < 500:
                slot = (offset + k * stride) % 500
                k += 1
                first17 = f"{base}{slot * 2 + (sex == 'M'):03d}"
                if not self.taken or int(first17) not in self.taken:
                    self.used[key] = k
                    return first17 + check_char(first17), birth
            self.used[key] = k
            birth -= dt.timedelta(days=1)  # all 500 numbers of that day are gone: the day before


def taken_id_numbers(regions: set[str]) -> set[int]:
    """First 17 digits of the numbers already registered in these regions (to step over them)."""
    taken: set[int] = set()
    for region in sorted(regions):
        qs = Person.objects.filter(id_number__startswith=region).values_list("id_number", flat=True)
        taken.update(int(x[:17]) for x in qs.iterator(chunk_size=20_000) if x[:17].isdigit())
    return taken


# ------------------------------------------------------------------------------------------------
# Building one chunk
# ------------------------------------------------------------------------------------------------

class DemoPerson:
    """One generated person before it is written (slots: a million of them fit in memory)."""

    __slots__ = ("age", "sex", "birth", "surname", "name", "rel", "hh", "idn", "pk", "dis_cat", "dis_grade",
                 "phone", "bank", "acct", "cats", "death", "start")

    def __init__(self, age: int, sex: str):
        self.age, self.sex = age, sex
        self.birth = self.surname = self.name = self.rel = self.hh = self.idn = self.pk = None
        self.dis_cat, self.dis_grade, self.phone, self.bank, self.acct = "", None, "", "", ""
        self.cats: list[tuple[str, dt.date, dt.date | None, str]] = []
        self.death = self.start = None


@dataclass
class DemoHousehold:
    """One generated household; members[0] is the head."""

    kind: str  # alone / skip / family / couple / single
    members: list[DemoPerson]
    number: str = ""
    place: Place | None = None
    address: str = ""
    since: dt.date | None = None
    pk: int | None = None
    joined: int = 0
    flags: set = field(default_factory=set)

    @property
    def head(self) -> DemoPerson:
        return self.members[0]


@dataclass
class Chunk:
    number: int
    households: list[DemoHousehold]
    loose: list[DemoPerson]  # persons without a current household (deceased members)

    def persons(self) -> Iterator[DemoPerson]:
        for h in self.households:
            yield from h.members
        yield from self.loose


def _largest_remainder(n: int, shares: list[float]) -> list[int]:
    raw = [n * s for s in shares]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: n - sum(out)]:
        out[i] += 1
    return out


def _sround(rng: random.Random, x: float) -> int:
    base = int(x)
    return base + (rng.random() < x - base)


def _weighted_top(rng: random.Random, items, k: int, weight: Callable) -> list:
    """k items drawn without replacement with probability proportional to weight (Efraimidis–Spirakis)."""
    if k <= 0:
        return []
    keyed = [(rng.random() ** (1.0 / w), i) for i, it in enumerate(items) if (w := weight(it)) > 0]
    return [items[i] for _, i in heapq.nlargest(k, keyed)]


_AGE_BANDS = (  # (low, high inclusive, weight function)
    (0, 17, lambda a: 0.85 if a < 3 else 1.0),
    (18, 59, lambda a: 1.25 if 30 <= a <= 55 else 1.0),
    (60, 79, lambda a: math.exp(-(a - 60) / 16)),
    (80, 104, lambda a: math.exp(-(a - 80) / 5)),
)
_BAND_AGES = [list(range(lo, hi + 1)) for lo, hi, _ in _AGE_BANDS]
_BAND_CUM = []
for (_lo, _hi, _w), _ages in zip(_AGE_BANDS, _BAND_AGES, strict=True):
    _acc, _cum = 0.0, []
    for _a in _ages:
        _acc += _w(_a)
        _cum.append(_acc)
    _BAND_CUM.append(_cum)


class _Pool:
    """Unplaced adults bucketed by sex and age, for matching parents and partners."""

    def __init__(self, people: list[DemoPerson]):
        self.by: dict[str, dict[int, list[DemoPerson]]] = {"M": defaultdict(list), "F": defaultdict(list)}
        for p in people:
            self.by[p.sex][p.age].append(p)

    def take(self, rng, sex: str, age: int, tol: int, lo: int = 18, hi: int = 110) -> DemoPerson | None:
        bucket = self.by[sex]
        for d in range(tol + 1):
            for a in (age,) if d == 0 else (age - d, age + d):
                if lo <= a <= hi and (lst := bucket.get(a)):
                    i = rng.randrange(len(lst))
                    lst[i], lst[-1] = lst[-1], lst[i]
                    return lst.pop()
        return None

    def rest(self) -> list[DemoPerson]:
        return [p for sex in ("M", "F") for a in sorted(self.by[sex]) for p in self.by[sex][a]]


def _siblings(rng, kids: list[DemoPerson]) -> list[list[DemoPerson]]:
    buckets: dict[int, list[DemoPerson]] = defaultdict(list)
    for k in kids:
        buckets[k.age].append(k)
    placed: set[int] = set()
    sets = []
    for k in kids:
        if id(k) in placed:
            continue
        placed.add(id(k))
        group = [k]
        want = rng.choices((1, 2, 3), (45, 42, 13))[0]
        tries = 0
        while len(group) < want and tries < 6:
            tries += 1
            lst = buckets.get(k.age + rng.choice((-1, 1)) * rng.randint(1, 6))
            while lst and id(lst[-1]) in placed:
                lst.pop()
            if lst:
                s = lst.pop()
                placed.add(id(s))
                group.append(s)
        group.sort(key=lambda p: -p.age)
        sets.append(group)
    return sets


def build_chunk(plan: Plan, k: int, ids: IdAllocator, place_cum: list[float] | None = None) -> Chunk:
    n = plan.chunk_persons(k)
    cal = plan.calibration
    rng = random.Random(f"demo:{plan.area_code}:{plan.seed}:{k}")
    as_of = plan.as_of
    adult_m = ADULT_MALE_SHARE.get(cal.code, 0.51)

    # 1. ages and sexes, stratified by band
    counts = _largest_remainder(n, [cal.share_children, 1 - cal.share_children - cal.share_60_plus,
                                    cal.share_60_plus - cal.share_80_plus, cal.share_80_plus])
    male_share = (0.535, adult_m, 0.48, 0.40)
    people: list[DemoPerson] = []
    for band, c in enumerate(counts):
        for age in rng.choices(_BAND_AGES[band], cum_weights=_BAND_CUM[band], k=c):
            people.append(DemoPerson(age, "M" if rng.random() < male_share[band] else "F"))
    rng.shuffle(people)
    for p in people:
        start = born_on_or_before(as_of, p.age + 1) + dt.timedelta(days=1)
        p.birth = start + dt.timedelta(days=rng.randrange((born_on_or_before(as_of, p.age) - start).days + 1))

    households: list[DemoHousehold] = []
    kids = [p for p in people if p.age < 18]
    elders = [p for p in people if p.age >= 60]
    # 2. elders living alone
    n_alone = round(len(elders) * cal.elderly_alone_share)
    alone = set(map(id, elders[:n_alone]))
    for p in elders[:n_alone]:
        households.append(DemoHousehold("alone", [p]))
    pool = _Pool([p for p in people if p.age >= 18 and id(p) not in alone])

    # 3. skip-generation homes: children with grandparents only
    n_skip = min(len(kids), _sround(rng, n * cal.skip_generation_rate))
    for group in _siblings(rng, kids[:n_skip]):
        oldest = group[0].age
        gf = pool.take(rng, "M", min(oldest + rng.randint(45, 58), 92), 10, lo=oldest + 36)
        gm = pool.take(rng, "F", (gf.age if gf else oldest + 50) - rng.randint(0, 4), 10, lo=oldest + 34)
        if gf and gm and rng.random() < 0.25:  # one grandparent only, usually the grandmother
            pool.by["M"][gf.age].append(gf)
            gf = None
        carers = [x for x in (gf, gm) if x] or [x for x in [pool.take(rng, "F", oldest + 40, 40, lo=oldest + 18)] if x]
        for i, c in enumerate(carers):
            c.rel = Relation.HEAD if i == 0 else Relation.SPOUSE
        for child in group:
            child.rel = Relation.GRANDCHILD
        households.append(DemoHousehold("skip", carers + group))

    # 4. families with children
    families: list[DemoHousehold] = []
    for group in _siblings(rng, kids[n_skip:]):
        oldest, youngest = group[0].age, group[-1].age
        r = rng.random()
        mother = father = None
        if r < 0.96:
            target = min(oldest + rng.randint(22, 34), youngest + 44)
            mother = pool.take(rng, "F", target, 8, lo=oldest + 18, hi=youngest + 48)
        if r < 0.88 or r >= 0.96:
            target = (mother.age + rng.randint(0, 5)) if mother else oldest + rng.randint(24, 36)
            father = pool.take(rng, "M", target, 8, lo=oldest + 18)
        parents = [x for x in (father, mother) if x]
        if not parents:
            parents = [x for x in [pool.take(rng, "F", oldest + 30, 60, lo=oldest + 16)] if x]
        for i, par in enumerate(parents):
            par.rel = Relation.HEAD if i == 0 else Relation.SPOUSE
        for child in group:
            child.rel = Relation.CHILD
        h = DemoHousehold("family", parents + group)
        if len(parents) == 1:
            h.flags.add("single_parent")
        households.append(h)
        if parents:
            families.append(h)

    # 5. everyone else: join a family, pair up, or live alone, to reach the mean household size
    rest = pool.rest()
    rng.shuffle(rest)
    target_h = max(1, round(n / cal.avg_household_size))
    need = target_h - len(households)
    size = len(rest)
    if size == 0:
        j = c = 0.0
    elif need >= size:
        j, c = 0.0, 0.0
    elif need >= size / 2:
        j, c = 0.0, 2 * (1 - need / size)
    else:
        c = 2 * max(need, 0) / size
        j = 1 - c
    couples: dict[str, list[DemoPerson]] = {"M": [], "F": []}
    singles: list[DemoPerson] = []
    for p in rest:
        u = rng.random()
        if u < j or (p.age >= 60 and u >= j + c):
            if _join(rng, p, families):
                continue
        if u < j + c or p.age >= 60:
            couples[p.sex].append(p)
        else:
            singles.append(p)
    women = _Pool(couples["F"])
    for m in couples["M"]:
        w = women.take(rng, "F", m.age - rng.randint(0, 4), 8)
        if w is None:
            singles.append(m)
            continue
        pair = [m, w] if rng.random() < 0.85 else [w, m]
        pair[0].rel, pair[1].rel = Relation.HEAD, Relation.SPOUSE
        households.append(DemoHousehold("couple", pair))
    singles.extend(women.rest())
    # unpaired partners would overshoot the household count: let them live with relatives instead
    # and elders beyond the calibrated share of those living alone move in with their children
    hosts = families + [h for h in households if h.kind == "couple"]
    lone_elders = [p for p in singles if p.age >= 60]
    extra_alone = n_alone + len(lone_elders) - round(len(elders) * cal.elderly_alone_share)
    left = []
    for p in lone_elders:
        if extra_alone > 0 and _join(rng, p, hosts, tries=30):
            extra_alone -= 1
        else:
            left.append(p)
    singles = left + [p for p in singles if p.age < 60]
    excess = len(households) + len(singles) - target_h
    for p in singles:
        if p.age < 60 and excess > 0 and _join(rng, p, hosts, tries=8):
            excess -= 1
            continue
        households.append(DemoHousehold("alone" if p.age >= 60 else "single", [p]))
    for h in households:  # exactly one head: the first member
        for i, p in enumerate(h.members):
            if i == 0:
                p.rel = Relation.HEAD
            elif p.rel == Relation.HEAD:
                p.rel = Relation.OTHER

    # three-generation homes: in a third of them the grandfather is the head (rural custom)
    for h in families:
        gps = [p for p in h.members if p.rel == Relation.PARENT]
        gf = next((p for p in gps if p.sex == "M"), None)
        if gf and rng.random() < 0.33:
            for p in h.members:
                p.rel = {Relation.HEAD: Relation.CHILD, Relation.SPOUSE: Relation.CHILD_IN_LAW,
                         Relation.CHILD: Relation.GRANDCHILD, Relation.PARENT: Relation.SPOUSE,
                         Relation.SIBLING: Relation.CHILD}[p.rel]
            gf.rel = Relation.HEAD
            h.members.sort(key=lambda p: p.rel != Relation.HEAD)

    rng.shuffle(households)
    chunk = Chunk(number=k, households=households, loose=[])
    _places_and_dates(plan, chunk, rng, place_cum)
    _names(plan, chunk, rng)
    _deaths(plan, chunk, rng)
    _categories(plan, chunk, rng, n)
    _contacts(plan, chunk, rng)
    for p in chunk.persons():
        p.idn, p.birth = ids.allocate(p.hh.place.region, p.birth, p.sex)
    return chunk


def _join(rng, p: DemoPerson, families: list[DemoHousehold], tries: int = 6) -> bool:
    if not families:
        return False
    for _ in range(tries):
        h = families[rng.randrange(len(families))]
        head = h.head
        if p.age >= 50 and p.age - 40 <= head.age <= p.age - 18 and h.joined < 2:
            # the head's father or mother; a couple of grandparents is one of each sex
            if any(m.rel == Relation.PARENT and m.sex == p.sex for m in h.members):
                continue
            p.rel = Relation.PARENT
        elif p.age <= 32 and p.age + 18 <= head.age <= p.age + 40:
            p.rel = Relation.CHILD
        elif abs(p.age - head.age) <= 12 and h.joined < 2:
            p.rel = Relation.SIBLING
        else:
            continue
        h.members.append(p)
        h.joined += 1
        return True
    return False


def _places_and_dates(plan: Plan, chunk: Chunk, rng, place_cum) -> None:
    places = plan.places
    if place_cum is None:
        place_cum = _cum([p.weight for p in places])
    as_of = plan.as_of
    for i, h in enumerate(chunk.households, start=1):
        h.number = plan.household_number(chunk.number, i)
        h.place = rng.choices(places, cum_weights=place_cum, k=1)[0]
        h.address = f"{h.place.full_name}{rng.choice(STREETS)}{rng.randint(1, 180)}号"
        head = h.head
        adult_from = birthday(head.birth, 18)
        h.since = min(as_of, max(as_of - dt.timedelta(days=rng.randrange(25 * 365)), adult_from))
        for p in h.members:
            p.hh = h
            p.start = max(h.since, p.birth)
            if p.rel == Relation.PARENT or (p.rel == Relation.CHILD and p.age >= 18 and rng.random() < 0.3):
                p.start = max(p.start, as_of - dt.timedelta(days=rng.randrange(6 * 365)))


def _cum(weights: list[float]) -> list[float]:
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out


def _surname(rng, region: str) -> str:
    table = _SURNAME_TABLES.get(region) or _SURNAME_TABLES[""]
    return rng.choices(table[0], cum_weights=table[1], k=1)[0]


def _surname_table(boost: dict[str, float]) -> tuple[list[str], list[float]]:
    merged = dict(SURNAMES)
    for s, w in boost.items():
        merged[s] = merged.get(s, 0) + w
    return list(merged), _cum(list(merged.values()))


_SURNAME_TABLES = {"": _surname_table({})} | {r: _surname_table(b) for r, b in SURNAME_BOOST.items()}


def _given(rng, p: DemoPerson, shared: str | None = None) -> str:
    era = 0 if p.birth.year < 1960 else (1 if p.birth.year < 1990 else 2)
    chars = GIVEN[(p.sex, era)]
    if era == 0 and p.sex == "F" and rng.random() < 0.35:
        return rng.choice(OLD_FEMALE_PATTERNS).format(rng.choice(chars))
    single = rng.random() < (0.25 if era == 1 else 0.12)
    if single and not shared:
        return rng.choice(SINGLE_GIVEN[p.sex])
    a = shared or rng.choice(chars)
    b = rng.choice(chars)
    while b == a or b in NOT_SECOND:
        b = rng.choice(chars)
    return a + b


def _names(plan: Plan, chunk: Chunk, rng) -> None:
    for h in chunk.households:
        region = h.place.region
        head = h.head
        head.surname = _surname(rng, region)
        line = head.surname if (head.sex == "M" or h.kind == "skip") else _surname(rng, region)
        shared = rng.choice(GIVEN[("M", 2 if head.age < 50 else 1)]) if rng.random() < 0.3 else None
        for p in h.members[1:]:
            if p.rel in (Relation.CHILD, Relation.GRANDCHILD):
                p.surname = line if rng.random() < 0.93 else _surname(rng, region)
            elif p.rel == Relation.PARENT and p.sex == "M" and head.sex == "M":
                p.surname = head.surname
            else:
                p.surname = _surname(rng, region)
        for p in h.members:
            sib = shared if (shared and p.rel in (Relation.CHILD, Relation.GRANDCHILD) and p.sex == "M") else None
            p.name = p.surname + _given(rng, p, sib)
            while p.rel != Relation.HEAD and any(m.name == p.name for m in h.members if m is not p):
                p.name = p.surname + _given(rng, p)  # no two relatives in one home share a name
    # a few look-alike registrations (same or homophone name, same birth date) for duplicate review
    lonely = [h.head for h in chunk.households if h.kind in ("single", "alone", "couple")]
    by_key: dict[tuple, list[DemoPerson]] = defaultdict(list)
    for p in lonely:
        by_key[(p.sex, p.age)].append(p)
    for _ in range(_sround(rng, len(lonely) * 0.004)):
        group = by_key[rng.choice(list(by_key))] if by_key else []
        if len(group) < 2:
            continue
        a, b = rng.sample(group, 2)
        name = list(a.name)
        if rng.random() < 0.5:
            i = rng.randrange(len(name))
            if name[i] in HOMOPHONE_OF:
                name[i] = rng.choice(HOMOPHONE_OF[name[i]])
        b.name, b.birth = "".join(name), a.birth


def _deaths(plan: Plan, chunk: Chunk, rng) -> None:
    """A few grandparents living with family died in the last two years; their membership is closed."""
    for h in chunk.households:
        for p in list(h.members):
            if p.rel == Relation.PARENT and p.age >= 70 and rng.random() < 0.04:
                p.death = max(plan.as_of - dt.timedelta(days=rng.randrange(1, 730)), p.start)
                h.members.remove(p)
                chunk.loose.append(p)


def _date_between(rng, lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


def _categories(plan: Plan, chunk: Chunk, rng, n: int) -> None:
    as_of, cal = plan.as_of, plan.calibration
    rates = cal.rates
    ever = list(chunk.persons())

    def since(p: DemoPerson, years: int = 8, floor: dt.date | None = None) -> dt.date:
        lo = max(p.birth, floor or HISTORY_START, as_of - dt.timedelta(days=years * 365))
        return _date_between(rng, lo, as_of)

    def add(p: DemoPerson, cat: str, start: dt.date, end: dt.date | None = None, note: str = "") -> None:
        p.cats.append((cat, start, end, note))

    # disabilities: more common with age
    dis_cats, dis_cum = list(DISABILITY_WEIGHTS), _cum(list(DISABILITY_WEIGHTS.values()))
    grades, grade_cum = list(GRADE_WEIGHTS), _cum(list(GRADE_WEIGHTS.values()))
    disabled = _weighted_top(rng, ever, _sround(rng, n * rates[Category.DISABLED]),
                             lambda p: 0.3 if p.age < 18 else (1.0 if p.age < 60 else (2.5 if p.age < 80 else 4.0)))
    for p in disabled:
        p.dis_cat = rng.choices(dis_cats, cum_weights=dis_cum, k=1)[0]
        p.dis_grade = rng.choices(grades, cum_weights=grade_cum, k=1)[0]
        add(p, Category.DISABLED, since(p, 12), note=f"残疾人证{p.dis_grade}级")

    # 特困: mostly people living alone (elders, adults with a disability)
    alive_alone = [h.head for h in chunk.households if h.kind in ("alone", "single") and h.head.age >= 18]
    tekun = _weighted_top(rng, alive_alone, _sround(rng, n * rates[Category.TEKUN]),
                          lambda p: (6 if p.dis_cat else 0.05) + (3 if p.age >= 60 else 0))
    for p in tekun:
        add(p, Category.TEKUN, since(p), note="分散供养")
        p.hh.flags.add("tekun")

    # 低保 and 低收入: whole households, more often with a disabled member, elders or no parents
    def need(h: DemoHousehold) -> float:
        if "tekun" in h.flags:
            return 0
        return (1 + 2 * any(p.dis_cat for p in h.members) + any(p.age >= 60 for p in h.members)
                + (h.kind == "skip") + 0.5 * ("single_parent" in h.flags))

    order = _weighted_top(rng, chunk.households, len(chunk.households), need)
    targets = {Category.DIBAO: _sround(rng, n * rates[Category.DIBAO]),
               Category.LOW_INCOME: _sround(rng, n * rates[Category.LOW_INCOME])}
    pos = 0
    for cat, target in targets.items():
        got = 0
        while got < target and pos < len(order):
            h = order[pos]
            pos += 1
            start = _date_between(rng, max(HISTORY_START, h.since), as_of)
            for p in h.members:
                add(p, cat, max(start, p.birth))
            h.flags.add(cat)
            got += len(h.members)
    # households that left 低保 in earlier years (closed periods)
    for h in order[pos: pos + _sround(rng, targets[Category.DIBAO] / cal.avg_household_size * 0.3)]:
        start = _date_between(rng, HISTORY_START, dt.date(2020, 12, 31))
        end = _date_between(rng, start + dt.timedelta(days=180), min(as_of, start + dt.timedelta(days=4 * 365)))
        for p in h.members:
            if p.birth <= start:
                add(p, Category.DIBAO, start, end, "家庭收入超过标准，已退出")

    # children
    skip_total = rates[Category.ORPHAN] + rates[Category.DE_FACTO_UNSUPPORTED] + rates[Category.LEFT_BEHIND_CHILD]
    p_orphan = rates[Category.ORPHAN] / skip_total if skip_total else 0
    p_defacto = rates[Category.DE_FACTO_UNSUPPORTED] / skip_total if skip_total else 0
    for h in chunk.households:
        poor = bool(h.flags & {Category.DIBAO, Category.LOW_INCOME, "tekun"})
        for p in h.members:
            if p.age >= 18:
                continue
            if h.kind == "skip":
                u = rng.random()
                cat = (Category.ORPHAN if u < p_orphan else
                       Category.DE_FACTO_UNSUPPORTED if u < p_orphan + p_defacto else Category.LEFT_BEHIND_CHILD)
                add(p, cat, since(p, 6))
            elif poor or p.dis_cat:
                add(p, Category.CHILD_IN_DIFFICULTY, since(p, 5),
                    note="因自身残疾" if p.dis_cat else "因家庭贫困")  # 国发〔2016〕36号

    # elders
    for p in ever:
        if p.age < 60:
            continue
        add(p, Category.ELDERLY, birthday(p.birth, 60))
        h = p.hh
        if p.death is None and h.kind == "alone":
            add(p, Category.ELDERLY_ALONE, since(p, 10, birthday(p.birth, 60)))
        elif p.death is None and h.kind == "couple" and all(m.age >= 60 for m in h.members):
            add(p, Category.ELDERLY_EMPTY_NEST, since(p, 10, birthday(p.birth, 60)))
        elif p.death is None and h.kind == "skip":
            add(p, Category.ELDERLY_LEFT_BEHIND, since(p, 10, birthday(p.birth, 60)))

    for p in chunk.loose:  # the deceased: close what was open
        p.cats = [(c, min(s, p.death), min(e, p.death) if e else p.death, note) for c, s, e, note in p.cats]


def _luhn(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return str((10 - total % 10) % 10)


_BANK_CUM = _cum([b[2] for b in BANKS])
_PAID = {Category.DIBAO, Category.TEKUN, Category.LOW_INCOME, Category.DISABLED, Category.ORPHAN,
         Category.DE_FACTO_UNSUPPORTED}


def _contacts(plan: Plan, chunk: Chunk, rng) -> None:
    area_code = AREA_PHONE_CODE.get(plan.calibration.code, "020")
    for p in chunk.persons():
        a = p.age
        if (18 <= a < 80 and rng.random() < 0.95) or (12 <= a < 18 and rng.random() < 0.4):
            p.phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        elif a >= 80:
            u = rng.random()
            if u < 0.4:
                p.phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            elif u < 0.7:
                p.phone = f"{area_code}-{rng.randint(2, 8)}{rng.randrange(10**6):06d}"
        paid = any(c[0] in _PAID and c[2] is None for c in p.cats)
        if paid or a >= 80 or (a >= 18 and rng.random() < 0.25):
            bank, bin_, _ = rng.choices(BANKS, cum_weights=_BANK_CUM, k=1)[0]
            body = bin_ + f"{rng.randrange(10**12):012d}"
            p.bank, p.acct = bank, body + _luhn(body)


# ------------------------------------------------------------------------------------------------
# Output
# ------------------------------------------------------------------------------------------------

@dataclass
class Result:
    persons: int = 0
    households: int = 0
    memberships: int = 0
    categories: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    chunks_written: int = 0
    chunks_skipped: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.persons / self.seconds if self.seconds else 0.0

    def add(self, chunk: Chunk) -> None:
        for p in chunk.persons():
            self.persons += 1
            for c in p.cats:
                if c[2] is None:
                    self.categories[c[0]] += 1
        self.households += len(chunk.households)
        self.memberships += sum(len(h.members) for h in chunk.households) + len(chunk.loose)

    def summary(self) -> dict:
        return {"persons_written": self.persons, "households": self.households, "memberships": self.memberships,
                "categories": dict(sorted(self.categories.items())), "chunks_written": self.chunks_written,
                "chunks_skipped": self.chunks_skipped}


Progress = Callable[[int, int, float], None]  # (persons done, persons total, seconds)


def _iter_chunks(plan: Plan, ids: IdAllocator, skip: Callable[[int], bool] = lambda k: False):
    cum = _cum([p.weight for p in plan.places])
    for k in range(plan.chunk_count):
        if skip(k):
            yield k, None
        else:
            yield k, build_chunk(plan, k, ids, cum)


def write_csv(plan: Plan, path: Path | str, *, progress: Progress | None = None) -> Result:
    """Stream the population as the import CSV (UTF-8 with BOM); the database is not written."""
    result, t0 = Result(), time.monotonic()
    ids = IdAllocator(plan.seed, _taken_or_empty({p.region for p in plan.places}))
    sex_label = {"M": "男", "F": "女"}
    dis_label = {c.value: c.label for c in DisabilityCategory}
    rel_label = {r.value: r.label for r in Relation}
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_HEADER)
        for _k, chunk in _iter_chunks(plan, ids):
            rows = []
            for h in chunk.households:
                for p in h.members:
                    rows.append(_csv_row(p, h, sex_label, dis_label, rel_label[p.rel], h.number, h.address))
            for p in chunk.loose:
                rows.append(_csv_row(p, p.hh, sex_label, dis_label, "", "", ""))
            w.writerows(rows)
            result.add(chunk)
            result.chunks_written += 1
            if progress:
                progress(result.persons, plan.persons, time.monotonic() - t0)
    result.seconds = time.monotonic() - t0
    return result


def _csv_row(p: DemoPerson, h: DemoHousehold, sex_label, dis_label, rel: str, number: str, hh_address: str) -> list:
    return [p.idn, p.name, sex_label[p.sex], p.birth.isoformat(), h.place.code, h.place.code, h.address,
            p.phone, dis_label.get(p.dis_cat, ""), p.dis_grade or "", p.bank, p.acct, number, rel, hh_address]


def _taken_or_empty(regions: set[str]) -> set[int]:
    try:
        return taken_id_numbers(regions)
    except Exception:  # no database at hand (CSV for another machine): nothing to step over
        return set()


def _columns(model, values: dict) -> tuple[list[str], list[str]]:
    """All concrete columns of `model`: ours in `values`, the rest filled with the field default."""
    names, cols = [], []
    for f in model._meta.concrete_fields:
        names.append(f.attname)
        cols.append(f.column)
        if f.attname not in values:
            values[f.attname] = f.get_default()
    return names, cols


class _Writer:
    """Set-based inserts with ids assigned up front: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())

    def reserve(self, model, n: int) -> list[int]:
        table = model._meta.db_table
        with connection.cursor() as cur:
            if self.pg:
                cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
                            [n])
                return [r[0] for r in cur.fetchall()]
            cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # SQLite: BEGIN IMMEDIATE holds the lock
            start = cur.fetchone()[0] + 1
            return list(range(start, start + n))

    def insert(self, model, defaults: dict, rows: list[dict]) -> None:
        if not rows:
            return
        names, cols = _columns(model, defaults)
        table = model._meta.db_table
        data = [tuple(r[n] if n in r else defaults[n] for n in names) for r in rows]
        quoted = ", ".join(connection.ops.quote_name(c) for c in cols)
        with connection.cursor() as cur:
            if self.pg:
                with cur.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as cp:
                    for row in data:
                        cp.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(cols))
                cur.executemany(f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})", data)


def write_db(plan: Plan, *, actor=None, progress: Progress | None = None,
             chunks_per_transaction: int | None = None) -> Result:
    """Insert the population chunk by chunk; one audit entry per run (with the last chunk written).

    On SQLite several chunks share a transaction (default 10 = 50,000 persons): every commit rewrites
    the touched index pages into the WAL, so fewer, larger commits write far less. PostgreSQL commits
    every chunk. A crash loses at most the open transaction; the rerun skips what was committed.
    """
    result, t0 = Result(), time.monotonic()
    sqlite = connection.vendor == "sqlite"
    per_txn = chunks_per_transaction or (10 if sqlite else 1)
    if sqlite:
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -131072")  # 128 MB page cache, bounded: index inserts stay in memory
    ids = IdAllocator(plan.seed, taken_id_numbers({p.region for p in plan.places}))
    writer = _Writer()

    def exists(k: int) -> bool:
        return Household.objects.filter(number=plan.household_number(k, 1)).exists()

    last, audited = plan.chunk_count - 1, False
    chunks = _iter_chunks(plan, ids, skip=exists)
    finished = False
    while not finished:
        with transaction.atomic():
            in_txn = 0
            while in_txn < per_txn:
                k, chunk = next(chunks, (None, None))
                if k is None:
                    finished = True
                    break
                if chunk is None or exists(k):  # already written (by an earlier or a parallel run)
                    result.chunks_skipped += 1
                    continue
                _write_chunk(writer, chunk)
                result.add(chunk)
                result.chunks_written += 1
                in_txn += 1
                if k == last:
                    _audit(plan, result, actor)
                    audited = True
                if progress:
                    progress(result.persons, plan.persons, time.monotonic() - t0)
    if result.chunks_written and not audited:
        with transaction.atomic():
            _audit(plan, result, actor)
    result.seconds = time.monotonic() - t0
    return result


def _audit(plan: Plan, result: Result, actor) -> None:
    audit.record(actor=actor, action="registry.generate_demo", object_type="area", object_id=plan.area_code,
                 object_repr=plan.area_name, area_code=plan.area_code,
                 after={"area": plan.area_code, "persons": plan.persons, "seed": plan.seed,
                        "as_of": plan.as_of, "villages_created": plan.villages_created, **result.summary()})


def _write_chunk(writer: _Writer, chunk: Chunk) -> None:
    people = list(chunk.persons())
    for p, pk in zip(people, writer.reserve(Person, len(people)), strict=True):
        p.pk = pk
    for h, pk in zip(chunk.households, writer.reserve(Household, len(chunk.households)), strict=True):
        h.pk = pk
    now = writer.now
    rows = []
    for p in people:
        py, ini = name_pinyin(p.name)
        rows.append({"id": p.pk, "id_number": p.idn, "name": p.name, "name_pinyin": py[:128],
                     "name_initials": ini[:32], "sex": p.sex, "birth_date": p.birth, "hukou_area_id": p.hh.place.pk,
                     "residence_area_id": p.hh.place.pk, "address": p.hh.address, "death_date": p.death,
                     "disability_category": p.dis_cat, "disability_grade": p.dis_grade, "phone": p.phone,
                     "bank_name": p.bank, "bank_account": p.acct, "created_at": now, "updated_at": now})
    writer.insert(Person, {}, rows)
    writer.insert(Household, {}, [{"id": h.pk, "number": h.number, "area_id": h.place.pk, "address": h.address,
                                    "head_id": h.head.pk, "dissolved_on": None, "created_at": now}
                                   for h in chunk.households])
    memberships = [(h, p) for h in chunk.households for p in h.members] + [(p.hh, p) for p in chunk.loose]
    mids = writer.reserve(Membership, len(memberships))
    writer.insert(Membership, {}, [
        {"id": mid, "household_id": h.pk, "person_id": p.pk, "relation": p.rel, "start_date": p.start,
         "end_date": p.death, "end_reason": "死亡" if p.death else ""}
        for mid, (h, p) in zip(mids, memberships, strict=True)])
    cats = [(p, c) for p in people for c in p.cats]
    cids = writer.reserve(PersonCategory, len(cats))
    writer.insert(PersonCategory, {}, [
        {"id": cid, "person_id": p.pk, "category": c[0], "valid_from": c[1], "valid_to": c[2], "note": c[3]}
        for cid, (p, c) in zip(cids, cats, strict=True)])


def generated_exists(plan: Plan) -> bool:
    return Household.objects.filter(number=plan.household_number(0, 1)).exists()
