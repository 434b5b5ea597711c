"""On PostgreSQL no business transaction waits for the audit chain. 李建华 keeps a long change open in 礼乐街道
(his entry took the chain's lock); 黄志强 commits his change meanwhile without waiting, his entry unsealed for the
moment; when 李建华 commits, 黄志强's entry is chained right after his, and 吴敏's check finds the chain whole."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from minzheng.core import audit
from minzheng.core.models import AuditEntry


def _change(actor_name: str, n: int) -> AuditEntry:
    return audit.record(actor=None, action="person.update", object_type="person", object_id=n,
                        object_repr=f"{actor_name}改的居民{n}", area_code="440704003",
                        after={"address": f"礼乐街道新址{n}号"})


@pytest.mark.django_db(transaction=True)
def test_a_commit_never_waits_for_the_chain_and_is_sealed_after_the_holder_commits():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: every entry is chained inside its transaction")
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    outcome: dict = {}

    def lijianhua():
        try:
            with transaction.atomic():
                outcome["held"] = _change("李建华", 1)
                holding.set()
                release.wait(20)
        finally:
            connections["default"].close()
            done.set()

    holder = threading.Thread(target=lijianhua)
    holder.start()
    assert holding.wait(20)
    assert outcome["held"].seq is not None, "the chain's lock was free: 李建华's entry is chained at once"

    finished = threading.Event()

    def huangzhiqiang():
        try:
            with transaction.atomic():
                outcome["waiting"] = _change("黄志强", 2)
            finished.set()
        finally:
            connections["default"].close()

    writer = threading.Thread(target=huangzhiqiang)
    writer.start()
    assert finished.wait(10), "黄志强's commit waited for 李建华's open transaction"
    writer.join()
    unsealed = AuditEntry.objects.get(pk=outcome["waiting"].pk)
    assert unsealed.seq is None and unsealed.hash is None, "chained only once the lock is free"

    release.set()
    assert done.wait(20)
    holder.join()
    sealed = AuditEntry.objects.get(pk=outcome["waiting"].pk)
    assert sealed.seq == outcome["held"].seq + 1 and sealed.prev_hash == outcome["held"].hash
    assert audit.compute_hash(sealed) == sealed.hash
    assert audit.verify_chain()[1] is None


@pytest.mark.django_db(transaction=True)
def test_an_unsealed_entry_can_be_sealed_but_not_edited():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    # As written while someone else held the chain: no seq, no hash yet.
    entry = AuditEntry(created_at=timezone.now(), actor_name="系统", action="person.update", object_type="person",
                       object_id="3", after={"address": "礼乐街道新址3号"})
    entry.save()
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with pytest.raises(Exception, match="审计日志只能追加"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET after = %s WHERE id = %s", ['{"address": "伪造"}', entry.pk])
    with pytest.raises(Exception, match="审计日志只能追加"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    assert audit.seal() == 1
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.seq is not None and audit.compute_hash(stored) == stored.hash
    assert audit.verify_chain()[1] is None


@pytest.mark.django_db(transaction=True)
def test_an_entry_a_crash_left_unsealed_is_sealed_right_after_the_next_writers_commit():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: every entry is chained inside its transaction")
    first = _change_committed("李建华", 1)
    # 黄志强's request died after its commit, before sealing: his entry is committed without seq or hash.
    orphan = AuditEntry(created_at=timezone.now(), actor_name="黄志强", action="person.update",
                        object_type="person", object_id="2", after={"address": "礼乐街道新址2号"})
    orphan.save()
    assert AuditEntry.objects.get(pk=orphan.pk).seq is None
    # 吴敏's next change finds the lock free and is chained at once; after her commit 黄志强's entry follows it.
    third = _change_committed("吴敏", 3)
    assert [AuditEntry.objects.get(pk=e.pk).seq for e in (first, third, orphan)] == [first.seq, first.seq + 1,
                                                                                      first.seq + 2]
    assert audit.verify_chain()[1] is None


def _change_committed(actor_name: str, n: int) -> AuditEntry:
    with transaction.atomic():
        return _change(actor_name, n)
