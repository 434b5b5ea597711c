"""Benchmark: the child registry over a large population (PostgreSQL).

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'CREATE DATABASE minzheng_bench_children'
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/minzheng_bench_children \
        .venv/bin/python bench/children_bench.py --persons 1000000

Set-up (not timed): 东莞市 (one city, 33 towns × 8 demo villages) with N persons spread over its villages; the
demo's child share (data/demo/calibration.toml, 0–17 ≈ 18 %) born in the last 18 years; among the children the
demo's shares of 农村留守儿童 (≈1.5 %), 事实无人抚养儿童 (≈1.25 ‰) and 孤儿 (≈0.9 ‰) as registry categories; a
tenth of the 留守 children visited in the last 60 days. A town officer holds the town's 儿童督导员 post, a city user
the centre's.

Timed:
1. the derived categories for a town's child list: `selectors.child_search` for the town user, first page of 20 with
   every category flag computed for the date, over the 33 towns × a few rounds → p50/p95;
2. the due-visit list of the whole city (it has no county level; the city is the widest list there is):
   `selectors.visits_due` for the centre user → seconds (run 3 times, median).
"""

import argparse
import statistics
import time

from common import ADULT_BIRTH, fresh_database, insert_persons, setup_django

CITY = "441900"


def prepare(persons: int):
    import datetime as dt

    from django.db import connection

    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.areas.models import Area, Level
    from minzheng.children import services
    from minzheng.children.models import OrgKind, Post
    from minzheng.core.periods import local_date

    city, admin = fresh_database(CITY, role=Role.CITY, villages_per_town=8)
    today = local_date()
    with connection.cursor() as cur:
        # 18 % children (born in the last 18 years), the rest adults; spread round-robin over the city's villages.
        child_birth = "%(today)s::date - ((i * 37) %% 6500)"
        insert_persons(cur, city, persons, prefix="C", params={"today": today},
                       birth_sql=f"CASE WHEN i %% 100 < 18 THEN {child_birth} ELSE {ADULT_BIRTH} END")
        # categories among the children: 1.5 % 留守, 1.25 ‰ 事实无人抚养, 0.9 ‰ 孤儿
        for code, per_100000 in (("left_behind_child", 1500), ("de_facto_unsupported", 125), ("orphan", 90)):
            cur.execute("""
                INSERT INTO registry_personcategory (person_id, category, valid_from, note)
                SELECT id, %(code)s, DATE '2023-01-01', 'bench' FROM registry_person
                WHERE birth_date > %(today)s::date - 6570 AND (id * 7919) %% 100000 < %(share)s""",
                        {"code": code, "share": per_100000, "today": today})
        cur.execute("""
            INSERT INTO children_visit (child_id, area_id, visitor_id, visited_on, mode, findings, concern,
                created_at)
            SELECT c.person_id, p.residence_area_id, %(user)s, %(today)s::date - (c.person_id %% 60)::int, 'home',
                   '走访', false, now()
            FROM registry_personcategory c JOIN registry_person p ON p.id = c.person_id
            WHERE c.category = 'left_behind_child' AND c.person_id %% 10 = 0""", {"user": admin.pk, "today": today})
        cur.execute("ANALYZE")
    centre = services.org_create(actor=admin, name="东莞市未成年人救助保护中心", kind=OrgKind.CENTRE, area=city,
                                 opened_on=dt.date(2020, 6, 1))
    services.appointment_create(actor=admin, post=Post.CENTRE, name="基准测试", user=admin, area=city, org=centre,
                                start_date=dt.date(2024, 1, 1))
    towns = list(Area.objects.current().within(city).filter(level=Level.TOWN).order_by("code"))
    town_users = []
    for t in towns:
        u = user_create(actor=None, username=f"t{t.code}", password="Bench#2026bench", display_name="督导员",
                        role=Role.TOWN, areas=[t])
        services.appointment_create(actor=admin, post=Post.SUPERVISOR, name="督导员", user=u, area=t,
                                    start_date=dt.date(2024, 1, 1))
        town_users.append(u)
    return admin, town_users


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from minzheng.accounts.models import User
    from minzheng.children import selectors
    from minzheng.core.periods import local_date
    from minzheng.registry.models import Person

    t0 = time.monotonic()
    admin, town_users = prepare(args.persons)
    print(f"set-up {time.monotonic() - t0:.0f} s: {Person.objects.count():,} persons, "
          f"{selectors.children_base(local_date()).count():,} children")
    on = local_date()
    lists = []
    for _ in range(args.rounds):
        for u in town_users:
            u = User.objects.get(pk=u.pk)  # a fresh request: no cached scope
            s = time.perf_counter()
            page = list(selectors.child_search(u, on=on)[:20])
            cats = [selectors.current_categories(p, on) for p in page]
            lists.append(time.perf_counter() - s)
            assert len(page) == 20 and cats is not None
    q = statistics.quantiles(lists, n=20)
    print(f"town child list with derived categories (first page of 20), {len(lists)} lists: "
          f"p50 {statistics.median(lists) * 1000:.1f} ms, p95 {q[18] * 1000:.1f} ms")
    due_times, n = [], 0
    for _ in range(3):
        u = User.objects.get(pk=admin.pk)
        s = time.perf_counter()
        n = len(selectors.visits_due(u, on=on))
        due_times.append(time.perf_counter() - s)
    print(f"due-visit list of the city ({n:,} children due): median {statistics.median(due_times):.2f} s "
          f"(runs {', '.join(f'{x:.2f}' for x in due_times)})")


if __name__ == "__main__":
    main()
