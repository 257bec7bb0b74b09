"""AppTest of the review of a file of names on « Données » (import tab): every row by name shown
with the territory proposed and how sure; candidates, search and groupement to settle the others;
nothing validated nor saved before every row is settled; then the usual preview and a new version."""

from __future__ import annotations

from territorial.core.fmt import escape_markdown
from territorial.model.names import NameIndex
from territorial.model.names_file import read_names_file
from territorial.takeaways.exports import to_csv
from territorial.ui import importer
from tests import test_page_donnees as donnees
from tests.test_page_donnees import button, current, login, page, run, texts

# the page's fixtures: an empty store, the editor password set
env, editor_env, password_hash = donnees.env, donnees.editor_env, donnees.password_hash

NAMES = (
    "nom;L1;L2;L3;L4;notes\n"
    "Saint-Denis (974);1;1;1;1;\n"
    "Vienne;0;1;2;3;\n"
    "PETR du Pays de Langres;1;0;0;1;\n"
    "Bordaux;2;2;2;2;\n"
    "Ville du Havre;1;1;0;0;\n"
    "<b>Nulle part</b>;0;0;0;1;à supprimer ?\n"
).encode()


def review_table(at):
    [table] = [d.value for d in at.dataframe if "Nom écrit" in d.value.columns]
    return table


def selectbox(at, label: str):
    return next(s for s in at.selectbox if s.label == label)


def test_a_file_of_names_is_reviewed_then_validated_then_saved(editor_env, reference):
    at = login(run(page()))
    at.file_uploader[0].set_value(("noms.csv", NAMES, "text/csv"))
    run(at)
    assert texts(at.info)[0].startswith(
        "Territoires donnés par leur nom : 6 lignes à rapprocher du référentiel — 2 sûre(s), 4 à régler."
    )
    table = review_table(at)
    assert table["Ligne"].tolist() == [2, 3, 4, 5, 6, 7]
    assert table["Nom écrit"].tolist()[:2] == ["Saint-Denis (974)", "Vienne"]
    assert table["Sûreté"].tolist() == ["sûr", "à choisir", "introuvable", "à choisir", "sûr", "introuvable"]
    first = table.iloc[0]
    assert (first["Territoire retenu"], first["Type"], first["Département"]) == (
        "Saint-Denis",
        "Commune",
        "La Réunion (974)",
    )
    assert first["Population 2023"] == "155\u202f634\u00a0hab. (2023)"
    assert first["Segment"] == "Territoires intermédiaires"
    assert table.iloc[4]["Territoire retenu"] == "Le Havre"
    # the name from the file is escaped where it is written as Markdown
    assert any(escape_markdown("<b>Nulle part</b>") in m for m in texts(at.markdown))
    # nothing validated nor saved before every row is settled
    assert texts(at.warning)[-1] == "Encore 4 lignes à régler avant la validation du fichier."
    assert not [b for b in at.button if b.label == "Enregistrer comme nouvelle version"]
    assert not [s for s in at.success if s.value.startswith("Fichier valide")]

    # a PETR is a groupement: declared as one from the start, its code made from its name
    assert selectbox(at, "Territoire de la ligne 4").value == "__groupement__"
    assert (
        next(t for t in at.text_input if t.label == "Code du groupement (ligne 4)").value == "PETR-DU-PAYS-DE-LANGRES"
    )
    # an ambiguous row: its candidates, largest first, with département and population
    vienne = selectbox(at, "Territoire de la ligne 3")
    assert vienne.options[:2] == [
        "Vienne — Département (86), 438\u202f897\u00a0hab. (2023)",
        "Vienne — Commune, Isère (38), 31\u202f778\u00a0hab. (2023)",
    ]
    vienne.select("commune:38544")
    # a typo: proposed only; the coordinator searches the reference instead
    selectbox(at, "Territoire de la ligne 5").select("__chercher__")
    # a groupement declared by its members' names
    selectbox(at, "Territoire de la ligne 4").select("__groupement__")
    # the unknown row: a groupement too, with a member that is not found
    selectbox(at, "Territoire de la ligne 7").select("__groupement__")
    run(at)
    next(t for t in at.text_input if t.label == "Chercher par nom (ligne 5)").input("Bordeaux")
    members = next(t for t in at.text_area if t.label.startswith("Membres du groupement (ligne 4)"))
    members.input("CC du Grand Langres\nCC des Savoir-Faire\nCC Auberive Vingeanne et Montsaugeonnais")
    next(t for t in at.text_area if t.label.startswith("Membres du groupement (ligne 7)")).input("Nulle part")
    run(at)
    assert escape_markdown("« Nulle part » : ni commune ni EPCI de ce nom.") in texts(at.warning)
    selectbox(at, "Résultats (ligne 5)").select("commune:33063")
    next(t for t in at.text_area if t.label.startswith("Membres du groupement (ligne 7)")).input("Brest")
    run(at)
    assert current().current_id() == 1

    # every row settled: the usual validation and preview, then the confirmation
    assert texts(at.success)[-1] == "Fichier valide : 6 territoires. Vérifiez l'aperçu, puis confirmez."
    assert review_table(at)["Sûreté"].tolist()[1:4] == [
        "à choisir → choisi",
        "introuvable → choisi",
        "à choisir → choisi",
    ]
    assert "Télécharger le fichier avec les codes (CSV)" in [b.label for b in at.get("download_button")]
    found = at.session_state[importer.PENDING]["names"]
    next(t for t in at.text_input if t.label == "Auteur de la modification").input("Claire")
    button(at, "Enregistrer comme nouvelle version").click()
    run(at)
    assert "Version 2 enregistrée : 6 territoires, 6 dialogues." in texts(at.success)
    rows = current().current().table.territories
    assert rows["code"].tolist() == ["97411", "38544", "PETR-DU-PAYS-DE-LANGRES", "33063", "76351", "B-NULLE-PART-B"]
    assert rows["type"].tolist() == ["commune", "commune", "groupement", "commune", "commune", "groupement"]
    assert rows.loc[2, "membres"] == "200072999 200070332 200027308" and rows.loc[2, "nom"] == "PETR du Pays de Langres"
    assert rows.loc[5, "nom"] == "<b>Nulle part</b>" and rows.loc[5, "notes"] == "à supprimer ?"
    assert found.review == [0, 1, 2, 3, 4, 5]


def test_the_settled_file_reimports_without_a_review(reference, load_csv):
    index = NameIndex(reference)
    found = read_names_file(NAMES, filename="noms.csv", sheet=None, index=index)
    choices = {
        1: index.candidate("commune", "38544"),
        3: index.candidate("commune", "33063"),
    }
    from territorial.model.names_file import Groupement

    choices[2] = Groupement("PETR-LANGRES", ("200072999",))
    choices[5] = Groupement("NULLE-PART", ("29019",))
    settled = to_csv(found.settled(choices))
    assert read_names_file(settled, filename="noms-avec-codes.csv", sheet=None, index=index) is None
    again = load_csv(settled)
    assert again.territories["code"].tolist() == ["97411", "38544", "PETR-LANGRES", "33063", "76351", "NULLE-PART"]


def test_a_file_with_codes_keeps_the_usual_flow(editor_env):
    at = login(run(page()))
    at.file_uploader[0].set_value(
        ("programme.csv", b"code;type;nom;L1;L2;L3;L4\n75056;commune;Paris;1;2;3;0\n", "text/csv")
    )
    run(at)
    assert not [d for d in at.dataframe if "Nom écrit" in d.value.columns]
    assert texts(at.success)[-1] == "Fichier valide : 1 territoire. Vérifiez l'aperçu, puis confirmez."


def test_a_sure_row_can_be_corrected_before_saving(editor_env):
    at = login(run(page()))
    data = "nom;Département;L1;L2;L3;L4\nLyon;;1;1;1;1\nVienne;Isère;0;0;0;0\n".encode()
    at.file_uploader[0].set_value(("noms.csv", data, "text/csv"))
    run(at)
    assert review_table(at)["Sûreté"].tolist() == ["sûr", "sûr"]
    assert any(c.startswith("La colonne « Département » sert à reconnaître les noms") for c in texts(at.caption))
    assert texts(at.success)[-1] == "Fichier valide : 2 territoires. Vérifiez l'aperçu, puis confirmez."
    # « Lyon » is the commune's official name; the coordinator meant the Métropole
    fix = next(m for m in at.multiselect if m.label == "Corriger une ligne sûre")
    assert fix.options == ["Ligne 2 : Lyon → Lyon", "Ligne 3 : Vienne → Vienne"]
    assert fix.placeholder == "Choisir une ou plusieurs lignes…"
    fix.select(0)
    run(at)
    selectbox(at, "Territoire de la ligne 2").select("__chercher__")
    run(at)
    next(t for t in at.text_input if t.label == "Chercher par nom (ligne 2)").input("Métropole de Lyon")
    run(at)
    selectbox(at, "Résultats (ligne 2)").select("epci:200046977")
    run(at)
    table = review_table(at)
    assert (table.loc[0, "Territoire retenu"], table.loc[0, "Sûreté"]) == ("Métropole de Lyon", "sûr → choisi")
    next(t for t in at.text_input if t.label == "Auteur de la modification").input("Claire")
    button(at, "Enregistrer comme nouvelle version").click()
    run(at)
    assert current().current().table.territories["code"].tolist() == ["200046977", "38544"]
