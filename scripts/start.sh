#!/usr/bin/env bash
# 智慧民政 一键启动：建环境、装依赖、迁移数据库、载入区划与演示数据、启动后台任务进程和网站。
# One command from a fresh clone: finds Python >= 3.12, creates .venv, installs requirements.txt,
# migrates the embedded SQLite database (or DATABASE_URL), loads reference and demo data, starts the
# background-task worker and serves http://127.0.0.1:8000 . Ctrl-C stops both.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
HOST_PORT="${MINZHENG_ADDR:-127.0.0.1:8000}"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m错误：\033[0m%s\n' "$*" >&2; exit 1; }

source scripts/lib.sh
say "准备 Python 虚拟环境与依赖（.venv）"
ensure_venv requirements.txt || die "依赖安装失败，请检查网络或 pip 源设置后重试"
VENV_PY="$ROOT/.venv/bin/python"

# The demo's secret key: generated once into var/secret_key (git ignores var/), unless one is given. The demo
# serves plain http on this machine, so HTTPS-only cookies and the https redirect are off unless asked for.
if [ -z "${MINZHENG_SECRET_KEY:-}" ] && [ -z "${MINZHENG_SECRET_KEY_FILE:-}" ]; then
    mkdir -p var
    if [ ! -s var/secret_key ]; then
        (umask 077; "$VENV_PY" -c 'import secrets; print(secrets.token_urlsafe(64))' > var/secret_key)
    fi
    export MINZHENG_SECRET_KEY_FILE="$ROOT/var/secret_key"
fi
export MINZHENG_HTTPS="${MINZHENG_HTTPS:-0}"

MANAGE=("$VENV_PY" "$ROOT/manage.py")
say "迁移数据库"
"${MANAGE[@]}" migrate --noinput -v 0
say "载入行政区划、演示村居、演示账号和演示人口"
"${MANAGE[@]}" setup_demo
say "收集静态文件"
"${MANAGE[@]}" collectstatic --noinput -v 0

WORKER_PID=""
SERVER_PID=""
CHECKPOINT_PID=""
cleanup() {
    local pid
    for pid in $SERVER_PID $WORKER_PID $CHECKPOINT_PID; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $SERVER_PID $WORKER_PID $CHECKPOINT_PID; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "启动后台任务进程（db_worker）"
"${MANAGE[@]}" db_worker --no-reload --queue-name '*' &
WORKER_PID=$!

say "定期写入审计日志检查点（每 10 分钟，写到库外文件，用于发现最新记录被删除）"
( while sleep 600; do "${MANAGE[@]}" audit_checkpoint -v 0 >/dev/null || say "审计检查点未写入，请运行 manage.py verify_audit 查看原因"; done ) &
CHECKPOINT_PID=$!
"${MANAGE[@]}" audit_checkpoint -v 0 >/dev/null || say "审计检查点未写入，请运行 manage.py verify_audit 查看原因"

say "网站地址：http://$HOST_PORT/ （按 Ctrl-C 停止）"
"${MANAGE[@]}" runserver "$HOST_PORT" &
SERVER_PID=$!
# Wait in the shell (not as a foreground command) so Ctrl-C / TERM reach the traps at once.
wait "$SERVER_PID"
