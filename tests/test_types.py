"""The domain package type-checks: mypy over territorial/ ([tool.mypy] in pyproject.toml), zero
errors. Libraries without type information (pandas, geopandas, shapely, openpyxl, reportlab,
streamlit-folium) are taken as Any; the others' own annotations are checked against ours."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mypy", "--no-color-output", "--no-error-summary", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_territorial_type_checks():
    result = mypy()
    assert result.returncode == 0, "Erreurs de types (mypy) :\n" + result.stdout + result.stderr


def test_the_type_check_fails_on_a_wrong_type_and_on_an_ignore_without_its_code(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def size(text: str) -> int:\n    return len(text)\n\n\nsize(3)\nx: str = size('a')  # type: ignore\n",
        encoding="utf-8",
    )
    result = mypy("--config-file", str(ROOT / "pyproject.toml"), str(sample))
    assert result.returncode == 1
    assert "sample.py:5: error:" in result.stdout and "[arg-type]" in result.stdout
    assert "sample.py:6: error:" in result.stdout and "[ignore-without-code]" in result.stdout
