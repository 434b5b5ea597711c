"""The multi-process production tests (marker `production`): a real PostgreSQL primary and streaming replica
(scripts/pg_replica.sh), gunicorn app servers behind HAProxy, db_worker processes. They run in .ci/run's dedicated
step (`pytest -m production tests/production`); elsewhere they are skipped, saying how to run them."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_REPLICA = ROOT / "scripts" / "pg_replica.sh"


def pytest_collection_modifyitems(config, items):
    if "production" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="多进程生产部署测试只在 -m production 时运行（.ci/run 的专门步骤，先运行 "
                                   "scripts/pg_replica.sh start）")
    for item in items:
        if "production" in item.keywords:
            item.add_marker(skip)


def pg_replica(*args: str) -> None:
    subprocess.run(["bash", str(PG_REPLICA), *args], check=True, capture_output=True, text=True, timeout=120,
                   env=os.environ.copy())
