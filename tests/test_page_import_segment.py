"""AppTest of Données with a real programme's spreadsheet: its own segments, a population column,
the template to start from."""

from __future__ import annotations

from tests.test_page_donnees import (  # noqa: F401  (fixtures)
    button,
    current,
    editor_env,
    env,
    login,
    page,
    password_hash,
    run,
    texts,
)

LYON = "200046977"
FILE = (
    "code;type;Segment;Population;L1;L2;L3;L4\n"
    f"{LYON};epci;petits territoires;1 400 000;1;2;3;0\n"
    "04113;commune;;466;0;0;1;1\n"
).encode()


def test_the_template_is_offered_to_everyone(env):  # noqa: F811
    at = run(page())
    labels = [b.label for b in at.get("download_button")]
    assert "Modèle de fichier (XLSX, avec instructions)" in labels
    assert "Modèle de fichier (CSV)" in labels


def test_a_file_with_its_own_segments_and_populations_is_previewed_then_saved(editor_env):  # noqa: F811
    at = login(run(page()))
    at.file_uploader[0].set_value(("programme.csv", FILE, "text/csv"))
    run(at)
    assert texts(at.success)[-1] == "Fichier valide : 2 territoires. Vérifiez l'aperçu, puis confirmez."
    [notes] = [d.value for d in at.dataframe if "Problème" in d.value.columns or "Remarque" in d.value.columns]
    said = " ".join(notes.astype(str).to_numpy().ravel())
    assert "population du fichier (1\u202f400\u202f000) différente de la population officielle utilisée" in said
    assert said.count("différente de la population officielle") == 1  # Marcoux agrees with INSEE
    next(t for t in at.text_input if t.label == "Auteur de la modification").input("Claire")
    button(at, "Enregistrer comme nouvelle version").click()
    run(at)
    assert "Version 2 enregistrée : 2 territoires, 2 dialogues." in texts(at.success)
    assert current().current().table.territories["segment"].tolist() == ["S1", ""]
