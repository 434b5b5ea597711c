"""The demo-population generator: deterministic, valid IDs, calibrated shares, sound households."""

import csv
import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q

from minzheng.areas.models import Area
from minzheng.areas.services import load_reference_areas
from minzheng.core.idcard import parse_id_number
from minzheng.core.models import AuditEntry
from minzheng.demo import population as demo
from minzheng.registry.models import Category, Household, Membership, Person, PersonCategory, Relation

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
AS_OF = dt.date(2026, 1, 1)


@pytest.fixture
def reference_areas(db):
    load_reference_areas()


def generate(area="440704", persons=3000, seed=1, villages=2):
    plan = demo.plan_from_db(area_code=area, persons=persons, seed=seed, as_of=AS_OF, villages_per_town=villages)
    return plan, demo.write_db(plan)


def snapshot():
    return list(Person.objects.order_by("id_number").values_list("id_number", "name", "birth_date"))


def households_snapshot():
    return list(Membership.objects.order_by("household__number", "person__id_number")
                .values_list("household__number", "person__id_number", "relation"))


def run_and_roll_back(**kw):
    with transaction.atomic():
        generate(**kw)
        out = snapshot(), households_snapshot()
        transaction.set_rollback(True)
    return out


def test_same_seed_gives_the_same_people_and_households_a_different_seed_does_not(reference_areas):
    first = run_and_roll_back(persons=1200, seed=5)
    assert Person.objects.count() == 0
    again = run_and_roll_back(persons=1200, seed=5)
    other = run_and_roll_back(persons=1200, seed=6)
    assert first == again
    assert len(first[0]) == 1200
    assert first[0] != other[0]
    assert {x[0] for x in first[0]} != {x[0] for x in other[0]}


def test_every_id_is_valid_and_agrees_with_birth_date_sex_and_county(reference_areas):
    generate(area="441800", persons=3000, villages=1)
    people = list(Person.objects.select_related("residence_area__parent__parent"))
    assert len({p.id_number for p in people}) == 3000
    for p in people:
        info = parse_id_number(p.id_number, today=AS_OF)
        assert (info.birth_date, info.sex) == (p.birth_date, p.sex)
        county = p.residence_area.parent.parent  # village → town → county
        assert county.level == "county" and p.id_number[:6] == county.code
        assert p.hukou_area_id == p.residence_area_id
        assert p.residence_area.code_source == "generated"


def test_dongguan_ids_use_the_city_code_as_there_is_no_county_level(reference_areas):
    generate(area="441900", persons=300, villages=1)
    assert set(Person.objects.values_list("id_number", flat=True)) == \
        set(Person.objects.filter(id_number__startswith="441900").values_list("id_number", flat=True))


@pytest.mark.parametrize("area", ["445322", "441900"])
def test_ages_and_households_follow_the_calibration(reference_areas, area):
    plan, _ = generate(area=area, persons=3000, villages=1)
    cal = plan.calibration
    ages = [(AS_OF - b).days / 365.2425 for b in Person.objects.values_list("birth_date", flat=True)]
    n = len(ages)
    assert abs(sum(a >= 60 for a in ages) / n - cal.share_60_plus) < 0.01
    assert abs(sum(a >= 80 for a in ages) / n - cal.share_80_plus) < 0.005
    assert abs(sum(a < 18 for a in ages) / n - cal.share_children) < 0.01
    males = Person.objects.filter(sex="M").count() / n
    assert 0.45 < males < 0.60
    current = Membership.objects.filter(end_date__isnull=True)
    mean_size = current.count() / Household.objects.count()
    assert abs(mean_size - cal.avg_household_size) < 0.15
    elders = PersonCategory.objects.filter(category=Category.ELDERLY, valid_to__isnull=True).count()
    alone = PersonCategory.objects.filter(category=Category.ELDERLY_ALONE, valid_to__isnull=True).count()
    assert abs(alone / elders - cal.elderly_alone_share) < 0.03


def test_one_current_household_per_person_and_exactly_one_head(reference_areas):
    generate(area="445322", persons=3000, villages=1)
    current = Membership.objects.filter(end_date__isnull=True)
    assert not current.values("person").annotate(c=Count("id")).filter(c__gt=1).exists()
    heads = Counter(current.filter(relation=Relation.HEAD).values_list("household_id", flat=True))
    assert set(heads.values()) == {1}
    assert len(heads) == Household.objects.count()
    assert not Household.objects.exclude(head_id__in=current.filter(relation=Relation.HEAD)
                                         .values("person_id")).exists()
    # the deceased left their household on the day they died
    dead = Person.objects.filter(death_date__isnull=False)
    assert not current.filter(person__in=dead).exists()
    assert Membership.objects.filter(person__in=dead, end_reason="死亡").count() == dead.count()
    # kinship is plausible: a parent is older than the head, a child younger
    for m in current.filter(relation__in=[Relation.CHILD, Relation.PARENT]).select_related("person", "household__head"):
        older = m.person.birth_date < m.household.head.birth_date
        assert older == (m.relation == Relation.PARENT)


def test_categories_follow_the_calibrated_rates(reference_areas):
    plan, result = generate(area="445322", persons=5000, villages=1)
    rates = plan.calibration.rates
    open_ = PersonCategory.objects.filter(valid_to__isnull=True)
    counts = dict(open_.values_list("category").annotate(c=Count("id")))
    for cat in (Category.DIBAO, Category.TEKUN, Category.LOW_INCOME, Category.DISABLED, Category.LEFT_BEHIND_CHILD):
        expected = rates[cat] * 5000
        assert abs(counts.get(cat, 0) - expected) <= 6 + 0.15 * expected, cat
    for cat in (Category.ELDERLY, Category.ELDERLY_ALONE, Category.CHILD_IN_DIFFICULTY):
        assert counts.get(cat, 0) > 0
    alive_60 = Person.objects.filter(death_date__isnull=True, birth_date__lte=dt.date(1966, 1, 1)).count()
    assert counts[Category.ELDERLY] == alive_60
    # 低保 is granted to whole households, and never together with 特困
    dibao = set(open_.filter(category=Category.DIBAO).values_list("person_id", flat=True))
    tekun = set(open_.filter(category=Category.TEKUN).values_list("person_id", flat=True))
    assert not dibao & tekun
    hh = Membership.objects.filter(end_date__isnull=True, person_id__in=dibao).values_list("household_id", flat=True)
    members = set(Membership.objects.filter(end_date__isnull=True, household_id__in=hh)
                  .values_list("person_id", flat=True))
    assert members == dibao
    # disabilities carry a category and a grade 1-4; closed periods end after they start
    disabled = Person.objects.exclude(disability_category="").filter(death_date__isnull=True)
    assert disabled.count() == counts[Category.DISABLED]
    assert not disabled.filter(Q(disability_grade__isnull=True) | ~Q(disability_grade__in=[1, 2, 3, 4])).exists()
    assert PersonCategory.objects.filter(valid_to__isnull=False).exists()
    assert result.categories[Category.DIBAO] == counts[Category.DIBAO]


def test_one_audit_entry_per_run_and_a_rerun_adds_nothing(reference_areas):
    generate(area="440704", persons=6000, villages=1)  # two chunks
    entries = AuditEntry.objects.filter(action="registry.generate_demo")
    assert entries.count() == 1
    after = entries.get().after
    assert (after["area"], after["persons"], after["seed"], after["persons_written"]) == ("440704", 6000, 1, 6000)
    assert after["households"] == Household.objects.count()
    before = (Person.objects.count(), AuditEntry.objects.count())
    _, result = generate(area="440704", persons=6000, villages=1)
    assert result.chunks_written == 0 and result.chunks_skipped == 2
    assert (Person.objects.count(), AuditEntry.objects.count()) == before


def test_a_second_seed_in_the_same_area_never_collides(reference_areas):
    generate(area="440704005", persons=2000, seed=1)
    generate(area="440704005", persons=2000, seed=2)
    assert Person.objects.count() == 4000  # unique constraint on 身份证号 would have failed otherwise


def test_id_allocator_walks_all_sequences_then_moves_to_the_day_before():
    ids = demo.IdAllocator(seed=3)
    day = dt.date(1960, 5, 1)
    numbers = [ids.allocate("445322", day, "F") for _ in range(501)]
    assert len({n for n, _ in numbers}) == 501
    assert all(b == day for _, b in numbers[:500]) and numbers[500][1] == day - dt.timedelta(days=1)
    assert all(parse_id_number(n).sex == "F" for n, _ in numbers)


def test_unknown_or_uncalibrated_area_is_refused_in_chinese(reference_areas):
    with pytest.raises(demo.DemoError, match="不存在"):
        demo.plan_from_db(area_code="999999", persons=10, seed=1)
    with pytest.raises(demo.DemoError, match="不在校准数据覆盖的辖区内"):
        demo.plan_from_db(area_code="445300", persons=10, seed=1)


def test_csv_mode_writes_the_import_format_without_touching_the_database(reference_areas, tmp_path):
    path = tmp_path / "demo.csv"
    audits = AuditEntry.objects.count()
    call_command("generate_demo", area="441900", persons=800, seed=4, csv=str(path), as_of=AS_OF,  # pinned: not today
                 stdout=open("/dev/null", "w"))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["身份证号", "姓名", "性别", "出生日期", "户籍地区划代码", "居住地区划代码", "居住地址",
                       "联系电话", "残疾类别", "残疾等级", "开户银行", "银行账号", "家庭编号", "与户主关系", "家庭住址"]
    body = rows[1:]
    assert len(body) == 800
    assert Person.objects.count() == 0 and AuditEntry.objects.count() == audits
    towns = set(Area.objects.filter(parent__code="441900").values_list("code", flat=True))
    labels = {r.label for r in Relation}
    for r in body:
        info = parse_id_number(r[0], today=AS_OF.replace(year=AS_OF.year + 1))
        assert r[2] == {"M": "男", "F": "女"}[info.sex] and r[3] == info.birth_date.isoformat()
        assert r[4] == r[5] and r[5] in towns
        assert r[13] in labels or (r[12] == r[13] == "")
    heads = Counter(r[12] for r in body if r[13] == "户主")
    assert set(heads.values()) == {1} and set(heads) == {r[12] for r in body if r[12]}


def test_setup_demo_is_idempotent(db):
    quiet = open("/dev/null", "w")
    call_command("setup_demo", persons=60, villages_per_town=1, stdout=quiet)

    def counts():
        from minzheng.accounts.models import AreaAssignment, User

        return [m.objects.count() for m in (Area, Person, Household, Membership, PersonCategory, User,
                                            AreaAssignment, AuditEntry)]

    first = counts()
    assert first[1] == 300  # 60 persons in each of the five jurisdictions
    call_command("setup_demo", persons=60, villages_per_town=1, stdout=quiet)
    assert counts() == first
    from django.contrib.auth import authenticate

    from minzheng.demo.management.commands.setup_demo import DEMO_PASSWORD

    user = authenticate(username="jh_village", password=DEMO_PASSWORD)
    assert user is not None
    assert [a.area.code for a in user.area_assignments.all()] == ["440704005001"]
