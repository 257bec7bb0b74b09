"""The size effect's exports: the command-line script (run as a subprocess), the CSV and the XLSX."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from territorial.content.size_effect import EXPORT_COLUMNS, size_effect
from territorial.takeaways.size_effect_export import size_effect_csv, size_effect_xlsx
from tests.conftest import DEMO_FILE, ROOT

DAY = dt.date(2025, 6, 30)


def _read(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")


def test_script_writes_one_row_per_lever_and_segment(demo, tmp_path) -> None:
    out = tmp_path / "effet.csv"
    run = subprocess.run(
        [
            sys.executable,
            "scripts/size_effect.py",
            "--programme",
            str(DEMO_FILE),
            "--au",
            DAY.isoformat(),
            "--csv",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    table = _read(out.read_bytes())
    assert list(table.columns) == EXPORT_COLUMNS
    definition = demo.definition
    assert len(table) == len(definition.levers) * len(definition.segments)
    effect = size_effect(demo.at(DAY))
    row = table[(table["levier"] == "L2 – Données & méthodes partagées") & (table["segment"] == "Petits territoires")]
    expected = effect.rows("L2").set_index("segment").loc["S1"]
    assert int(row["n"].iloc[0]) == expected["n"] and int(row["actifs"].iloc[0]) == expected["actifs"]
    assert row[["part", "ic_bas", "ic_haut"]].iloc[0].tolist() == pytest.approx(
        [expected["part"], expected["ic_bas"], expected["ic_haut"]]
    )
    l2 = table[table["levier"].str.startswith("L2")]
    assert l2["p_holm"].nunique() == 1 and l2["p_holm"].iloc[0] == pytest.approx(effect.questions["L2"].p_holm)
    assert l2["v_cramer"].iloc[0] == pytest.approx(effect.questions["L2"].v)
    assert "Le levier « Données & méthodes partagées » est nettement moins activé" in run.stdout


def test_script_refuses_a_bad_date(tmp_path) -> None:
    run = subprocess.run(
        [sys.executable, "scripts/size_effect.py", "--au", "2025-13-01", "--csv", str(tmp_path / "x.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2 and "date attendue au format AAAA-MM-JJ, pas « 2025-13-01 »" in run.stderr
    assert not (tmp_path / "x.csv").exists()


def test_csv_and_xlsx_of_the_demo(demo) -> None:
    effect = size_effect(demo)
    table = _read(size_effect_csv(effect, demo))
    assert table.loc[0, "part"] == pytest.approx(17 / 29)
    book = openpyxl.load_workbook(io.BytesIO(size_effect_xlsx(effect, demo)))
    assert book.sheetnames == ["Parts par segment", "Tests", "Ce que montrent les données", "Méthode"]
    tests = book["Tests"]
    assert [c.value for c in tests[1]][:4] == ["question", "territoires", "segments_testes", "p_valeur"]
    assert tests.cell(row=3, column=4).value == pytest.approx(effect.questions["L2"].p)
    sentences = [c.value for c in book["Ce que montrent les données"]["A"]][1:]
    assert any(s.startswith("Sur « Coopérations & gouvernance territoriale », les écarts") for s in sentences)


def test_script_reads_the_storage_with_its_version_definition(demo, tmp_path, load_csv) -> None:
    """Without --programme: the current version of the storage, named as its own definition says."""
    import os

    from territorial.model.definition_file import render_definition
    from territorial.storage.store import Store, sqlite_url

    renamed = render_definition(demo.definition).replace("Données & méthodes partagées", "Observatoire commun")
    store = Store.open(sqlite_url(tmp_path))
    try:
        table = load_csv(DEMO_FILE.read_bytes(), filename=DEMO_FILE.name)
        store.save(table, author="test", comment="", kind="import", expected_parent=None, definition=renamed)
    finally:
        store.close()
    out = tmp_path / "effet.csv"
    env = {**os.environ, "TERRITORIAL_DATA_DIR": str(tmp_path)}
    env.pop("TERRITORIAL_DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "scripts/size_effect.py", "--csv", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    levers = set(_read(out.read_bytes())["levier"])
    assert "L2 – Observatoire commun" in levers and "L2 – Données & méthodes partagées" not in levers
