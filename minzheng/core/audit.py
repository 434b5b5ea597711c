"""Writing and verifying the hash-chained audit trail.

Each entry's hash is an HMAC-SHA256 (key: settings.AUDIT_HMAC_KEY, kept outside the database) over its content
and the previous entry's hash, so someone who can write to the database but does not hold the key cannot
recompute the chain after an edit. A chain alone cannot show that its newest entries were cut off, so the head is
checkpointed periodically (manage.py audit_checkpoint) into an HMAC-signed, append-only file outside the database;
verify_audit checks the chain and that every checkpointed head is still there.

Chaining needs one writer at a time. On PostgreSQL an entry is chained inside its own transaction only when the
chain's lock is free at that moment (so a quiet server and the test suite see a sealed entry at once); under load
the entry is written unsealed (no seq or hash yet) and sealed right after its transaction commits, together with
every other committed unsealed entry. No business transaction ever waits for the chain's lock, so the trail no
longer serialises commits. An unsealed entry can't be edited or deleted (the table's trigger allows only the seal
itself), and any left unsealed by a crash is sealed by the next write, audit_checkpoint or verify_audit.
"""

import datetime as dt
import fcntl
import hashlib
import hmac
import json
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from . import rows
from .models import AuditEntry

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_310_001  # advisory lock that serialises appends to the chain
_SWEEPS = 5  # a sealer's rounds after a commit; under sustained load the next writer takes over


def _jsonable(value):
    # Normalise dates/Decimals to strings so the stored JSON hashes the same when re-read.
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _key() -> bytes:
    key = settings.AUDIT_HMAC_KEY
    return key.encode() if isinstance(key, str) else bytes(key)


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
    return hmac.new(_key(), raw.encode(), hashlib.sha256).hexdigest()


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
    entry = AuditEntry(
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
    )
    if connection.vendor != "postgresql":
        _chain(entry, _head())  # SQLite allows one writer at a time anyway
    elif (taken := _take_chain(wait=False))[0]:
        _chain(entry, taken[1])  # the lock was free and is now held to COMMIT
    rows.insert(entry)  # AuditEntry.save() would do the same INSERT at several times the CPU (core.rows)
    if connection.vendor == "postgresql":
        _seal_after_commit()  # this entry if it is still unsealed, and whatever was committed meanwhile
    return entry


def _head() -> dict | None:
    with rows.cursor() as cur:
        cur.execute("SELECT seq, hash FROM core_auditentry WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
        row = cur.fetchone()
    return {"seq": row[0], "hash": row[1]} if row else None


def _take_chain(*, wait: bool) -> tuple[bool, dict | None, bool]:
    """PostgreSQL: the chain's lock (wait=False: only if free) and, once it is held, the chain's head and whether
    committed entries wait to be sealed, in one round trip (function of migration core 0006: the head is read in a
    snapshot taken after the lock is held, so it cannot miss an entry committed meanwhile and fork the chain)."""
    with rows.cursor() as cur:
        cur.execute("SELECT * FROM core_audit_chain_head(%s::bigint, %s)", [_PG_LOCK_KEY, wait])
        locked, seq, hash_, pending = cur.fetchone()
    return bool(locked), ({"seq": seq, "hash": hash_} if seq is not None else None), bool(pending)


def _any_unsealed() -> bool:
    with rows.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM core_auditentry WHERE seq IS NULL)")
        return bool(cur.fetchone()[0])


def _chain(entry: AuditEntry, head: dict | None) -> dict:
    entry.seq = head["seq"] + 1 if head else 1
    entry.prev_hash = head["hash"] if head else GENESIS
    entry.hash = compute_hash(entry)
    return {"seq": entry.seq, "hash": entry.hash}


def _seal_after_commit() -> None:
    # One sealing per transaction, however many entries it wrote.
    if not any(func is _seal_quietly for _, func, _ in connection.run_on_commit):
        transaction.on_commit(_seal_quietly, robust=True)


def _seal_quietly() -> None:
    seal(wait=False)


def seal(*, wait: bool = True) -> int:
    """Chain every committed unsealed entry, in the order they were written; returns how many.

    wait=True (audit_checkpoint, verify_audit) waits for the chain's lock. wait=False (after each commit) never
    waits: when another transaction holds the lock, that one seals after its own commit. Having released the lock,
    a sealer looks again, since an entry committed while it held the lock found the lock taken."""
    if connection.vendor != "postgresql":
        return 0
    total = 0
    for _ in range(_SWEEPS):
        if not wait and not _any_unsealed():
            break
        with transaction.atomic():
            locked, head, pending = _take_chain(wait=wait)
            if not locked:
                break
            if pending:
                total += _seal_pending(head)
        if wait or connection.in_atomic_block:
            break
    return total


def _seal_pending(head: dict | None, *, batch: int = 5000) -> int:
    """Chain the unsealed entries this transaction can see after `head` (the caller holds the lock)."""
    sealed = 0
    while pending := rows.many(AuditEntry, "t.seq IS NULL", then=f"ORDER BY t.id LIMIT {int(batch)}"):
        for entry in pending:
            head = _chain(entry, head)
        with rows.cursor() as cur:  # one statement for the batch (PostgreSQL: only it seals)
            cur.execute("""
                UPDATE core_auditentry a SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
                FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) AS v(id, seq, prev_hash, hash)
                WHERE a.id = v.id""", [[e.pk for e in pending], [e.seq for e in pending],
                                       [e.prev_hash for e in pending], [e.hash for e in pending]])
        sealed += len(pending)
    return sealed


def verify_chain(chunk_size: int = 5000):
    """Return (checked_count, first_broken_entry_or_None, reason)."""
    seal()
    prev_hash, prev_seq, checked = GENESIS, 0, 0
    for entry in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != prev_seq + 1:
            return checked, entry, f"序号不连续：期望{prev_seq + 1}，实际{entry.seq}（之前的记录可能被删除）"
        if entry.prev_hash != prev_hash:
            return checked, entry, "前一条哈希与上一条记录不符（之前的记录被修改或删除）"
        if not hmac.compare_digest(compute_hash(entry), entry.hash):
            return checked, entry, "内容与哈希不符（本条记录被修改）"
        prev_hash, prev_seq = entry.hash, entry.seq
        checked += 1
    return checked, None, ""


# --- checkpoints of the chain head, outside the database ----------------------------------------------------------

def _checkpoint_path(path: Path | None) -> Path:
    return Path(path or settings.AUDIT_CHECKPOINT_PATH)


def _sign(fields: dict) -> str:
    raw = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hmac.new(_key(), b"checkpoint:" + raw.encode(), hashlib.sha256).hexdigest()


def _read_checkpoints(path: Path) -> tuple[list[dict], str]:
    """The file's checkpoints and the first problem with the file itself ("" if none)."""
    if not path.exists():
        return [], ""
    points, prev_mac = [], GENESIS
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            point = json.loads(line)
            fields = {k: point[k] for k in ("seq", "hash", "at", "prev_mac")}
            mac = point["mac"]
        except (ValueError, KeyError, TypeError):
            return points, f"检查点文件第{number}行格式不对（文件被改动）"
        if not hmac.compare_digest(_sign(fields), str(mac)):
            return points, f"检查点文件第{number}行签名不符（文件被改动或密钥不同）"
        if fields["prev_mac"] != prev_mac:
            return points, f"检查点文件第{number}行与上一行不衔接（文件中有行被删除或调换）"
        if points and fields["seq"] < points[-1]["seq"]:
            return points, f"检查点文件第{number}行的序号小于上一行（文件被改动）"
        points.append(point)
        prev_mac = mac
    return points, ""


def checkpoint_write(*, path: Path | None = None) -> dict | None:
    """Append the current chain head to the checkpoint file; None when the trail is still empty.

    Refuses (RuntimeError) when the head does not carry a valid HMAC or lies behind the last checkpoint: a forged or
    truncated chain must not be anchored."""
    path = _checkpoint_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # one writer at a time, so each line links to the one before
        points, problem = _read_checkpoints(path)
        if problem:
            raise RuntimeError(problem)
        seal()
        head = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").first()
        if head is None:
            return None
        if not hmac.compare_digest(compute_hash(head), head.hash):
            raise RuntimeError(f"最新一条审计记录 #{head.seq} 的哈希不符，拒绝写入检查点")
        if points and head.seq < points[-1]["seq"]:
            raise RuntimeError(f"数据库中审计日志只到第{head.seq}条，少于上次检查点的第{points[-1]['seq']}条")
        fields = {"seq": head.seq, "hash": head.hash, "at": timezone.localtime().isoformat(timespec="seconds"),
                  "prev_mac": points[-1]["mac"] if points else GENESIS}
        point = {**fields, "mac": _sign(fields)}
        f.write(json.dumps(point, sort_keys=True) + "\n")
        f.flush()
    return point


def verify_checkpoints(*, path: Path | None = None) -> tuple[int, str]:
    """Return (checkpoints checked, first problem or ""): every checkpointed head must still be in the database
    with the same hash, and the database must reach at least the newest checkpoint."""
    points, problem = _read_checkpoints(_checkpoint_path(path))
    if problem:
        return len(points), problem
    if not points:
        return 0, ""
    newest = points[-1]
    last_seq = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", flat=True).first() or 0
    if last_seq < newest["seq"]:
        return len(points), (f"最新的审计记录被删除：检查点（{newest['at']}）记录到第{newest['seq']}条，"
                             f"数据库中只到第{last_seq}条")
    wanted = {p["seq"]: p for p in points}
    stored = dict(AuditEntry.objects.filter(seq__in=list(wanted)).values_list("seq", "hash"))
    for seq, point in sorted(wanted.items()):
        if stored.get(seq) != point["hash"]:
            return len(points), f"第{seq}条审计记录与检查点（{point['at']}）不符（该记录或其之前的记录被改写）"
    return len(points), ""


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Keep only the fields that changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}




def access_denied(*, actor, object_type: str, requested: object) -> None:
    """GB/T 22239-2019 安全审计: someone asked for a record they may not see (or that does not exist — the answer is
    the same 404, and so is this entry). Only the id asked for is kept: no name, area or content of the record, so
    the log tells its reader nothing the 404 did not. Committed on its own unless the caller is already inside a
    transaction (then it stands or falls with it)."""
    with transaction.atomic():
        record(actor=actor, action="access.denied", object_type=object_type, object_id=str(requested)[:64])
