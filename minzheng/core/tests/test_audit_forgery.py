"""An attacker with write access to the database (but not to the server's key or checkpoint file) tries to hide
what 李建华 did: edit an entry and recompute the chain with the project's own function, or cut off the newest
entries. 吴敏, the auditor, runs verify_audit and is told about both."""

import datetime as dt
import hashlib
import io
import json
import secrets

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from minzheng.core import audit
from minzheng.core.models import AuditEntry


@pytest.fixture
def checkpoints(tmp_path, settings):
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "audit-checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_PATH


def _write(actor, n: int) -> list[AuditEntry]:
    """李建华 changes n addresses in 礼乐街道, one audited change each."""
    entries = []
    for i in range(1, n + 1):
        with transaction.atomic():
            entries.append(audit.record(
                actor=actor, action="person.update", object_type="person", object_id=i, object_repr=f"居民{i}",
                area_code="440704003", before={"address": f"礼乐街道旧址{i}号"},
                after={"address": f"礼乐街道新址{i}号"}))
    return entries


def _as_db_owner(sql: str, params=()):
    """Raw SQL as someone holding the database's owner account: on PostgreSQL they step past the trigger."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute(sql.format(table=table), params)


def _reforge_from(seq: int, hasher) -> None:
    """Rewrite every entry from `seq` on so each one's prev_hash and hash agree again, as a forger would."""
    prev_hash = AuditEntry.objects.filter(seq=seq - 1).values_list("hash", flat=True).first() or audit.GENESIS
    for e in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        e.prev_hash = prev_hash
        e.hash = hasher(e)
        _as_db_owner("UPDATE {table} SET after = %s, prev_hash = %s, hash = %s WHERE id = %s",
                     [json.dumps(e.after, ensure_ascii=False), e.prev_hash, e.hash, e.pk])
        prev_hash = e.hash


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_an_edit_with_every_later_hash_recomputed_by_the_projects_own_function_is_reported(people, checkpoints):
    entries = _write(people["lile_officer"], 5)
    victim = AuditEntry.objects.get(pk=entries[1].pk)
    assert "审计日志完好" in _verify()

    # The attacker runs this project's code against the database, but the key is theirs, not the server's:
    # from the edited entry on (and, to be thorough, from the very first entry) every hash is recomputed.
    _as_db_owner("UPDATE {table} SET after = %s WHERE id = %s", ['{"address": "伪造地址"}', victim.pk])
    with override_settings(AUDIT_HMAC_KEY=secrets.token_hex(32)):
        _reforge_from(victim.seq, audit.compute_hash)
    _, broken, reason = audit.verify_chain()
    assert broken.pk == victim.pk
    assert reason == "内容与哈希不符（本条记录被修改）"
    with pytest.raises(CommandError) as err:
        _verify()
    assert f"第一条异常记录 #{victim.seq}" in str(err.value)

    with override_settings(AUDIT_HMAC_KEY=secrets.token_hex(32)):
        _reforge_from(1, audit.compute_hash)
        assert audit.verify_chain()[1] is None, "self-consistent under the attacker's own key"
    _, broken, reason = audit.verify_chain()
    assert broken.seq == 1 and reason == "内容与哈希不符（本条记录被修改）"
    with pytest.raises(CommandError, match="审计日志校验失败"):
        _verify()


def test_a_chain_recomputed_with_plain_sha256_is_reported(people, checkpoints):
    """The chain before this change was plain SHA-256: anyone could recompute it. Now it does not verify."""
    entries = _write(people["lile_officer"], 4)

    def sha256_only(e):
        payload = {"seq": e.seq, "created_at": e.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
                   "actor_id": e.actor_id, "actor_name": e.actor_name, "action": e.action,
                   "object_type": e.object_type, "object_id": e.object_id, "object_repr": e.object_repr,
                   "area_code": e.area_code, "before": e.before, "after": e.after, "prev_hash": e.prev_hash}
        raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()

    _reforge_from(entries[2].seq, sha256_only)
    _, broken, reason = audit.verify_chain()
    assert broken.pk == entries[2].pk and "本条记录被修改" in reason


def test_deleting_the_newest_entries_is_reported_against_the_last_checkpoint(people, checkpoints):
    entries = _write(people["lile_officer"], 6)
    point = audit.checkpoint_write()
    assert point["seq"] == entries[-1].seq and point["hash"] == entries[-1].hash

    _as_db_owner("DELETE FROM {table} WHERE seq > %s", [entries[3].seq])

    assert audit.verify_chain()[1] is None, "what is left is a valid chain: only the checkpoint can tell"
    _, problem = audit.verify_checkpoints()
    assert problem == (f"最新的审计记录被删除：检查点（{point['at']}）记录到第{entries[-1].seq}条，"
                       f"数据库中只到第{entries[3].seq}条")
    with pytest.raises(CommandError, match="最新的审计记录被删除"):
        _verify()
    with pytest.raises(RuntimeError, match="少于上次检查点"):
        audit.checkpoint_write()


def test_deleting_the_newest_entries_and_writing_new_ones_in_their_place_is_reported(people, checkpoints):
    entries = _write(people["lile_officer"], 4)
    audit.checkpoint_write()
    _as_db_owner("DELETE FROM {table} WHERE seq > %s", [entries[1].seq])
    replacement = _write(people["lile_officer"], 2)  # through the real code, so the HMACs are genuine
    assert replacement[-1].seq == entries[-1].seq

    assert audit.verify_chain()[1] is None
    _, problem = audit.verify_checkpoints()
    assert problem.startswith(f"第{entries[-1].seq}条审计记录与检查点")
    with pytest.raises(CommandError, match="与检查点.*不符"):
        _verify()


def test_the_checkpoint_file_itself_cannot_be_edited_or_shortened_in_the_middle(people, checkpoints):
    _write(people["lile_officer"], 2)
    audit.checkpoint_write()
    _write(people["lile_officer"], 2)
    audit.checkpoint_write()
    _write(people["lile_officer"], 1)
    audit.checkpoint_write()
    lines = checkpoints.read_text().splitlines()
    assert audit.verify_checkpoints() == (3, "")

    edited = json.loads(lines[1])
    edited["seq"] = 1
    checkpoints.write_text("\n".join([lines[0], json.dumps(edited), lines[2]]) + "\n")
    assert audit.verify_checkpoints()[1] == "检查点文件第2行签名不符（文件被改动或密钥不同）"

    checkpoints.write_text("\n".join([lines[0], lines[2]]) + "\n")
    assert audit.verify_checkpoints()[1] == "检查点文件第2行与上一行不衔接（文件中有行被删除或调换）"


def test_a_forged_head_is_never_anchored(people, checkpoints):
    entries = _write(people["lile_officer"], 3)
    _as_db_owner("UPDATE {table} SET after = %s WHERE id = %s", ['{"address": "伪造地址"}', entries[-1].pk])
    with pytest.raises(RuntimeError, match=f"最新一条审计记录 #{entries[-1].seq} 的哈希不符"):
        audit.checkpoint_write()
    assert not checkpoints.exists() or checkpoints.read_text() == ""
    with pytest.raises(CommandError, match="未写入检查点"):
        call_command("audit_checkpoint", stdout=io.StringIO())


def test_the_checkpoint_command_appends_one_line_per_run(people, checkpoints):
    _write(people["lile_officer"], 2)
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    call_command("audit_checkpoint", stdout=out)
    assert len(checkpoints.read_text().splitlines()) == 2
    assert "已写入检查点" in out.getvalue()
    assert "与 2 个检查点一致" in _verify()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_on_the_audit_table(people):
    entry = _write(people["lile_officer"], 1)[0]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    for sql in (f"UPDATE {table} SET after = '{{}}' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="审计日志只能追加，不能修改或删除"):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql, [entry.pk])
    with pytest.raises(DatabaseError, match="审计日志只能追加"):
        with transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(DatabaseError, match="审计日志只能追加"):
        with transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).after == {"address": "礼乐街道新址1号"}
