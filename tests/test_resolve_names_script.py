"""scripts/resolve_names.py: one output row per input row, the input's columns then the result's."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "resolve_names.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def read(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"))


def test_names_are_resolved_in_order_with_their_status_and_candidates(tmp_path):
    source = tmp_path / "entree.csv"
    source.write_text(
        "nom,departement,remarque\n"
        "Saint-Denis,974,a\n"
        "Vienne,,b\n"
        "Havre (Le),,c\n"
        "PETR du Pays de Langres,,d\n"
        "Bordaux,,e\n"
        "243300316,,f\n",
        encoding="utf-8",
    )
    result = run(str(source), "-o", str(tmp_path / "sortie.csv"))
    assert result.returncode == 0, result.stderr
    assert "6 ligne(s) : 3 certaine(s), 2 ambiguë(s), 1 introuvable(s)" in result.stdout
    rows = read(tmp_path / "sortie.csv")
    assert rows[0] == ["nom", "departement", "remarque", "code", "type", "nom_officiel", "statut", "candidats"]
    assert rows[1] == ["Saint-Denis", "974", "a", "97411", "commune", "Saint-Denis", "certain", "commune:97411"]
    assert rows[2] == ["Vienne", "", "b", "", "", "", "ambigu", "departement:86 commune:38544"]
    assert rows[3][3:7] == ["76351", "commune", "Le Havre", "certain"]
    assert rows[4][3:] == ["", "", "", "introuvable", ""]
    assert rows[5][6] == "ambigu" and "commune:33063" in rows[5][7].split()
    assert rows[6][3:7] == ["243300316", "epci", "Bordeaux Métropole", "certain"]


def test_an_input_type_column_keeps_its_place_and_is_filled(tmp_path):
    source = tmp_path / "entree.csv"
    source.write_text("type;nom\ncommune;Mayenne\n;Département de la Mayenne\n;Valence\n", encoding="utf-8")
    assert run(str(source), "-o", str(tmp_path / "sortie.csv")).returncode == 0
    rows = read(tmp_path / "sortie.csv")
    assert rows[0] == ["type", "nom", "code", "nom_officiel", "statut", "candidats"]
    assert [r[:3] for r in rows[1:]] == [
        ["commune", "Mayenne", "53147"],
        ["departement", "Département de la Mayenne", "53"],
        ["", "Valence", ""],
    ]


def test_a_file_without_a_name_column_is_refused_in_french(tmp_path):
    source = tmp_path / "entree.csv"
    source.write_text("ville;x\nLyon;1\n", encoding="utf-8")
    result = run(str(source), "-o", str(tmp_path / "sortie.csv"))
    assert result.returncode == 2
    assert "Colonne « nom » introuvable dans « entree.csv » (colonnes lues : « ville », « x »)" in result.stderr
    assert not (tmp_path / "sortie.csv").exists()


def test_help_says_what_the_columns_hold():
    result = run("--help")
    assert result.returncode == 0
    assert "certain (un seul territoire possible), ambigu" in result.stdout
    assert "garde sa place et son nom" in result.stdout
