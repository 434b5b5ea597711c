#!/usr/bin/env bash
# 智慧民政 生产启动：gunicorn 应用服务器（WhiteNoise 提供静态文件）或后台任务进程。
#   bash scripts/serve.sh          # 应用服务器：迁移数据库、收集静态文件，然后以 gunicorn 监听 MINZHENG_BIND（默认 127.0.0.1:8000）
#   bash scripts/serve.sh worker   # 后台任务进程（manage.py db_worker）；可在多台机器上各起一个，共用一个数据库
# 环境变量见 README“生产部署的环境变量”；密钥、DATABASE_URL 等必须由部署方提供（本脚本不生成密钥）。
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${MINZHENG_PYTHON:-$ROOT/.venv/bin/python}"
export DJANGO_SETTINGS_MODULE=minzheng.settings
export MINZHENG_STATIC_MANIFEST="${MINZHENG_STATIC_MANIFEST:-1}"
export MINZHENG_ACCESS_LOG="${MINZHENG_ACCESS_LOG:-1}"

case "${1:-web}" in
  web)
    if [ "${MINZHENG_SKIP_MIGRATE:-0}" != 1 ]; then
      "$PY" manage.py migrate --noinput -v 0
    fi
    "$PY" manage.py collectstatic --noinput -v 0
    exec "$PY" -m gunicorn minzheng.wsgi:application -c "$ROOT/scripts/gunicorn.conf.py"
    ;;
  worker)
    exec "$PY" manage.py db_worker --no-reload --queue-name '*'
    ;;
  *)
    echo "用法：bash scripts/serve.sh [web|worker]" >&2
    exit 2
    ;;
esac
