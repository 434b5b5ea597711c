"""One job interface, two engines.

A job declares its input snapshots (named SELECTs over the project's tables, with their Arrow schema) and two
implementations of the same logic:
- embedded (default): one set-based SQL statement per rule in this database (SQLite or PostgreSQL), the snapshots
  used as common table expressions, nothing loaded into Python but the result rows;
- spark: the snapshots are written to Parquet from this database (streamed, in chunks), read by Apache Spark
  (local mode or a standalone cluster, settings.MINZHENG_SPARK_MASTER) and computed with DataFrames.
Both return the same Row tuples; services.job_run writes them back (idempotent, audited).
"""

import datetime as dt
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection


class Row(NamedTuple):
    rule: str
    subject: str
    person_id: int | None
    area_code: str
    value: str


@dataclass(frozen=True)
class Snapshot:
    """An input table: a SELECT over the project's tables (params by name) and its columns as (name, arrow type
    name) — int64, string, date32, bool."""

    name: str
    sql: str
    columns: tuple[tuple[str, str], ...]


@dataclass
class JobSpec:
    code: str
    snapshots: list[Snapshot]
    params: dict[str, Any] = field(default_factory=dict)

    def with_ctes(self, body: str) -> str:
        ctes = ",\n".join(f"{s.name} AS ({s.sql})" for s in self.snapshots)
        return f"WITH {ctes}\n{body}"


def normalise(rows) -> list[Row]:
    """Rows as plain Python values, sorted: the form in which the engines are compared."""
    out = []
    for r in rows:
        person = None if r[2] is None else int(r[2])
        out.append(Row(str(r[0]), str(r[1]), person, str(r[3] or ""), str(r[4])))
    return sorted(out)


# ---------------------------------------------------------------- embedded

def run_sql(spec: JobSpec, bodies: list[tuple[str, dict]]) -> list[Row]:
    return normalise(raw_sql(spec, bodies))


def raw_sql(spec: JobSpec, bodies: list[tuple[str, dict]]) -> list[tuple]:
    rows: list = []
    with connection.cursor() as cur:
        for body, extra in bodies:
            cur.execute(spec.with_ctes(body), {**spec.params, **extra})
            rows.extend(tuple(r) for r in cur.fetchall())
    return rows


def rows_snapshot(spec: JobSpec, name: str, columns: tuple[tuple[str, str], ...], rows: list[tuple]) -> Snapshot:
    """A small reference table computed in Python (e.g. parsed formulas) as a snapshot: one SELECT of bound
    values per row, so both engines read it like the others."""
    # SQLite keeps dates as text (a CAST to DATE would make '2024-03-01' the number 2024)
    date = "DATE" if connection.vendor == "postgresql" else "TEXT"
    cast = {"int64": "BIGINT", "string": "VARCHAR(200)", "date32": date, "bool": "BOOLEAN"}
    selects = []
    for i, row in enumerate(rows):
        cells = []
        for j, ((col, kind), value) in enumerate(zip(columns, row, strict=True)):
            spec.params[f"{name}_{i}_{j}"] = value
            cells.append(f"CAST(%({name}_{i}_{j})s AS {cast[kind]}) AS {col}")
        selects.append("SELECT " + ", ".join(cells))
    if not selects:
        selects = ["SELECT " + ", ".join(f"CAST(NULL AS {cast[k]}) AS {c}" for c, k in columns) + " WHERE 1 = 0"]
    return Snapshot(name, " UNION ALL ".join(selects), columns)


# ---------------------------------------------------------------- spark

def spark_unavailable() -> str | None:
    """Why Spark cannot run here (Chinese, for the command line), or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "未安装 pyspark（见 requirements-spark.txt）"
    if not shutil.which("java"):
        return "未找到 Java 运行环境（Debian：openjdk-17-jre-headless）"
    return None


_SESSION: dict[str, Any] = {}
LAST_TIMINGS: dict[str, float] = {}  # the last Spark run's phases (bench/batch_bench.py prints them)


def spark_session(master: str | None = None):
    """One SparkSession per process (Spark allows one active context); small shuffles: our inputs are
    partitioned by Parquet file blocks and the results are small."""
    master = master or settings.MINZHENG_SPARK_MASTER
    if _SESSION.get("master") == master:
        return _SESSION["session"]
    from pyspark.sql import SparkSession

    if "session" in _SESSION:
        _SESSION.pop("session").stop()
    builder = (SparkSession.builder.master(master).appName("minzheng-batch")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", str(settings.MINZHENG_SPARK_PARTITIONS))
               .config("spark.sql.session.timeZone", "Asia/Shanghai")
               .config("spark.driver.memory", settings.MINZHENG_SPARK_DRIVER_MEMORY))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    _SESSION.update(master=master, session=session)
    return session


def _arrow_type(name: str):
    import pyarrow as pa

    return {"int64": pa.int64(), "string": pa.string(), "date32": pa.date32(), "bool": pa.bool_()}[name]


def _cell(value, kind: str):
    if value is None:
        return None
    if kind == "date32" and not isinstance(value, dt.date):
        return dt.date.fromisoformat(str(value)[:10])  # SQLite returns dates as text
    if kind == "int64":
        return int(value)
    if kind == "bool":
        return bool(value)
    return value


def write_snapshots(spec: JobSpec, directory: Path, *, chunk: int = 200_000) -> dict[str, Path]:
    """Each snapshot streamed from the database into one Parquet file (a server-side cursor on PostgreSQL; memory
    stays at one chunk)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for snap in spec.snapshots:
        schema = pa.schema([(n, _arrow_type(k)) for n, k in snap.columns])
        path = directory / f"{snap.name}.parquet"
        with pq.ParquetWriter(path, schema) as writer, connection.chunked_cursor() as cur:
            cur.execute(snap.sql, spec.params)
            wrote = False
            while rows := cur.fetchmany(chunk):
                cols = list(zip(*rows, strict=True))
                arrays = [pa.array([_cell(v, k) for v in col], type=_arrow_type(k))
                          for col, (_, k) in zip(cols, snap.columns, strict=True)]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
                wrote = True
            if not wrote:
                writer.write_table(schema.empty_table())
        paths[snap.name] = path
    return paths


class SparkRun:
    """Snapshots written to a fresh directory under MINZHENG_BATCH_DIR, read as DataFrames; removed afterwards."""

    def __init__(self, spec: JobSpec, master: str | None = None):
        self.spec = spec
        self.master = master
        self.directory = Path(settings.MINZHENG_BATCH_DIR) / f"{spec.code}-{uuid.uuid4().hex[:12]}"
        self.timings: dict[str, float] = {}

    def __enter__(self):
        t = time.perf_counter()
        paths = write_snapshots(self.spec, self.directory)
        self.timings["snapshot"] = LAST_TIMINGS["snapshot"] = time.perf_counter() - t
        self.session = spark_session(self.master)
        self.tables = {name: self.session.read.parquet(str(p)) for name, p in paths.items()}
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.directory, ignore_errors=True)
        return False

    @staticmethod
    def collect(*frames) -> list[Row]:
        rows = []
        for f in frames:
            rows.extend(tuple(r) for r in f.collect())
        return normalise(rows)
