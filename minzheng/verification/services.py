"""Writes for 核对: taking in department data, recording 刚性支出, and running 核对 for a household.

Intake is all-or-nothing: the file (or API push) is streamed row by row into staging, checked row by row and then
across rows as SQL (the same key twice with different values, IDs matching nobody), and only a clean file is
written — records inserted from staging with one INSERT … SELECT — in the same transaction as its audit entry.
Any problem raises a DomainError naming the rows, and the transaction leaves nothing behind.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from django.db import connection, transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.bulk import copy_insert
from minzheng.core.errors import DomainError, Forbidden
from minzheng.core.idcard import mask
from minzheng.core.money import fen
from minzheng.core.scope import assigned_areas_q, ensure_can, path_q, path_sql, user_area_paths
from minzheng.registry.models import Household, Person

from . import selectors
from .adapters import SourceLayout, _amount, get_source, parse_row, read_file, read_push
from .assess import (
    Assessment,
    Line,
    MemberIn,
    Policy,
    PolicyCache,
    RigidIn,
    assess,
    assess_totals,
    load_policy,
    urban_rural,
)
from .models import (
    DepartmentBatch,
    DepartmentRecord,
    RigidExpense,
    StagingRow,
    VerificationReport,
)

CHUNK = 5000
MAX_REPORTED = 100          # row errors listed in one answer
MAX_UNMATCHED_KEPT = 1000   # unmatched rows listed on the batch
STAGED = ("batch_id", "row_number", "id_number", "person_id", "name", "key", "sig", "type_code", "item", "amount",
          "monthly_amount", "event_date", "detail")


class ApplicationRef(Protocol):
    """What 核对 needs of a programme's application (verification knows no programme)."""

    @property
    def pk(self) -> Any: ...
    @property
    def number(self) -> str: ...
    @property
    def household_id(self) -> int | None: ...


# --- intake -----------------------------------------------------------------------------------

def _intake_area(actor: User) -> Area:
    """The widest area the user is assigned (a county user's county)."""
    if not actor.can(Cap.VERIFY_INTAKE):
        raise Forbidden("您的角色无权导入部门核对数据")
    area = Area.objects.filter(assigned_areas_q(actor)).order_by("path").first()
    if area is None:
        raise Forbidden("您没有管辖区域，不能导入部门核对数据")
    return area


def _chunks[T](iterable: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    return {"staging": q(StagingRow._meta.db_table), "record": q(DepartmentRecord._meta.db_table),
            "person": q(Person._meta.db_table), "area": q(Area._meta.db_table)}


def _person_ids(actor: User, id_numbers: Iterable[str]) -> dict[str, int]:
    """身份证号 → person id for the IDs registered in the uploader's areas (one indexed look-up per chunk)."""
    wanted = list(set(id_numbers))
    if not user_area_paths(actor) or not wanted:
        return {}
    if connection.vendor == "postgresql":  # one array parameter: no per-ID placeholders to build and split
        t = _tables()
        scope, params = path_sql(actor, "a.path")
        with connection.cursor() as cur:
            cur.execute(f"SELECT p.id_number, p.id FROM {t['person']} p JOIN {t['area']} a "
                        f"ON a.id = p.residence_area_id WHERE p.id_number = ANY(%s) AND {scope}", [wanted, *params])
            return dict(cur.fetchall())
    return dict(Person.objects.filter(path_q(actor, "residence_area__path"), id_number__in=wanted)
                .values_list("id_number", "pk"))


# Cross-row checks, each one pass over the batch's staged rows (grouped by key), whatever the statistics say.
# Rows with one key must agree on everything else; the pairs named are the first 20 by row number (each
# conflicting key has a pair starting at its first row, so the 20 keys with the lowest first rows hold them).
_CONFLICTS = """
WITH bad AS (
    SELECT key FROM {staging} WHERE batch_id = %s
    GROUP BY key HAVING COUNT(DISTINCT sig) > 1 ORDER BY MIN(row_number) LIMIT 20
)
SELECT s1.row_number, s2.row_number, s1.id_number, s1.sig, s2.sig
FROM {staging} s1 JOIN bad ON bad.key = s1.key
JOIN {staging} s2 ON s2.batch_id = s1.batch_id AND s2.key = s1.key AND s2.row_number > s1.row_number
                 AND s2.sig <> s1.sig
WHERE s1.batch_id = %s
ORDER BY s1.row_number, s2.row_number
LIMIT 20
"""
# Identical repeats are kept once: the first row of each key.
_INSERT_RECORDS = """
INSERT INTO {record} (batch_id, source, as_of, provider, person_id, row_number, name_in_source, nature, type_code, item,
                      amount, monthly_amount, event_date, detail)
SELECT s.batch_id, %s, %s, %s, s.person_id, s.row_number, s.name, %s, s.type_code, s.item, s.amount, s.monthly_amount,
       s.event_date, s.detail
FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.key ORDER BY t.row_number) AS nth
      FROM {staging} t WHERE t.batch_id = %s) s
WHERE s.nth = 1 AND s.person_id IS NOT NULL
"""
# Rows repeating an earlier row's key: all rows less one per key.
_DUPLICATES = "SELECT COUNT(*) - COUNT(DISTINCT key) FROM {staging} WHERE batch_id = %s"


def _describe(layout: SourceLayout, sig: str) -> str:
    amount, date, item, *details = sig.split("|")
    parts = []
    if layout.amount_column and amount != "None":
        parts.append(f"{layout.amount_column}{amount}")
    if layout.date_column and date != "None":
        parts.append(f"{layout.date_column}{date}")
    if layout.item_column and item and layout.item_column not in layout.key_columns:
        parts.append(f"{layout.item_column}“{item}”")
    parts += [f"{c}“{v}”" for c, v in zip(layout.detail_columns, details, strict=False)
              if v and c not in layout.key_columns]
    return "，".join(parts) or "内容"


def _intake(*, actor: User, layout: SourceLayout, as_of: dt.date, period: str, rows: Iterable[tuple[int, dict]],
            channel: str, provider: str = "", original_name: str = "", today: dt.date | None = None) -> DepartmentBatch:
    area = _intake_area(actor)
    today = today or timezone.localdate()
    if not isinstance(as_of, dt.date):
        raise DomainError("数据截至日期不能为空", field="数据截至日期")
    if as_of > today:
        raise DomainError(f"数据截至日期{as_of}晚于今天", field="数据截至日期")
    word = "行" if channel == DepartmentBatch.Channel.FILE else "条"
    t = _tables()
    with transaction.atomic():
        batch = DepartmentBatch.objects.create(
            source=layout.code, source_name=layout.name, department=layout.department, as_of=as_of,
            provider=(provider or "").strip()[:64],
            period=(period or "")[:32], channel=channel, original_name=(original_name or "")[:255], area=area,
            created_by=actor)
        errors: list[dict] = []
        error_count, total = 0, 0
        for chunk in _chunks(rows, CHUNK):
            parsed_rows = []
            for number, raw in chunk:
                parsed, problems = parse_row(layout, raw, today=today)
                if problems:
                    error_count += len(problems)
                    for f, m in problems:
                        if len(errors) < MAX_REPORTED:
                            errors.append({"row": number, "field": f, "message": f"第{number}{word}：{m}"})
                    continue
                assert parsed is not None  # parse_row returns the row whenever it finds no problem
                parsed_rows.append((number, parsed))
            total += len(chunk)
            if not error_count:
                pids = _person_ids(actor, (p.id_number for _n, p in parsed_rows))
                staged = ((batch.pk, number, p.id_number, pids.get(p.id_number), p.name, p.key, p.sig, p.type_code,
                           p.item, p.amount, p.monthly_amount, p.event_date, p.detail) for number, p in parsed_rows)
                copy_insert(StagingRow, STAGED, staged)
        if error_count:
            raise DomainError(f"{errors[0]['message']}（共{error_count}处错误，未写入任何数据）",
                              code="invalid_rows", field=errors[0]["field"], details=errors)
        if total == 0:
            raise DomainError("没有数据行（只有表头或列表为空），未写入任何数据", code="empty_file", field="文件")
        with connection.cursor() as cur:
            cur.execute(_CONFLICTS.format(**t), [batch.pk, batch.pk])
            conflicts = cur.fetchall()
        if conflicts:
            details = [{"row": b, "field": layout.id_column,
                        "message": f"第{a}{word}与第{b}{word}的{layout.id_column}{mask(idn)}"
                                   + (f"（{'、'.join(layout.key_columns)}相同）" if layout.key_columns else "")
                                   + f"重复但内容不一致：{_describe(layout, sa)} 与 {_describe(layout, sb)}"}
                       for a, b, idn, sa, sb in conflicts]
            raise DomainError(f"{details[0]['message']}，请与提供部门核实后重新导入（未写入任何数据）",
                              code="conflicting_rows", field=layout.id_column, details=details)
        staging = StagingRow.objects.filter(batch_id=batch.pk)
        unmatched_qs = staging.filter(person_id__isnull=True)
        unmatched_count = unmatched_qs.count()
        if unmatched_count == total:
            sample = list(unmatched_qs.order_by("row_number").values_list("row_number", "id_number")[:5])
            listed = "、".join(f"第{n}{word}{mask(i)}" for n, i in sample)
            raise DomainError(f"文件中{total}{word}数据的身份证号在本辖区人员库中均未找到（如{listed}），"
                              f"请确认数据来源和辖区是否正确（未写入任何数据）", code="no_match",
                              field=layout.id_column,
                              details=[{"row": n, "field": layout.id_column,
                                        "message": f"第{n}{word}：{mask(i)}在本辖区人员库中未找到"}
                                       for n, i in sample])
        unmatched = [{"row": n, "id": mask(i)} for n, i in
                     unmatched_qs.order_by("row_number").values_list("row_number", "id_number")[:MAX_UNMATCHED_KEPT]]
        with connection.cursor() as cur:
            cur.execute(_DUPLICATES.format(**t), [batch.pk])
            duplicates = cur.fetchone()[0]
            cur.execute(_INSERT_RECORDS.format(**t), [layout.code, as_of, batch.provider, layout.nature, batch.pk])
            written = cur.rowcount
        staging.delete()
        DepartmentBatch.objects.filter(pk=batch.pk).update(
            total_rows=total, matched_rows=written, unmatched_rows=unmatched_count, duplicate_rows=duplicates,
            unmatched=unmatched)
        batch.refresh_from_db()
        audit.record(actor=actor, action="verification.intake", object_type="department_batch", object_id=batch.pk,
                     object_repr=str(batch), area_code=area.code,
                     after={"source": layout.code, "provider": batch.provider, "as_of": as_of, "channel": channel,
                            "file": original_name,
                            "total_rows": total, "records": written, "unmatched_rows": unmatched_count,
                            "duplicate_rows": duplicates})
    return batch


def department_batch_import(*, actor: User, source: str, as_of: dt.date, path: Path, file_format: str | None = None,
                            period: str = "", provider: str = "", original_name: str = "") -> DepartmentBatch:
    """Take in a department's CSV or .xlsx file (streamed; all rows or none)."""
    layout = get_source(source)
    if not actor.can(Cap.VERIFY_INTAKE):
        raise Forbidden("您的角色无权导入部门核对数据")
    name = original_name or Path(path).name
    fmt = (file_format or Path(name).suffix.lower().lstrip(".")).lower()
    if fmt not in ("csv", "xlsx"):
        raise DomainError(f"不支持的文件类型“{fmt or '无扩展名'}”，请上传.xlsx或.csv文件", code="bad_file",
                          field="文件")
    return _intake(actor=actor, layout=layout, as_of=as_of, period=period, rows=read_file(Path(path), fmt, layout),
                   channel=DepartmentBatch.Channel.FILE, provider=provider, original_name=name)


def department_batch_push(*, actor: User, source: str, as_of: dt.date, records: list, period: str = "",
                          provider: str = "") -> DepartmentBatch:
    """Take in a department's API push: a JSON list of objects keyed by the source's column names."""
    layout = get_source(source)
    return _intake(actor=actor, layout=layout, as_of=as_of, period=period, rows=read_push(records, layout),
                   channel=DepartmentBatch.Channel.API, provider=provider)


# --- 刚性支出 ----------------------------------------------------------------------------------

def rigid_expense_record(*, actor: User, household: Household, category: str, amount: object, period: str,
                         valid_from: dt.date, evidence: str, valid_to: dt.date | None = None,
                         person: Person | None = None) -> RigidExpense:
    ensure_can(actor, household.area, Cap.VERIFY_RUN)
    if category not in RigidExpense.Category.values:
        raise DomainError(f"支出类别“{category}”无效（{'、'.join(RigidExpense.Category.labels)}）", field="支出类别")
    if period not in RigidExpense.Period.values:
        raise DomainError("期间应为每月或每年", field="期间")

    value = _amount(str(amount), "金额", "元")
    if not (evidence or "").strip():
        raise DomainError("请填写凭证（如医疗费用票据、学费收据编号）", field="凭证")
    if valid_to and valid_to < valid_from:
        raise DomainError("终止日期早于起始日期", field="终止日期")
    with transaction.atomic():
        row = RigidExpense.objects.create(household=household, person=person, category=category, amount=value,
                                          period=period, valid_from=valid_from, valid_to=valid_to,
                                          evidence=evidence.strip()[:200], created_by=actor)
        audit.record(actor=actor, action="verification.rigid_expense", object_type="rigid_expense", object_id=row.pk,
                     object_repr=f"{household.number} {row.get_category_display()}", area_code=household.area.code,
                     after={"household": household.number, "category": category, "amount": value, "period": period,
                            "valid_from": valid_from, "valid_to": valid_to, "evidence": row.evidence})
    return row


def _rigid_in(rows: Iterable[RigidExpense]) -> list[RigidIn]:
    out = []
    for r in rows:
        monthly = r.amount if r.period == RigidExpense.Period.MONTHLY else fen(r.amount / 12)
        who = f"{r.person.name} " if r.person else ""
        out.append(RigidIn(category=r.category, monthly=monthly,
                           label=f"{who}{r.get_category_display()}支出（{r.get_period_display()}{r.amount}元，"
                                 f"凭证：{r.evidence}）"))
    return out


# --- 核对 ------------------------------------------------------------------------------------

def _members(household_ids: Iterable[int], on: dt.date) -> dict[int, list[MemberIn]]:
    out: dict[int, list[MemberIn]] = {}
    for m in selectors.members_on(household_ids, on):
        out.setdefault(m["household_id"], []).append(
            MemberIn(person_id=m["person_id"], name=m["person__name"], id_number=m["person__id_number"],
                     relation=m["relation"], death_date=m["person__death_date"]))
    return out


def household_assessment(household: Household, on: dt.date, *, policy: Policy | None = None) -> Assessment:
    """The full 核对 of one household on a date, every department record a line (nothing written)."""
    members = _members([household.pk], on).get(household.pk, [])
    if not members:
        raise DomainError(f"家庭{household.number}在{on}没有成员，无法核对", code="no_members", field="家庭")
    records = selectors.records_in_force([m.person_id for m in members], on=on)
    lines = [Line(person_id=r.person_id, source=r.source, type_code=r.type_code, amount=r.amount,
                  monthly_amount=r.monthly_amount, item=r.item, detail=r.detail, name_in_source=r.name_in_source,
                  event_date=r.event_date, batch_id=r.batch_id, record_id=r.pk) for r in records]
    rigid = _rigid_in(selectors.rigid_expenses_on([household.pk], on))
    policy = policy or load_policy(household.area, urban_rural(household.area), on)
    return assess(members=members, lines=lines, rigid=rigid, policy=policy, on=on, area_name=household.area.name)


@dataclass(frozen=True)
class IncomeSummary:
    """For the programme modules (assistance facts): what 核对 found for a household on a date."""

    on: dt.date
    member_incomes: dict[int, Decimal]   # person id → counted monthly income (after disregards, before 刚性支出)
    assets: Decimal                      # household money assets (deposits, 公积金) in 元
    asset_classes: dict[str, dict]       # money / property / vehicle / business: total, count, limit, exceeds
    rigid_expenses: Decimal              # declared monthly 刚性支出
    rigid_deduction: Decimal             # what policy lets 核对 deduct from income this month
    per_capita_income: Decimal
    member_count: int                    # living members counted
    deceased: frozenset[int]             # members reported dead on the date
    standard: Decimal
    rule_version: str


def household_income_summary(household: Household, on: dt.date) -> IncomeSummary:
    a = household_assessment(household, on)
    return IncomeSummary(on=on, member_incomes=dict(a.person_income), assets=a.money_assets, asset_classes=a.assets,
                         rigid_expenses=a.rigid_monthly, rigid_deduction=a.rigid_deduction,
                         per_capita_income=a.per_capita_income, member_count=a.member_count, deceased=a.deceased,
                         standard=a.standard, rule_version=a.rule_version)


def verify_many(household_ids: list[int], on: dt.date, *, chunk: int = 5000) -> Iterator[tuple[int, Assessment]]:
    """Batch 核对 (re-checks, what-ifs, benchmarks): yields (household id, Assessment) in household id order, for
    the households with a living member on the date. Set-based: one SQL statement reads the memberships and the
    department records in force and returns one row of totals per household (income after disregards and
    overlaps, asset sums and counts per class, living and dead members), streamed `chunk` households at a time;
    Python only applies the 刚性支出 deduction, the 低保 standard and the asset limits (assess.settle, as the single
    report does). The results carry the figures and the conclusion, not the report's lines and wording.
    Nothing is stored (on PostgreSQL the totals pass through a temporary table, dropped when iteration ends);
    memory stays bounded by `chunk` however many households are checked, and the caller may use the database
    (e.g. store a report per household) while iterating."""
    if not household_ids:
        return
    policies = policies_for(household_ids, on)
    blocks = selectors.household_totals(household_ids, on, fetch=chunk,
                                        disregard_by_area={a: p.disregard_shares for a, p in policies.items()})
    yield from settle_totals(blocks, on, policies)


def policies_for(household_ids: list[int], on: dt.date) -> dict[int, Policy]:
    """The 核对 policy of each area the households belong to (one resolution per area)."""
    cache = PolicyCache(on)
    return {area.pk: cache.get(area, urban_rural(area))
            for area in Area.objects.filter(pk__in=selectors.areas_of(household_ids))}


def settle_totals(blocks: Iterable[list[selectors.HouseholdTotals]], on: dt.date, policies: dict[int, Policy]
                  ) -> Iterator[tuple[int, Assessment]]:
    """Steps 3-5 of 核对 (刚性支出, the standard, the asset limits) over blocks of household totals, however they
    were counted — by household_totals in this database or by the Spark engine of minzheng/batch."""
    for block in blocks:
        rigid: dict[int, list] = {}
        flagged = [t.household_id for t in block if t.has_rigid]
        for r in selectors.rigid_expenses_on(flagged, on) if flagged else ():
            rigid.setdefault(r.household_id, []).append(r)
        # Which members any department knows on the date (one query per block): without any, 无数据.
        everyone = [pid for t in block for pid in [*(p for p, _ in t.living), *t.deceased]]
        known = set(selectors.records_in_force(everyone, on=on).values_list("person_id", flat=True))
        for t in block:
            if not t.living:
                continue  # no living member: nothing to verify
            yield t.household_id, assess_totals(
                on=on, living=t.living, deceased=t.deceased, asset_totals=t.asset_totals,
                asset_counts=t.asset_counts, rigid=_rigid_in(rigid.get(t.household_id, ())),
                policy=policies[t.area_id],
                has_data=any(p in known for p in [*(p for p, _ in t.living), *t.deceased]))


def _report_number(on: dt.date) -> str:
    prefix = f"HD{on:%Y%m%d}-"
    last = VerificationReport.objects.filter(number__startswith=prefix).order_by("-number").values_list(
        "number", flat=True).first()
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


def verification_run(*, actor: User, household: Household, on: dt.date, application: ApplicationRef | None = None
                     ) -> VerificationReport:
    """核对 one household on a date: store the 核对报告 (each source, figure and effect) with an audit entry."""
    ensure_can(actor, household.area, Cap.VERIFY_RUN)
    if application is not None and application.household_id != household.pk:
        raise DomainError(f"申请{application.number}不是家庭{household.number}的申请", field="救助申请")
    a = household_assessment(household, on)
    batches = sorted({ln["batch_id"] for ln in a.lines if ln["batch_id"]})
    batch_rows = [{"id": b.pk, "source": b.source_name, "department": b.provider or b.department,
                   "as_of": b.as_of.isoformat(),
                   "period": b.period} for b in DepartmentBatch.objects.filter(pk__in=batches).order_by("source")]
    with transaction.atomic():
        report = VerificationReport.objects.create(
            number=_report_number(on), household=household,
            application_id=application.pk if application is not None else None, area=household.area, on=on,
            urban_rural=urban_rural(household.area), member_count=a.member_count,
            household_income=a.household_income, rigid_deduction=a.rigid_deduction,
            per_capita_income=a.per_capita_income, standard=a.standard, standard_explanation=a.standard_explanation,
            money_assets=a.money_assets, conclusion=a.conclusion, conclusion_text=a.conclusion_text,
            rule_version=a.rule_version, members=_json(a.members), lines=_json(a.lines), assets=_json(a.assets),
            batches=batch_rows, warnings=a.warnings, created_by=actor)
        audit.record(actor=actor, action="verification.run", object_type="verification_report", object_id=report.pk,
                     object_repr=f"{report.number} {household.number}", area_code=household.area.code,
                     after={"household": household.number, "application": getattr(application, "number", None),
                            "on": on, "per_capita_income": a.per_capita_income, "standard": a.standard,
                            "conclusion": a.conclusion, "rule_version": a.rule_version})
    return report


def _json(value: object) -> Any:
    """Decimals as strings, so the stored report shows exactly what was computed."""
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def report_open(*, actor: User, report: VerificationReport, download: bool = False, purpose: str = "") -> None:
    """Opening (or downloading the PDF of) a 核对报告 shows a household's incomes and deposits in full: audited like
    the full person record (registry person_view_full), one entry per opening."""
    ensure_can(actor, report.area, Cap.VERIFY_VIEW)
    with transaction.atomic():
        audit.record(actor=actor, action="verification_report.download" if download else "verification_report.view",
                     object_type="verification_report", object_id=report.pk, object_repr=report.number,
                     area_code=report.area.code, after={"purpose": purpose} if purpose else None)
