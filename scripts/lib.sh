# Shared by scripts/start.sh and scripts/test.sh.

find_python() {
  local c
  for c in python3.14 python3.13 python3.12 python3 $(ls -d "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  echo "需要 Python 3.12 或更高版本（Django 6 的要求），未找到。/ Python >= 3.12 is required (Django 6)." >&2
  return 1
}

ensure_venv() {  # $1: requirements file
  if [ ! -x .venv/bin/python ]; then
    local py
    py="$(find_python)" || return 1
    "$py" -m venv .venv || { echo "创建虚拟环境失败（Debian/Ubuntu 上可能需要 apt install python3-venv）" >&2; return 1; }
  fi
  local stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$1"
  if [ ! -f "$stamp" ]; then
    .venv/bin/pip install --quiet --disable-pip-version-check -r "$1"
    touch "$stamp"
  fi
}

ensure_browser() {  # Debian's Chromium and CJK fonts for the Playwright tests
  # grep reads all of fc-list (no -q): under pipefail an early exit would fail the pipe with SIGPIPE (141)
  [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -i "noto.*cjk" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "安装 chromium 与中文字体 …"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "提示：未安装 /usr/bin/chromium，浏览器测试将跳过（sudo apt-get install chromium fonts-noto-cjk）" >&2
  fi
}
