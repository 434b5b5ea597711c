"""Helpers for scripts/fuzz.sh: a throwaway PostgreSQL database, a logged-in session, the schema, the coverage check.

Kept out of the Django project: they drive the server from outside, as a client would.
"""

import json
import os
import sys
import time
import urllib.request
import uuid


def create(url: str) -> str:
    import psycopg

    name = f"mz_fuzz_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def drop(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def session(username: str) -> str:
    """A session cookie for a demo account, made the way Django's login makes one (no password round trip)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.test import Client

    from minzheng.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value


def schema(url: str, path: str) -> None:
    """Wait for the server (system start-up can be slow on a busy machine) and save its OpenAPI document."""
    deadline = time.monotonic() + 300
    while True:
        try:
            with urllib.request.urlopen(url, timeout=120) as r:
                data = json.load(r)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)
    with open(path, "w") as f:
        json.dump(data, f)


def covered(schema_path: str, report_path: str) -> bool:
    """Every operation of the schema was tested and none errored."""
    with open(schema_path) as f:
        doc = json.load(f)
    total = sum(1 for item in doc["paths"].values() for m in item if m in ("get", "post", "put", "patch", "delete"))
    with open(report_path) as f:
        ops = json.load(f)["operations"]
    ok = ops["total"] == total and ops["tested"] == total and not ops["errored"] and not ops["skipped"]
    print(f"接口覆盖：文档 {total} 个，测试 {ops['tested']} 个，出错 {ops['errored']} 个，跳过 {ops['skipped']} 个"
          + ("" if ok else "（未覆盖全部接口）"))
    return ok


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = {"create": create, "drop": drop, "session": session, "schema": schema, "covered": covered}[command](*args)
    if isinstance(result, bool):
        sys.exit(0 if result else 1)
    if result is not None:
        print(result)
