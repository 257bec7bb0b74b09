"""The code's house style is checked by the test command: ruff's lint rules and its formatter
(pyproject.toml), so that CI fails on a change that was not formatted; and deptry, so that it fails
on an import whose package is not declared in requirements*.txt, or a requirement nothing uses."""

from __future__ import annotations

import shutil
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


# Dependencies: every import declared, every declaration used (deptry, [tool.deptry] in pyproject.toml).
#: Tools run as commands, never imported: declared all the same (requirements-dev.txt).
COMMAND_LINE_TOOLS = ("ruff", "import-linter", "grimp", "deptry", "mypy")
#: The tooling's run: tests/, bench/, scripts/ and territorial/harness/ may import runtime and
#: development requirements alike; both files' requirements must be used somewhere.
TOOLING = (
    "--exclude",
    r"^(\.venv|\.cache|\.git|deploy|assets|static|data|var)/|node_modules",
    "--extend-exclude",
    "^$",
    "--optional-dependencies-dev-groups",
    "",
    "--per-rule-ignores",
    "DEP002=" + "|".join(("pyarrow", "pyogrio", "psycopg", "pyproj", *COMMAND_LINE_TOOLS)),
)


def deptry(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "deptry", "--no-ansi", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_application_imports_what_requirements_txt_declares_and_nothing_else():
    result = deptry(".")
    assert result.returncode == 0, "Dépendances (requirements.txt) :\n" + result.stdout + result.stderr


def test_the_tests_and_tools_import_only_declared_requirements():
    result = deptry(".", *TOOLING)
    assert result.returncode == 0, "Dépendances (requirements*.txt) :\n" + result.stdout + result.stderr


def test_the_dependency_check_fails_on_an_undeclared_or_unused_dependency(tmp_path):
    for name in ("pyproject.toml", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "territorial").mkdir()
    (tmp_path / "territorial" / "__init__.py").write_text("import numpy\nimport pandas\nimport websockets\n")
    result = deptry(".", cwd=tmp_path)
    report = result.stdout + result.stderr
    assert result.returncode == 1
    assert "DEP004 'websockets'" in report  # a test dependency imported by the application
    assert "DEP002 'streamlit'" in report  # declared, imported nowhere
    assert "'numpy'" not in report and "'pandas'" not in report
