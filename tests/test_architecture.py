"""The architecture is a contract, not a convention.

The import-linter contracts of pyproject.toml (layers, Streamlit only in ``territorial.ui``,
no application module importing the development harness) hold for the tree, and break
when a forbidden import is added. Pages, benchmarks and tests follow their own rules,
checked here on their syntax trees.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUBPACKAGES = ("core", "model", "editing", "storage", "cartography", "content", "takeaways", "ui", "harness")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter with the repository's contracts on the ``territorial`` found in ``root``."""
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120)


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth of its code (lazy imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def python_files(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "node_modules" not in p.parts)


def test_every_module_of_the_package_lives_in_a_layer():
    flat = sorted(p.name for p in (ROOT / "territorial").glob("*.py") if p.name != "__init__.py")
    assert flat == [], f"modules hors des sous-paquets : {flat}"
    found = sorted(p.name for p in (ROOT / "territorial").iterdir() if (p / "__init__.py").exists())
    assert found == sorted(SUBPACKAGES)


def test_the_tree_keeps_the_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("territorial/model/programme.py", "import territorial.ui.data", "Layers"),
        ("territorial/core/fmt.py", "from territorial.content import levers", "Layers"),
        ("territorial/storage/store.py", "from territorial.cartography import maps", "Layers"),
        ("territorial/content/territory_map.py", "import streamlit", "Only territorial.ui imports Streamlit"),
        ("territorial/takeaways/exports.py", "import streamlit_folium", "Only territorial.ui imports Streamlit"),
        ("territorial/ui/data.py", "from territorial.harness import server", "development harness"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, line, contract):
    shutil.copytree(ROOT / "territorial", tmp_path / "territorial", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # added by the test\n", encoding="utf-8")

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(contract in row for row in broken) or contract in result.stdout.split("Broken contracts")[-1]
    assert "1 broken" in result.stdout or "2 broken" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout  # the report names the importer


def test_pages_import_no_development_tooling():
    for path in [ROOT / "app.py", *python_files("pages")]:
        bad = {name for name in imported_modules(path) if name.split(".")[0] in {"tests", "bench", "scripts"}}
        bad |= {name for name in imported_modules(path) if name.startswith("territorial.harness")}
        assert not bad, f"{path.relative_to(ROOT)} importe {sorted(bad)}"


@pytest.mark.parametrize(("folder", "forbidden"), [("bench", "tests"), ("tests", "bench")])
def test_benchmarks_and_tests_import_the_package_not_each_other(folder, forbidden):
    offenders = {
        str(path.relative_to(ROOT)): sorted(name for name in imported_modules(path) if name.split(".")[0] == forbidden)
        for path in python_files(folder)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def bench_cycles(graph: dict[str, set[str]]) -> list[str]:
    """The modules of ``graph`` (module → modules it imports) that reach themselves again."""

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for name in graph.get(todo.pop(), set()) - seen:
                seen.add(name)
                todo.append(name)
        return seen

    return sorted(name for name in graph if name in reach(name))


def test_bench_cycles_are_found():
    assert bench_cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == ["a", "b"]


def test_benchmarks_import_each_other_without_a_cycle():
    """Shared types live in bench/common.py: no benchmark imports one that imports it back (lazily or not)."""
    graph = {
        path.stem: {name.split(".")[1] for name in imported_modules(path) if name.startswith("bench.")}
        for path in python_files("bench")
    }
    assert bench_cycles(graph) == []


def test_the_package_does_not_import_benchmarks_tests_or_scripts():
    for path in python_files("territorial"):
        bad = {name for name in imported_modules(path) if name.split(".")[0] in {"tests", "bench", "scripts", "pages"}}
        assert not bad, f"{path.relative_to(ROOT)} importe {sorted(bad)}"
