#!/usr/bin/env bash
# Installs everything golive needs on Debian 12 with Python 3.11, idempotently:
# Debian packages (servers of the lab, scanners, Chromium), a virtualenv with the pinned Python
# dependencies, and Allure 3 from npm (pure Node: no Java). Safe to run again; quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES="nginx-light libnginx-mod-http-echo coturn sslscan testssl.sh chromium iproute2 git"

missing=""
for pkg in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "bootstrap: installing Debian packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# Debian starts the packaged daemons; the lab runs its own private copies, so stop the system ones.
for svc in nginx coturn; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" || true
  fi
done

# pip's find-links notices on some machines are noise; errors still fail the pipeline (pipefail).
quiet() { "$@" 2>&1 | { grep -v "^WARNING: Location" || true; }; }

stamp=.venv/.golive-installed
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: installing pinned Python dependencies into .venv"
  quiet .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
  quiet .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi

# npm's own node_modules/.package-lock.json never equals package-lock.json byte for byte, so keep a stamp of the
# lock file installed (npm ci empties node_modules, stamp included): a second bootstrap (.ci/run, then
# selftest.sh) does not reinstall.
npm_stamp=node_modules/.golive-installed
npm_want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -x node_modules/.bin/allure ] || [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_want" ]; then
  echo "bootstrap: installing Allure 3 from npm (package.json; Node only, no Java)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$npm_want" > "$npm_stamp"
fi
