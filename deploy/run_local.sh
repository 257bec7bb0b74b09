#!/usr/bin/env bash
# Le déploiement de deploy/ sur cette machine, pour l'essayer : nginx (deploy/nginx/territoires.conf)
# devant N instances (options de deploy/systemd/territorial@.service), sous /territoires/.
# C'est ce que lancent les tests (tests/browser/test_deploy.py) et bench/run.py.
#   bash deploy/run_local.sh [--instances 2] [--database-url postgresql+psycopg://…]
# Sans --database-url ni TERRITORIAL_DATABASE_URL : la base SQLite de var/, partagée par les instances.
# Demande le paquet Debian nginx (apt-get install nginx libnginx-mod-http-brotli-filter).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
exec "$PYTHON" -m territorial.harness.stack "$@"
