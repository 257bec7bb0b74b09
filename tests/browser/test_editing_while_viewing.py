"""Editing while others view: viewers loading the overview while a coordinator saves versions.

Runs the load script as a user would (``bench/load.py --edit``): its own server on a
fresh data directory, a few real Chromium viewers at once, and an editor saving a new
version (one territory fewer each) every 2 seconds meanwhile.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ARTIFACTS, REPO_ROOT

VIEWERS = 4
VERSIONS = 3
INTERVAL = "2"  # versions at 0.2, 2.2 and 4.2 s: while the viewers load (about 8 s)


def test_viewers_get_whole_pages_while_versions_are_saved(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # No speed target here (timings are the benchmark's business): a generous p95.
    run = subprocess.run(
        [
            sys.executable,
            "bench/load.py",
            "-n",
            str(VIEWERS),
            "--edit",
            str(VERSIONS),
            "--edit-interval",
            INTERVAL,
            "--target-p95",
            "170",
            "--timeout",
            "170",
            "--json",
            str(out),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (ARTIFACTS / "load-edit.log").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["summary"]["served"] == VIEWERS and result["summary"]["errors"] == 0
    edit = result["edit"]
    assert [v["territories"] for v in edit["saved"]] == [80, 79, 78]  # the demo's 81, minus one a version
    assert edit["problems"] == []
    # Each viewer drew a whole map of one of the versions; a later viewer sees the last one.
    assert all(78 <= r["shapes"] <= 81 and r["ok"] for r in result["results"])
    assert [(r["shapes"], r["ok"]) for r in edit["after"]] == [(78, True)]
    assert "modification pendant la visite : OK" in run.stdout
