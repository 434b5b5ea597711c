r"""Benchmark: import N persons from CSV into PostgreSQL, against raw COPY and a naive per-row import.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/minzheng_bench \  (a database of its own: it is wiped)
        .venv/bin/python bench/import_bench.py --sizes 100000,300000,1000000

Prints, per size: our pipeline's rows/s (validate + apply, into a just-emptied registry), the ratio to a raw COPY
of the same persons into registry_person, the child process's peak RSS (flat memory = the same peak at every size);
the naive per-row import (persons, households, memberships through the services) against the pipeline at the same
size, alternating over --rounds; and, after the largest size, p50/p95 of a scoped name search and of the person
list's first page per role. Nothing here asserts a time: the figures go in bench/README.md.

The person list alone, over an existing database (e.g. the monitoring bench's 1,000,000 persons), through the test
client or, with --http, from outside through the production server:

    DATABASE_URL=… .venv/bin/python bench/import_bench.py --list 441800,445322,440704,442000,441900 --http
"""

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, fresh_database, setup_django

AREA = "441900"  # 东莞市: the largest of the five
OUT = ROOT / "bench" / "out"


def prepare_db():
    fresh_database(AREA)


def make_csv(n: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"persons_{n}.csv"
    if not path.exists():
        from django.core.management import call_command

        call_command("generate_demo", area=AREA, persons=n, seed=2026, csv=str(path))
    return path


def raw_copy_seconds(path: Path) -> float:
    """The database's own limit: COPY the same file into a table of the same columns."""
    from django.db import connection

    with open(path, encoding="utf-8-sig") as f:
        header = f.readline().strip().split(",")
    cols = ", ".join(f'"{c}" text' for c in header)
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS bench_copy; CREATE UNLOGGED TABLE bench_copy ({cols})")
        t = time.perf_counter()
        with open(path, "rb") as f, cur.cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as cp:
            while chunk := f.read(1 << 20):
                cp.write(chunk)
        seconds = time.perf_counter() - t
        cur.execute("DROP TABLE bench_copy")
    return seconds


PERSON_COLS = ("id_number", "name", "name_pinyin", "name_initials", "sex", "birth_date", "hukou_area_id",
               "residence_area_id", "address", "phone", "disability_category", "disability_grade", "bank_name",
               "bank_account", "created_at", "updated_at")


def table_copy_seconds(path: Path) -> float:
    """The limit for the real table: COPY the same persons, already in final form, into registry_person
    with all its indexes and constraints. Preparing the rows is not timed."""
    import csv
    import datetime as dt

    from django.db import connection

    from minzheng.areas.models import Area
    from minzheng.core.pinyin import name_pinyin
    from minzheng.registry.importing import DISABILITY_BY_LABEL

    areas = dict(Area.objects.values_list("code", "id"))
    now = dt.datetime.now(dt.UTC).isoformat()
    prepared = path.with_suffix(".person.csv")
    with open(path, encoding="utf-8-sig") as src, open(prepared, "w", newline="") as dst:
        out = csv.writer(dst)
        for r in csv.DictReader(src):
            pinyin, initials = name_pinyin(r["姓名"])
            out.writerow([r["身份证号"], r["姓名"], pinyin, initials, "M" if r["性别"] == "男" else "F", r["出生日期"],
                          areas[r["户籍地区划代码"]], areas[r["居住地区划代码"]], r["居住地址"], r["联系电话"],
                          DISABILITY_BY_LABEL.get(r["残疾类别"], ""), r["残疾等级"] or r"\N", r["开户银行"],
                          r["银行账号"], now, now])
    truncate_registry()
    cols = ", ".join(PERSON_COLS)
    with connection.cursor() as cur:
        t = time.perf_counter()
        sql = f"COPY registry_person ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        with open(prepared, "rb") as f, cur.cursor.copy(sql) as cp:
            while chunk := f.read(1 << 20):
                cp.write(chunk)
        seconds = time.perf_counter() - t
    truncate_registry()
    prepared.unlink()
    return seconds


def truncate_registry():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE registry_membership, registry_household, registry_personcategory, "
                    "registry_importrowerror, registry_importrow, registry_importjob, registry_person CASCADE")


def child(n: int) -> dict:
    """One size in its own process, so ru_maxrss is this size's peak."""
    setup_django()
    from django.core.files import File

    from minzheng.accounts.models import User
    from minzheng.registry import importing
    from minzheng.registry.models import ImportJob

    path = make_csv(n)
    copy_s = raw_copy_seconds(path)
    table_copy_s = table_copy_seconds(path)
    user = User.objects.get(username="bench")
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(path, "rb") as f:
        job = ImportJob.objects.create(created_by=user, original_name=path.name, file=File(f, name=path.name),
                                       file_format="csv")
    t = time.perf_counter()
    importing.import_validate(job)
    validate_s = time.perf_counter() - t
    job.refresh_from_db()
    t = time.perf_counter()
    importing.import_apply(actor=user, job=job, mode=ImportJob.Mode.VALID_ROWS)
    apply_s = time.perf_counter() - t
    total = validate_s + apply_s
    return {
        "rows": n, "copy_text_s": round(copy_s, 2), "copy_person_table_s": round(table_copy_s, 2),
        "validate_s": round(validate_s, 2), "apply_s": round(apply_s, 2), "rows_per_s": round(n / total),
        "ratio_to_copy_person_table": round(total / table_copy_s, 2), "ratio_to_copy_text": round(total / copy_s, 2),
        "errors": job.error_rows,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_import_mb": round(base_rss / 1024),
    }


def naive(n: int) -> dict:
    """The naive import writes what the pipeline writes, row by row through the services: person_create per row,
    household_create for a head, household_add_member for the others (ORM inserts and an audit entry each), into a
    just-emptied registry, at the same size as the pipeline."""
    setup_django()
    import csv

    from minzheng.accounts.models import User
    from minzheng.areas.models import Area
    from minzheng.registry import services
    from minzheng.registry.importing import DISABILITY_BY_LABEL, RELATION_BY_LABEL
    from minzheng.registry.models import Relation

    user = User.objects.get(username="bench")
    areas = {a.code: a for a in Area.objects.all()}
    path = make_csv(n)
    truncate_registry()
    households, waiting = {}, []
    t = time.perf_counter()
    with open(path, encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            person = services.person_create(
                actor=user, id_number=r["身份证号"], name=r["姓名"], hukou_area=areas[r["户籍地区划代码"]],
                residence_area=areas[r["居住地区划代码"]], address=r["居住地址"], phone=r["联系电话"],
                disability_category=DISABILITY_BY_LABEL.get(r["残疾类别"], ""),
                disability_grade=int(r["残疾等级"]) if r["残疾等级"] else None, bank_name=r["开户银行"],
                bank_account=r["银行账号"])
            number, relation = r["家庭编号"], RELATION_BY_LABEL.get(r["与户主关系"], "")
            if not number:
                continue
            if relation == Relation.HEAD:
                households[number] = services.household_create(
                    actor=user, area=person.residence_area, head=person, number=number,
                    address=r["家庭住址"] or r["居住地址"])
            else:
                waiting.append((number, person, relation))
            while waiting and waiting[0][0] in households:  # members listed after their head
                number, member, relation = waiting.pop(0)
                services.household_add_member(actor=user, household=households[number], person=member,
                                              relation=relation)
    for number, member, relation in waiting:
        if number in households:
            services.household_add_member(actor=user, household=households[number], person=member,
                                          relation=relation)
    s = time.perf_counter() - t
    return {"rows": n, "seconds": round(s, 2), "rows_per_s": round(n / s), "households": len(households)}


BENCH_PASSWORD = "Bench#2026bench"


def _list_users(codes: str) -> dict:
    """A 市 user over `codes` (one city, or several jurisdictions to reach a larger registry, e.g. the monitoring
    bench's five), a user of the first town and one of its first village; created on first use."""
    from minzheng.accounts.models import User
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.areas.models import Area, Level

    tops = list(Area.objects.filter(code__in=codes.split(",")))
    city = tops[0]
    town = Area.objects.current().filter(level=Level.TOWN, path__startswith=city.path).order_by("id").first()
    village = Area.objects.current().filter(level=Level.VILLAGE, path__startswith=town.path).order_by("id").first()

    def user(name, role, areas):
        return User.objects.filter(username=name).first() or user_create(
            actor=None, username=name, password=BENCH_PASSWORD, display_name=name, role=role, areas=areas)

    return {"city": user("bench_list_top", Role.CITY, tops), "town": user("bench_town", Role.TOWN, [town]),
            "village": user("bench_village", Role.VILLAGE, [village])}


def _latency(times: list[float], text: str) -> dict:
    times = sorted(times)
    shown = "超过 10,000 条" if "超过 10,000 条" in text else text[text.find("共 "):text.find(" 条") + 2]
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "count_shown": shown}


def list_latency(requests: int = 60, codes: str = AREA) -> dict:
    """p50/p95 of the person list's first page (the whole page: session, scope, capped count, rows, template),
    through Django's test client, for the users of _list_users."""
    setup_django()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from minzheng.registry.models import Person

    setup_test_environment()
    users = _list_users(codes)
    result = {"persons": Person.objects.count()}
    url = reverse("web:person_list")
    for label, u in users.items():
        client = Client()
        client.force_login(u)
        times = []
        for i in range(requests):
            t = time.perf_counter()
            r = client.get(url if i % 2 else url + "?page=1")
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.status_code
        result[label] = _latency(times, r.content.decode())
    return result


def list_latency_http(requests: int = 60, codes: str = AREA) -> dict:
    """The same pages measured from outside: the production server (gunicorn as scripts/serve.sh starts it, DEBUG
    off, WhiteNoise) on the same database, each user logged in through the login page, one request at a time over
    loopback HTTP with a kept-alive connection (the timing includes HTTP parsing and the response's transfer)."""
    import tempfile

    import requests as http
    from load_bench import _env, _free_port, _stop, _wait

    setup_django()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from minzheng.registry.models import Person

    users = _list_users(codes)
    for u in users.values():  # the bench's settings hash passwords with a fast test hasher the server refuses
        u.password = PBKDF2PasswordHasher().encode(BENCH_PASSWORD, PBKDF2PasswordHasher().salt())
        u.save(update_fields=["password"])
    result = {"persons": Person.objects.count()}
    static_root = tempfile.mkdtemp(prefix="mz-list-static-")
    env = _env(static_root)  # keeps DATABASE_URL: the server reads the same database
    py = sys.executable
    subprocess.run([py, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    server = subprocess.Popen([py, "-m", "gunicorn", "minzheng.wsgi:application", "-c",
                               str(ROOT / "scripts/gunicorn.conf.py"), "-b", f"127.0.0.1:{port}"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/healthz/")
        for label, u in users.items():
            s = http.Session()
            s.get(f"{base}/login/", timeout=60)
            r = s.post(f"{base}/login/", data={"username": u.username, "password": BENCH_PASSWORD,
                                               "csrfmiddlewaretoken": s.cookies["csrftoken"]}, timeout=60)
            assert r.status_code == 200 and "/login/" not in r.url, (u.username, r.status_code, r.url)
            for _ in range(10):  # warm-up: each worker imports and caches once
                s.get(f"{base}/persons/", timeout=60)
            times = []
            for i in range(requests):
                t = time.perf_counter()
                r = s.get(f"{base}/persons/" + ("" if i % 2 else "?page=1"), timeout=60)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.status_code
            result[label] = _latency(times, r.text)
    finally:
        _stop(server)
    return result


def search_latency(queries: int = 300) -> dict:
    """p50/p95 of a scoped search (first page of 20) by a town officer, a county... and the city user."""
    setup_django()
    from minzheng.accounts.models import User
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.areas.models import Area, Level
    from minzheng.registry.models import Person
    from minzheng.registry.selectors import person_search

    rnd = random.Random(7)
    town = Area.objects.current().filter(level=Level.TOWN, path__startswith=Area.objects.get(code=AREA).path).first()
    officer = User.objects.filter(username="bench_town").first() or user_create(
        actor=None, username="bench_town", password=BENCH_PASSWORD, display_name="镇街", role=Role.TOWN,
        areas=[town])
    city = User.objects.get(username="bench")
    sample = list(Person.objects.order_by("?").values_list("name", "name_initials")[:200])
    result = {"persons": Person.objects.count()}
    for label, user in (("town", officer), ("city", city)):
        times = []
        for _ in range(queries):
            name, initials = rnd.choice(sample)
            q = rnd.choice([name[:1], name[:2], initials[:2]])
            t = time.perf_counter()
            list(person_search(user, q)[:20])
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        result[label] = {"p50_ms": round(statistics.median(times), 1),
                         "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--child", type=int)
    parser.add_argument("--naive", type=int, help="(internal) the naive import of this many rows")
    parser.add_argument("--naive-sizes", default="10000",
                        help="sizes at which the naive import alternates with the pipeline (rows/s ≈ 600: slow)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of naive against pipeline")
    parser.add_argument("--pipeline-rounds", type=int, default=1, help="pipeline runs per size")
    parser.add_argument("--search", action="store_true")
    parser.add_argument("--list", help="(alone) the person-list latency over these area codes in the existing DB")
    parser.add_argument("--requests", type=int, default=60, help="requests per user for --list")
    parser.add_argument("--http", action="store_true",
                        help="with --list: through the production server over HTTP instead of the test client")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    if args.naive:
        print(json.dumps(naive(args.naive)))
        return
    if args.search:
        print(json.dumps(search_latency()))
        return
    if args.list:
        measure = list_latency_http if args.http else list_latency
        print(json.dumps(measure(args.requests, codes=args.list), ensure_ascii=False))
        return
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("请设置 DATABASE_URL=postgres://… —— 本基准针对 PostgreSQL")
    prepare_db()
    run = lambda *a: json.loads(subprocess.check_output([sys.executable, __file__, *a]).splitlines()[-1])  # noqa: E731
    # The naive import and the pipeline at the same size, alternating (the pipeline first in even rounds).
    for n in [int(x) for x in args.naive_sizes.split(",") if x]:
        ratios = []
        for r in range(args.rounds):
            got = {}
            for side in (("pipeline", "naive") if r % 2 == 0 else ("naive", "pipeline")):
                got[side] = run("--child", str(n)) if side == "pipeline" else run("--naive", str(n))
            pipeline_s = got["pipeline"]["validate_s"] + got["pipeline"]["apply_s"]
            ratios.append(got["naive"]["seconds"] / pipeline_s)
            print(f"round {r}: pipeline {pipeline_s:.2f} s, naive {got['naive']['seconds']:.2f} s "
                  f"({got['naive']['households']} households), naive / pipeline {ratios[-1]:.1f}×", flush=True)
        print(f"naive at {n:,} rows: median naive / pipeline {statistics.median(ratios):.1f}×", flush=True)
    for n in [int(x) for x in args.sizes.split(",")]:
        runs = [run("--child", str(n)) for _ in range(args.pipeline_rounds)]
        for got in runs:
            print("pipeline:", json.dumps(got), flush=True)
        print(f"pipeline at {n:,} rows (into a just-emptied registry): median apply "
              f"{statistics.median(g['apply_s'] for g in runs):.2f} s, median × COPY into registry_person "
              f"{statistics.median(g['ratio_to_copy_person_table'] for g in runs):.2f}", flush=True)
    print("search:", json.dumps(run("--search")), flush=True)
    print("list:", json.dumps(run("--list", AREA), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
