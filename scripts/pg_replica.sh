#!/usr/bin/env bash
# A real PostgreSQL primary and streaming replica on loopback, for the replica and failover tests and .ci/run.
#   bash scripts/pg_replica.sh start          # initdb + start the primary, pg_basebackup -R the replica, start it
#   bash scripts/pg_replica.sh stop           # stop both (the data stays under $MZ_PG_ROOT until `clean`)
#   bash scripts/pg_replica.sh stop-replica   # stop only the replica (the fallback test)
#   bash scripts/pg_replica.sh start-replica
#   bash scripts/pg_replica.sh delay SECONDS  # the replica applies changes SECONDS late (recovery_min_apply_delay)
#   bash scripts/pg_replica.sh env            # print MZ_PRIMARY_URL / MZ_REPLICA_URL lines for `eval`
#   bash scripts/pg_replica.sh clean          # stop both and delete $MZ_PG_ROOT
# Debian's binaries (/usr/lib/postgresql/NN/bin), run as user postgres when started as root.
set -euo pipefail
ROOT="${MZ_PG_ROOT:-/tmp/mz-pg-replica}"
PRIMARY_PORT="${MZ_PG_PRIMARY_PORT:-55501}"
REPLICA_PORT="${MZ_PG_REPLICA_PORT:-55502}"
# The ports `start` settled on (a default already taken on a busy CI machine is replaced by a free one).
# shellcheck disable=SC1091
[ -f "$ROOT/ports" ] && . "$ROOT/ports"
PGBIN="${MZ_PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$PGBIN/initdb" ] || { echo "未找到 PostgreSQL（/usr/lib/postgresql/*/bin/initdb）" >&2; exit 3; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; else "$@"; fi
}
running() { [ -f "$1/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }
free_port() {  # the given port if nothing listens on it, else one the kernel hands out
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}
start_one() {  # dir port; one retry, then the server's own log on stderr
  running "$1" && return 0
  for attempt in 1 2; do
    if as_pg "$PGBIN/pg_ctl" -D "$1" -l "$1.log" -w -t 120 -o "-p $2 -k $ROOT" start >/dev/null; then return 0; fi
    echo "PostgreSQL（$1，端口 $2）第 $attempt 次启动失败，日志末尾：" >&2
    tail -n 30 "$1.log" >&2 || true
    sleep 2
  done
  return 1
}
stop_one() { if running "$1"; then as_pg "$PGBIN/pg_ctl" -D "$1" -m fast -w stop >/dev/null; fi; }
wait_replica() {
  for _ in $(seq 1 100); do
    if [ "$(as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -Atqc 'SELECT pg_is_in_recovery()' \
          postgres 2>/dev/null)" = t ]; then return 0; fi
    sleep 0.2
  done
  echo "副本未能启动，见 $ROOT/replica.log" >&2; return 1
}

case "${1:-}" in
  start)
    mkdir -p "$ROOT"; chown postgres "$ROOT" 2>/dev/null || true
    if [ ! -f "$ROOT/ports" ]; then
      PRIMARY_PORT=$(free_port "$PRIMARY_PORT"); REPLICA_PORT=$(free_port "$REPLICA_PORT")
      printf 'PRIMARY_PORT=%s\nREPLICA_PORT=%s\n' "$PRIMARY_PORT" "$REPLICA_PORT" > "$ROOT/ports"
    fi
    if [ ! -d "$ROOT/primary" ]; then
      as_pg "$PGBIN/initdb" -D "$ROOT/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
      cat >> "$ROOT/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 5
wal_keep_size = 256MB
hot_standby = on
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    fi
    start_one "$ROOT/primary" "$PRIMARY_PORT"
    if [ ! -d "$ROOT/replica" ]; then
      as_pg "$PGBIN/pg_basebackup" -d "host=127.0.0.1 port=$PRIMARY_PORT user=postgres application_name=mz_replica" \
        -D "$ROOT/replica" -R -X stream -c fast
    fi
    start_one "$ROOT/replica" "$REPLICA_PORT"
    wait_replica
    ;;
  stop) stop_one "$ROOT/replica"; stop_one "$ROOT/primary" ;;
  stop-replica) stop_one "$ROOT/replica" ;;
  start-replica) start_one "$ROOT/replica" "$REPLICA_PORT"; wait_replica ;;
  delay)
    as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -qc \
      "ALTER SYSTEM SET recovery_min_apply_delay = '${2:?seconds}s'" postgres
    as_pg "$PGBIN/pg_ctl" -D "$ROOT/replica" reload >/dev/null
    ;;
  env)
    echo "MZ_PRIMARY_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/postgres"
    echo "MZ_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/postgres"
    ;;
  clean) stop_one "$ROOT/replica" || true; stop_one "$ROOT/primary" || true; rm -rf "$ROOT" ;;
  *) echo "用法：bash scripts/pg_replica.sh start|stop|stop-replica|start-replica|delay N|env|clean" >&2; exit 2 ;;
esac
