#!/usr/bin/env bash
# 接口模糊测试：用 schemathesis 按 /api/openapi.json 对每个接口生成正常与异常请求，任何 5xx 即失败。
# Fuzzes every API operation against a live server holding the demo data, logged in as 江海区's county approver
# (黄志强, jh_county: the role with the most rights and data). A fresh database each run: a throwaway SQLite file,
# or, when DATABASE_URL points at a PostgreSQL server, a new database on it (dropped afterwards).
# MZ_FUZZ_EXAMPLES bounds the generated examples per operation (default 10); MZ_FUZZ_SEED makes a run repeatable.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_venv requirements-dev.txt
PY=.venv/bin/python

WORK=$(mktemp -d /tmp/mz-fuzz.XXXXXX)
SERVER_PID=""
DROP_DB=""
cleanup() {  # keeps the run's exit status (the stopped server's own status is not the run's)
  local rc=$?
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$DROP_DB" ]; then "$PY" scripts/fuzz_db.py drop "$DROP_DB" || true; fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  DROP_DB="$DATABASE_URL"
  DATABASE_URL=$("$PY" scripts/fuzz_db.py create "$DATABASE_URL")
  DROP_DB="$DATABASE_URL"
else
  DATABASE_URL="sqlite:///$WORK/fuzz.sqlite3"
fi
# plain http on loopback: HTTPS-only cookies and the https redirect are for production
export MINZHENG_HTTPS=0 DATABASE_URL MINZHENG_DEBUG=0 MINZHENG_SECRET_KEY="fuzz-$(date +%s%N)-$RANDOM$RANDOM"
echo "== 模糊测试：准备演示数据（${DATABASE_URL%%:*}）"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py setup_demo --persons "${MZ_FUZZ_PERSONS:-60}" --villages-per-town 1 --quiet-table >"$WORK/setup.log"

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The production server, not runserver: Django's development server leaves Nagle's algorithm on, so on a kept-alive
# connection every answer waited 40 ms for the client's delayed ACK (most of a fuzz run's time).
MINZHENG_BIND="127.0.0.1:$PORT" MINZHENG_WEB_WORKERS=2 MINZHENG_WEB_TIMEOUT=150 \
  "$PY" -m gunicorn minzheng.wsgi:application -c scripts/gunicorn.conf.py >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
SESSION=$("$PY" scripts/fuzz_db.py session jh_county)
CSRF=$("$PY" -c 'import secrets, string; print("".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32)))')
"$PY" scripts/fuzz_db.py schema "http://127.0.0.1:$PORT/api/openapi.json" "$WORK/openapi.json"

echo "== 模糊测试：schemathesis（每个接口最多 ${MZ_FUZZ_EXAMPLES:-10} 个样例）"
set +e
.venv/bin/schemathesis run "$WORK/openapi.json" --url "http://127.0.0.1:$PORT" \
  --checks not_a_server_error --max-examples "${MZ_FUZZ_EXAMPLES:-10}" --workers 1 --request-timeout 120 \
  ${MZ_FUZZ_SEED:+--seed "$MZ_FUZZ_SEED"} --suppress-health-check all \
  -H "Cookie: sessionid=$SESSION; csrftoken=$CSRF" -H "X-CSRFToken: $CSRF" \
  --report json --report-json-path "$WORK/report.json" --output-truncate true
STATUS=$?
set -e
if ! "$PY" scripts/fuzz_db.py covered "$WORK/openapi.json" "$WORK/report.json"; then
  STATUS=1
fi
if [ "$STATUS" != 0 ]; then
  echo "== 服务器日志（最后 80 行）"; tail -80 "$WORK/server.log"
fi
exit "$STATUS"
