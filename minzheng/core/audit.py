"""Writing and verifying the hash-chained audit trail."""

import datetime as dt
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from .models import AuditEntry

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_310_001  # advisory lock that serialises appends to the chain


def _jsonable(value):
    # Normalise dates/Decimals to strings so the stored JSON hashes the same when re-read.
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def compute_hash(entry: AuditEntry) -> str:
    payload = {
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "area_code": entry.area_code,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def record(
    *,
    actor,
    action: str,
    object_type: str,
    object_id,
    object_repr: str = "",
    area_code: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry. Must run inside the transaction that makes the change."""
    if not connection.in_atomic_block:
        raise RuntimeError("审计日志必须与业务变更在同一事务中写入")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
    entry = AuditEntry(
        seq=(last["seq"] + 1) if last else 1,
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "display_name", "") or getattr(actor, "username", "") or "系统",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(object_repr)[:200],
        area_code=area_code or "",
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=last["hash"] if last else GENESIS,
    )
    entry.hash = compute_hash(entry)
    entry.save()
    return entry


def verify_chain(chunk_size: int = 5000):
    """Return (checked_count, first_broken_entry_or_None, reason)."""
    prev_hash, prev_seq, checked = GENESIS, 0, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != prev_seq + 1:
            return checked, entry, f"序号不连续：期望{prev_seq + 1}，实际{entry.seq}（之前的记录可能被删除）"
        if entry.prev_hash != prev_hash:
            return checked, entry, "前一条哈希与上一条记录不符（之前的记录被修改或删除）"
        if compute_hash(entry) != entry.hash:
            return checked, entry, "内容与哈希不符（本条记录被修改）"
        prev_hash, prev_seq = entry.hash, entry.seq
        checked += 1
    return checked, None, ""


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Keep only the fields that changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


