"""The audit trail: append-only, hash-chained, and able to point at the first entry someone tampered with."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from minzheng.core import audit
from minzheng.core.models import AuditEntry


def _write(actor, n: int, *, start: int = 1) -> list[AuditEntry]:
    """李建华 records n benefit-free address changes, one audit entry each."""
    entries = []
    for i in range(start, start + n):
        with transaction.atomic():
            entries.append(audit.record(
                actor=actor, action="person.update", object_type="person", object_id=i, object_repr=f"居民{i}",
                area_code="440704003", before={"address": f"礼乐街道旧址{i}号"},
                after={"address": f"礼乐街道新址{i}号", "moved_on": dt.date(2026, 5, i % 28 + 1)}))
    return entries


def _raw(sql: str, params=()):
    """Tamper as the database owner would: on PostgreSQL past the append-only trigger (superusers can)."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute(sql.format(table=table), params)


def _verify_command() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_each_entry_carries_the_hash_of_the_one_before(people):
    lijh = people["lile_officer"]
    first_seq = AuditEntry.objects.count() + 1
    entries = _write(lijh, 4)

    assert [e.seq for e in entries] == list(range(first_seq, first_seq + 4))
    previous = AuditEntry.objects.get(seq=first_seq - 1)
    for e in entries:
        assert e.prev_hash == previous.hash
        assert len(e.hash) == 64 and e.hash != e.prev_hash
        previous = e
    stored = AuditEntry.objects.get(pk=entries[0].pk)
    assert stored.actor == lijh and stored.actor_name == "李建华"
    assert stored.before == {"address": "礼乐街道旧址1号"}
    assert stored.after["moved_on"] == "2026-05-02", "dates are stored as ISO strings so the hash re-computes"
    assert audit.compute_hash(stored) == stored.hash


def test_the_very_first_entry_starts_from_the_genesis_hash(db):
    with transaction.atomic():
        first = audit.record(actor=None, action="system.start", object_type="system", object_id="-")
    assert first.seq == 1 and first.prev_hash == audit.GENESIS
    assert first.actor is None and first.actor_name == "系统"


@pytest.mark.django_db(transaction=True)
def test_writing_an_entry_outside_the_changes_transaction_is_refused():
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError, match="审计日志必须与业务变更在同一事务中写入"):
        audit.record(actor=None, action="person.update", object_type="person", object_id=1)
    assert AuditEntry.objects.count() == 0


def test_an_entry_cannot_be_edited_or_deleted_through_the_orm(people):
    entry = _write(people["lile_officer"], 1)[0]
    entry.after = {"address": "改过的地址"}
    with pytest.raises(RuntimeError, match="审计日志只能追加，不能修改"):
        entry.save()
    with pytest.raises(RuntimeError, match="审计日志只能追加，不能删除"):
        entry.delete()
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.after["address"] == "礼乐街道新址1号"
    assert audit.verify_chain()[1] is None


def test_an_intact_chain_passes_the_check(people):
    _write(people["lile_officer"], 5)
    total = AuditEntry.objects.count()
    checked, broken, reason = audit.verify_chain(chunk_size=2)  # small chunks: the walk spans several fetches
    assert (checked, broken, reason) == (total, None, "")
    assert f"审计日志完好：共 {total} 条，哈希链连续。" in _verify_command()


def test_a_changed_after_value_is_named_as_the_first_broken_entry(people):
    entries = _write(people["lile_officer"], 5)
    victim = entries[2]
    _raw("UPDATE {table} SET after = %s WHERE id = %s", ['{"address": "吴敏没见过的地址"}', victim.pk])

    checked, broken, reason = audit.verify_chain()
    assert broken.pk == victim.pk
    assert checked == victim.seq - 1
    assert reason == "内容与哈希不符（本条记录被修改）"

    with pytest.raises(CommandError) as err:
        _verify_command()
    message = str(err.value)
    assert f"第一条异常记录 #{victim.seq}" in message
    assert "本条记录被修改" in message
    assert f"此前 {victim.seq - 1} 条完好" in message


def test_a_rehashed_edit_still_breaks_the_link_to_the_next_entry(people):
    """A forger who also recomputes the edited entry's own hash is caught at the entry after it."""
    entries = _write(people["lile_officer"], 4)
    victim, successor = entries[1], entries[2]
    forged = AuditEntry.objects.get(pk=victim.pk)
    forged.after = {"address": "伪造地址"}
    forged.hash = audit.compute_hash(forged)
    _raw("UPDATE {table} SET after = %s, hash = %s WHERE id = %s",
         ['{"address": "伪造地址"}', forged.hash, victim.pk])

    checked, broken, reason = audit.verify_chain()
    assert broken.pk == successor.pk
    assert "前一条哈希与上一条记录不符" in reason
    with pytest.raises(CommandError, match=f"#{successor.seq}"):
        _verify_command()


def test_a_deleted_middle_entry_is_detected_at_the_entry_after_the_gap(people):
    entries = _write(people["lile_officer"], 5)
    deleted, after_gap = entries[2], entries[3]
    _raw("DELETE FROM {table} WHERE id = %s", [deleted.pk])

    checked, broken, reason = audit.verify_chain()
    assert broken.pk == after_gap.pk
    assert reason == f"序号不连续：期望{deleted.seq}，实际{after_gap.seq}（之前的记录可能被删除）"
    with pytest.raises(CommandError) as err:
        _verify_command()
    assert f"第一条异常记录 #{after_gap.seq}" in str(err.value)
    assert "可能被删除" in str(err.value)


def test_deleting_an_entry_and_renumbering_the_rest_is_still_caught(people):
    """Deleting a middle entry and shifting later seqs down closes the gap, but not the hash link."""
    entries = _write(people["lile_officer"], 4)
    deleted = entries[1]
    _raw("DELETE FROM {table} WHERE id = %s", [deleted.pk])
    for e in entries[2:]:
        _raw("UPDATE {table} SET seq = %s WHERE id = %s", [e.seq - 1, e.pk])

    _, broken, reason = audit.verify_chain()
    assert broken.pk == entries[2].pk
    assert reason  # either the hash link or the content hash (seq is hashed) gives it away


def test_diff_keeps_only_changed_fields():
    before = {"name": "陈伯", "phone": "138****0001", "address": "英南村1号"}
    after = {"name": "陈伯", "phone": "138****0002", "address": "英南村1号"}
    assert audit.diff(before, after) == ({"phone": "138****0001"}, {"phone": "138****0002"})
    assert audit.diff(before, dict(before)) == ({}, {})
