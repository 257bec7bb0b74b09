"""The code's house style is checked by the test command: ruff's lint rules and its formatter
(pyproject.toml), so that CI fails on a change that was not formatted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_lint_rules_pass():
    result = ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted():
    result = ruff("format", "--check", "--no-cache", ".")
    assert result.returncode == 0, "À reformater (ruff format .) :\n" + result.stdout + result.stderr


def test_the_format_check_fails_on_unformatted_code(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("x = {  'a':1 }\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", str(sample)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "sample.py" in result.stdout
