"""The indicator catalogue cannot drift from the five plans.

Every row of data/monitoring/indicators.csv cites the raw plan lines it was read from
(data/plans/seeds/, byte-identical copies of ../shared/seeds/). These stories re-read those
lines and check that the row's name, sub-item, unit, every stated figure and every rule phrase
are really printed there. Plain csv/pathlib/re only: no database, no Django models.
"""

import csv
import re
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "data"
INDICATORS = DATA / "monitoring" / "indicators.csv"
RULES = DATA / "monitoring" / "rules.csv"
PLANS = DATA / "plans"
SHARED_SEEDS = REPO.parent / "shared" / "seeds"

INDICATOR_COLUMNS = (
    "code,area_code,key,category,name,sub_item,unit,attribute,cumulative,direction,source,baseline_2020,"
    "target_2023,target_2025,city_target_2025,province_target_2025,variant,adopted,citation,note"
).split(",")
RULE_COLUMNS = "name,kind,left,right,factor,phrase,citation,note".split(",")
VALUE_COLUMNS = ("baseline_2020", "target_2023", "target_2025", "city_target_2025", "province_target_2025")
RULE_KINDS = {"ratio_ge", "ratio_eq", "growth_ge", "growth_follows", "ref_eq"}
PLAN_AREAS = {"441800": "000", "445322": "001", "440704": "002", "442000": "003", "441900": "004"}

CITATION_PART = re.compile(r"seeds/(?P<file>\d{3}_[0-9a-f]{16}\.txt):(?P<start>\d+)(?:-(?P<end>\d+))?")
VALUE = re.compile(r"(?:(?P<op>>=|<=|>|<)?(?P<num>\d+(?:\.\d+)?)|rule:(?P<rule>[a-z0-9_]+))")
CODE = re.compile(r"\d{6}(?:\d{3})?\.[a-z0-9_]+(?:\.[a-z0-9_]+)?")
OPERAND = re.compile(r"(?P<kind>[a-z_]+):(?P<scope>all|urban|rural)(?::(?P<variant>[a-z_]+))?(?P<prev>@prev)?")
# Where OCR dropped an indicator's name entirely, the row must say so in its note. Only these three rows
# of 江海's table (its rows 6-8) are allowed to; any new one has to be added here on purpose.
NAME_LOST_BY_OCR = {"440704.nursing_bed_share", "440704.town_elderly_service_coverage", "440704.elderly_care_training"}


def squeeze(text):
    """The plans break lines and cells anywhere, so names are compared with all whitespace removed."""
    return re.sub(r"\s+", "", text)


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


@cache
def seed_lines(file_name):
    # split on "\n" only: str.splitlines() would also break on form feeds etc. and shift line numbers
    return (PLANS / "seeds" / file_name).read_text(encoding="utf-8").split("\n")


def cited_text(citation):
    """(text of the cited lines, problems) for 'seeds/F:N', 'seeds/F:A-B', or several joined by ' ; '."""
    texts, problems = [], []
    for part in citation.split(" ; "):
        m = CITATION_PART.fullmatch(part.strip())
        if not m:
            problems.append(f"引用格式错误「{part}」")
            continue
        path = PLANS / "seeds" / m["file"]
        if not path.exists():
            problems.append(f"引用的规划文本不存在「{m['file']}」")
            continue
        start = int(m["start"])
        end = int(m["end"] or start)
        lines = seed_lines(m["file"])
        if not 1 <= start <= end <= len(lines):
            problems.append(f"引用行号超出范围「{part}」（文件共{len(lines)}行）")
            continue
        texts.append("\n".join(lines[start - 1:end]))
    return "\n".join(texts), problems


def number_pattern(number):
    """A figure as a whole number: 8 is not found inside 8.29, 18 or 0.08."""
    return re.compile(rf"(?<![\d.]){re.escape(number)}(?!\.?\d)")


def printed(number, text):
    return number_pattern(number).search(text) is not None


def printed_in_order(numbers, text):
    """A table prints its cells left to right (or one cell per line, top to bottom), so a table row's
    figures must occur in column order; this catches 31 entered where the plan's 30 | 31 | 32 has 30."""
    pos = 0
    for number in numbers:
        m = number_pattern(number).search(text, pos)
        if m is None:
            return False
        pos = m.end()
    return True


def ocr_fragments(note):
    """Pieces of a name or rule phrase that OCR tore apart, listed in the note as OCR残缺：「…」「…」."""
    if "OCR残缺：" not in note:
        return []
    return [squeeze(f) for f in re.findall(r"「([^」]+)」", note.split("OCR残缺：", 1)[1])]


def found_in_pieces(target, fragments, flat):
    """The target is printed torn: fragments that are, in order, parts of it, each printed on the cited
    lines, together covering at least half of it."""
    pos = covered = 0
    for frag in fragments:
        at = target.find(frag, pos)
        if at < 0:
            continue
        if frag not in flat:
            return False
        covered += len(frag)
        pos = at + len(frag)
    return covered * 2 >= len(target) > 0


def check_row(row, rules):
    """Everything wrong with one catalogue row, each message naming the row."""
    label = row["code"] + (f"（variant {row['variant']}）" if row["variant"] else "")
    problems = []
    text, cite_problems = cited_text(row["citation"])
    problems += cite_problems
    flat = squeeze(text)
    note = row["note"]

    if not CODE.fullmatch(row["code"]) or not row["code"].startswith(f"{row['area_code']}.{row['key']}"):
        problems.append(f"code 应为 {{area_code}}.{{key}}[.sub]（ASCII），实为「{row['code']}」")
    if row["attribute"] not in ("约束性", "预期性", ""):
        problems.append(f"attribute 只能是约束性/预期性/空，实为「{row['attribute']}」")
    for column, allowed in (("cumulative", {"0", "1"}), ("direction", {"ge", "le", "eq"}),
                            ("source", {"table", "text", "annex"}), ("adopted", {"0", "1"})):
        if row[column] not in allowed:
            problems.append(f"{column} 取值非法「{row[column]}」")
    if row["variant"] and not re.fullmatch(r"[a-z]", row["variant"]):
        problems.append(f"variant 应为单个小写字母，实为「{row['variant']}」")

    if cite_problems:
        return [f"{label}：{p}" for p in problems]

    fragments = ocr_fragments(note)
    name = squeeze(row["name"])
    if not name:
        problems.append("name 为空")
    elif name not in flat and not found_in_pieces(name, fragments, flat):
        if not ("OCR名称缺失" in note and row["code"] in NAME_LOST_BY_OCR):
            problems.append(f"指标名称「{row['name']}」不在引用行 {row['citation']} 中")
    if row["sub_item"] and squeeze(row["sub_item"]) not in flat:
        problems.append(f"子项「{row['sub_item']}」不在引用行中")
    if row["unit"] and "单位未印出" not in note and squeeze(row["unit"]) not in flat:
        problems.append(f"单位「{row['unit']}」不在引用行中")

    for column in VALUE_COLUMNS:
        value = row[column]
        if not value:
            continue
        m = VALUE.fullmatch(value)
        if not m:
            problems.append(f"{column}「{value}」不是数字、比较式或 rule:NAME")
        elif m["rule"]:
            rule = rules.get(m["rule"])
            if rule is None:
                problems.append(f"{column} 引用的规则 {m['rule']} 不在 rules.csv 中")
            elif squeeze(rule["phrase"]) not in flat and not found_in_pieces(squeeze(rule["phrase"]), fragments, flat):
                problems.append(f"{column} 规则 {m['rule']} 的原文「{rule['phrase']}」不在引用行中")
        elif not printed(m["num"], text):
            problems.append(f"{column} 的数值 {m['num']} 不在引用行 {row['citation']} 中")
    numbers = [m["num"] for c in VALUE_COLUMNS if (m := VALUE.fullmatch(row[c])) and m["num"]]
    if row["source"] == "table" and all(printed(n, text) for n in numbers) and not printed_in_order(numbers, text):
        problems.append(f"数值 {' / '.join(numbers)} 与表中各栏（2020、2023、2025、市、省）的顺序不符")
    return [f"{label}：{p}" for p in problems]


@pytest.fixture(scope="module")
def rules():
    _, rows = read_csv(RULES)
    return {r["name"]: r for r in rows}


@pytest.fixture(scope="module")
def catalogue():
    _, rows = read_csv(INDICATORS)
    return rows


def test_both_files_have_exactly_the_agreed_columns():
    assert read_csv(INDICATORS)[0] == INDICATOR_COLUMNS
    assert read_csv(RULES)[0] == RULE_COLUMNS


def test_every_row_is_printed_on_the_plan_lines_it_cites(catalogue, rules):
    """A county approver of 郁南县 opens any row's citation and finds the name and every figure there."""
    problems = [p for row in catalogue for p in check_row(row, rules)]
    assert problems == [], "\n".join(problems[:50])


def test_the_check_catches_a_figure_changed_by_one_digit(catalogue, rules):
    """Someone 'corrects' 中山's 2020 lottery outlets from 0.0505 to 0.0506万个: the check names the row."""
    row = next(r for r in catalogue if r["code"] == "442000.lottery_outlets")
    assert check_row(row, rules) == []
    tampered = dict(row, baseline_2020="0.0506")
    problems = check_row(tampered, rules)
    assert len(problems) == 1
    assert "442000.lottery_outlets" in problems[0] and "0.0506" in problems[0]


def test_the_check_catches_a_figure_hidden_inside_a_longer_number(catalogue, rules):
    """清远's 分散供养 orphan growth is 8.29: an entry of 8 must not pass just because '8.29' contains it."""
    row = next(r for r in catalogue if r["code"] == "441800.orphan_standard.dispersed")
    problems = check_row(dict(row, baseline_2020="8.2"), rules)
    assert problems and "441800.orphan_standard.dispersed" in problems[0]


def test_the_check_catches_a_wrong_name_a_wrong_line_and_a_wrong_rule(catalogue, rules):
    row = next(r for r in catalogue if r["code"] == "441900.nursing_bed_share")
    renamed = check_row(dict(row, name="养老机构床位占比"), rules)
    assert any("441900.nursing_bed_share" in p and "养老机构床位占比" in p for p in renamed)
    moved = check_row(dict(row, citation=row["citation"].split(":")[0] + ":93"), rules)
    assert moved, "the same row pointed at the table's title line must fail"
    # 东莞's 1.6 × 低保 row claiming 中山's wording of the rule
    tekun = next(r for r in catalogue if r["code"] == "441900.tekun_basic_standard")
    wrong_rule = check_row(dict(tekun, target_2025="rule:tekun_basic_urban_eq_1_6_dibao_zhongshan"), rules)
    assert any("tekun_basic_urban_eq_1_6_dibao_zhongshan" in p for p in wrong_rule)
    missing_rule = check_row(dict(tekun, target_2025="rule:no_such_rule"), rules)
    assert any("no_such_rule" in p and "rules.csv" in p for p in missing_rule)
    bad_cite = check_row(dict(tekun, citation="seeds/004_f8502b1ea75e4d53.txt:99999"), rules)
    assert any("超出范围" in p for p in bad_cite)


def test_codes_are_unique_per_variant_and_each_contradiction_adopts_exactly_one_value(catalogue):
    seen, variants = set(), {}
    for row in catalogue:
        key = (row["code"], row["variant"])
        assert key not in seen, f"重复的 code/variant：{key}"
        seen.add(key)
        variants.setdefault(row["code"], []).append(row)
    for code, rows in variants.items():
        if len(rows) == 1:
            single = rows[0]
            assert single["variant"] == "" and single["adopted"] == "1", f"{code}：无矛盾的行应 variant 为空、adopted=1"
        else:
            assert all(r["variant"] for r in rows), f"{code}：矛盾的各值都要标 variant"
            assert [r["adopted"] for r in rows].count("1") == 1, f"{code}：矛盾的各值中须恰有一个 adopted=1"
            assert all(r["note"] for r in rows), f"{code}：矛盾的各值须在 note 说明取舍"


def test_every_area_code_is_in_the_area_table(catalogue):
    _, areas = read_csv(DATA / "areas" / "areas.csv")
    known = {a["code"] for a in areas}
    unknown = sorted({r["area_code"] for r in catalogue} - known)
    assert unknown == []


def test_each_row_cites_its_own_plan(catalogue):
    """A 东莞 town's target must come from 东莞's plan, not from a sibling plan with the same template."""
    _, areas = read_csv(DATA / "areas" / "areas.csv")
    parent = {a["code"]: a["parent_code"] for a in areas}
    for row in catalogue:
        area = row["area_code"]
        while area not in PLAN_AREAS:
            area = parent[area]
        files = {m["file"][:3] for m in CITATION_PART.finditer(row["citation"])}
        assert files == {PLAN_AREAS[area]}, f"{row['code']} 引用了别的规划：{row['citation']}"


def test_dongguan_annex_gives_every_one_of_its_33_town_units_the_same_targets(catalogue):
    towns = {r["area_code"] for r in catalogue if r["area_code"].startswith("441900") and len(r["area_code"]) == 9}
    assert len(towns) == 33
    per_town = {}
    for row in catalogue:
        if row["area_code"] in towns:
            assert row["source"] == "annex"
            per_town.setdefault(row["area_code"], set()).add(
                (row["code"].split(".", 1)[1], row["target_2025"], row["city_target_2025"]))
    assert len({frozenset(v) for v in per_town.values()}) == 1


def test_the_shared_provincial_rows_line_up_across_the_five_plans(catalogue):
    """The side-by-side dashboard joins on key: every template row must carry the same key in all five."""
    template = {
        "dibao_growth", "vagrant_return_rate", "tekun_basic_standard", "tekun_care_standard", "nursing_bed_share",
        "town_elderly_service_coverage", "elderly_care_training", "orphan_standard", "de_facto_unsupported_standard",
        "minor_protection_station_coverage", "community_facility_area_per_100hh", "community_workers_per_10k",
        "hub_community_orgs", "social_work_station_coverage", "social_work_talent_total",
        "marriage_cross_province_rate", "eco_burial_rate", "disabled_living_subsidy_coverage",
        "severe_disabled_care_subsidy_coverage",
    }
    for area in PLAN_AREAS:
        keys = {r["key"] for r in catalogue if r["area_code"] == area and r["source"] == "table"}
        assert template - keys == set(), f"{area} 缺少模板行：{sorted(template - keys)}"


def test_every_rule_is_printed_where_it_is_cited_and_names_known_standards(rules, catalogue):
    _, standards = read_csv(DATA / "policy" / "standards.csv")
    _, formulas = read_csv(DATA / "policy" / "formulas.csv")
    known_kinds = {r["kind"] for r in standards} | {r["kind"] for r in formulas}
    for name, rule in rules.items():
        assert re.fullmatch(r"[a-z0-9_]+", name), name
        assert rule["kind"] in RULE_KINDS, f"{name}：kind「{rule['kind']}」"
        text, problems = cited_text(rule["citation"])
        assert problems == [], f"{name}：{problems}"
        assert squeeze(rule["phrase"]) in squeeze(text), f"{name}：原文「{rule['phrase']}」不在 {rule['citation']}"
        assert re.fullmatch(r"\d+(?:\.\d+)?", rule["factor"]), f"{name}：factor「{rule['factor']}」"
        for side in ("left", "right"):
            m = OPERAND.fullmatch(rule[side])
            assert m, f"{name}：{side}「{rule[side]}」应为 kind:scope[:variant][@prev]"
            explained = m["kind"] in known_kinds or m["kind"] in rule["note"]
            assert explained, f"{name}：{m['kind']} 不在政策数据中，须在 note 说明"
    used = {m["rule"] for r in catalogue for c in VALUE_COLUMNS if (m := VALUE.fullmatch(r[c])) and m["rule"]}
    assert sorted(set(rules) - used) == [], "rules.csv 中有未被引用的规则"


def test_citations_in_notes_point_at_real_lines(catalogue):
    for row in catalogue:
        for m in CITATION_PART.finditer(row["note"]):
            _, problems = cited_text(m.group(0))
            assert problems == [], f"{row['code']} note：{problems}"


def test_the_vendored_plans_are_byte_identical_to_the_shared_originals():
    vendored = sorted(p.name for p in (PLANS / "seeds").glob("*.txt"))
    assert len(vendored) == 5
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"{SHARED_SEEDS} not present next to the repository")
    assert vendored == sorted(p.name for p in SHARED_SEEDS.glob("*.txt"))
    for name in vendored:
        assert (PLANS / "seeds" / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name
