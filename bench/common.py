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
