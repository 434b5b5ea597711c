#!/usr/bin/env bash
# 运行全部测试（默认 SQLite；设置 DATABASE_URL=postgres://... 则在 PostgreSQL 上运行）。
# Runs the whole suite. Needs Python >= 3.12; browser tests need Debian's chromium (installed here when root).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_venv requirements-dev.txt
ensure_browser
.venv/bin/ruff check .
.venv/bin/mypy  # services and selectors (files listed in pyproject.toml)
.venv/bin/lint-imports --no-logo  # the app layering of DESIGN.md §5 (pyproject.toml): no import cycle between apps
exec .venv/bin/pytest "$@"
