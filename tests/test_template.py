"""The template of a programme file: columns from the definition, real example territories that
import as they are, an « Instructions » sheet in French."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from territorial.model.programme import resolve
from territorial.model.programme_file import load_programme_file
from territorial.takeaways.exports import to_csv
from territorial.takeaways.template import instructions, template_csv, template_frame, template_xlsx


def test_the_template_has_the_programme_columns_and_one_example_per_kind(definition):
    frame = template_frame(definition)
    assert list(frame.columns) == [
        "code", "type", "nom", "departement", "membres", "segment", "L1", "L2", "L3", "L4",
        "date_dialogue", "etape", "notes", "contact",
    ]  # fmt: skip
    assert frame["type"].tolist() == ["commune", "epci", "departement", "region", "groupement", ""]
    by_name = frame.iloc[-1]
    assert (by_name["code"], by_name["nom"], by_name["departement"]) == ("", "Ville de Valence", "26")


def test_the_coded_examples_import_as_they_are(definition, reference):
    coded = template_frame(definition).iloc[:-1]
    table = load_programme_file(to_csv(coded), filename="modele.csv", definition=definition, reference=reference)
    programme = resolve(table, reference=reference, definition=definition)
    data = programme.territories
    assert data["nom"].tolist() == [
        "Le Havre",
        "Communauté d'agglomération Lunel Agglo",
        "Gironde",
        "Bretagne",
        "PETR du Pays de Langres",
    ]
    assert data.at["53", "segment"] == "S3" and bool(data.at["53", "segment_attribue"])
    assert data.at["PETR-LANGRES", "population"] > 30_000  # three intercommunalités of the Haute-Marne


def test_the_workbook_says_what_each_column_takes(definition):
    book = load_workbook(io.BytesIO(template_xlsx(definition)))
    assert book.sheetnames == ["Programme", "Instructions"]
    rows = list(book["Instructions"].values)
    assert rows[0] == ("Colonne", "Obligatoire", "Ce qu'elle contient")
    described = {row[0]: row[2] for row in rows[1:] if row[0]}
    assert set(described) == set(template_frame(definition).columns)
    assert "Compétences & ingénierie" in described["L1"] and "3 (structurant)" in described["L1"]
    assert "S4 (Métropoles et très grands territoires)" in described["segment"]
    assert len(instructions(definition)) == len(described) + 1  # and a closing word on the examples


def test_the_csv_opens_in_french_excel(definition):
    data = template_csv(definition)
    assert data.startswith(b"\xef\xbb\xbfcode;type;nom;departement;")


def test_the_row_by_name_is_found_with_its_departement(definition, reference):
    """The template's last row names its territory only: the review finds it, sure of it."""
    from territorial.model.names import CERTAIN, NameIndex
    from territorial.model.names_file import read_names_file

    found = read_names_file(template_csv(definition), filename="modele.csv", sheet=None, index=NameIndex(reference))
    assert found is not None and found.review == [5]  # the five coded rows are kept as they are
    match = found.matches[5]
    assert match.status == CERTAIN and match.candidates[0].key == "commune:26362"  # Valence, Drôme
