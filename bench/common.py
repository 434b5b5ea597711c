"""Set-up shared by the benchmarks: a wiped schema, reference areas and policy, demo villages, one user."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings_test")


def setup_django():
    import django

    django.setup()


def fresh_database(city_code: str, *, role: str = "admin", villages_per_town: int = 8):
    """Drop and migrate the bench database, load areas and policy data, generate villages under the city's
    towns and create the user "bench" over the city. Returns (city, user)."""
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    from minzheng.accounts.services import user_create
    from minzheng.areas.models import Area, Level
    from minzheng.areas.services import generate_villages, load_reference_areas
    from minzheng.policy.services import load_policy_data

    load_reference_areas()
    load_policy_data()
    city = Area.objects.get(code=city_code)
    for town in Area.objects.current().within(city).filter(level=Level.TOWN):
        generate_villages(town=town, count=villages_per_town)
    user = user_create(actor=None, username="bench", password="Bench#2026bench", display_name="基准测试", role=role,
                       areas=[city])
    return city, user


ADULT_BIRTH = "DATE '1940-01-01' + (i * 53) %% 23000"


def insert_persons(cur, city, n: int, *, prefix: str, birth_sql: str = ADULT_BIRTH, params: dict | None = None) -> None:
    """n synthetic persons (ID prefix + 17 digits, names 人1…) spread round-robin over the city's villages in one
    INSERT … SELECT; `birth_sql` is an SQL expression of the series value i (with `params` for its placeholders)."""
    cur.execute("""
        CREATE TEMP TABLE v AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM areas_area
        WHERE level = 'village' AND path LIKE %(path)s""", {"path": city.path + "%"})
    cur.execute("SELECT count(*) FROM v")
    villages = cur.fetchone()[0]
    cur.execute(f"""
        INSERT INTO registry_person (id_number, name, name_pinyin, name_initials, sex, birth_date, hukou_area_id,
            residence_area_id, address, phone, disability_category, bank_name, bank_account, created_at, updated_at)
        SELECT %(prefix)s || lpad(i::text, 17, '0'), '人' || i, 'ren' || i, 'r',
               CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END, {birth_sql}, v.id, v.id, '', '', '', '', '', now(), now()
        FROM generate_series(1, %(n)s) i JOIN v ON v.n = i %% %(villages)s""",
                {"n": n, "villages": villages, "prefix": prefix, **(params or {})})
    cur.execute("DROP TABLE v")
