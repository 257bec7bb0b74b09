"""The programme definition: defaults, segment bounds, refusal of bad definitions."""

import tomllib

import pytest

from territorial.model.definition import DEFAULT_DEFINITION, DefinitionError, parse_definition


def _raw() -> dict:
    return tomllib.loads(DEFAULT_DEFINITION.read_text(encoding="utf-8"))


def test_defaults(definition) -> None:
    assert definition.segment_ids == ["S1", "S2", "S3", "S4"]
    assert definition.lever_ids == ["L1", "L2", "L3", "L4"]
    assert [lv.label for lv in definition.levels] == ["non activé", "émergent", "engagé", "structurant"]
    assert definition.active_from == 1
    assert definition.lever("L3").label == "Financement & investissement en commun"


@pytest.mark.parametrize(
    ("population", "segment"),
    [
        (0, "S1"),
        (49_999, "S1"),
        (50_000, "S2"),
        (199_999, "S2"),
        (200_000, "S3"),
        (699_999, "S3"),
        (700_000, "S4"),
        (12_000_000, "S4"),
    ],
)
def test_segment_boundaries_are_exact(definition, population: int, segment: str) -> None:
    assert definition.segment_of(population).id == segment


def test_bounds_labels_in_french(definition) -> None:
    labels = [s.bounds_label for s in definition.segments]
    assert labels == [
        "moins de 50\u202f000 hab.",
        "50\u202f000 à 199\u202f999 hab.",
        "200\u202f000 à 699\u202f999 hab.",
        "700\u202f000 hab. et plus",
    ]


def _problems(raw: dict) -> str:
    with pytest.raises(DefinitionError) as err:
        parse_definition(raw)
    return str(err.value)


def test_overlapping_bounds_are_refused() -> None:
    raw = _raw()
    raw["segments"][1]["min"] = 40_000
    assert "les segments S1 et S2 se chevauchent" in _problems(raw)


def test_gapped_bounds_are_refused() -> None:
    raw = _raw()
    raw["segments"][2]["min"] = 250_000
    assert "trou entre les segments S2 (max 200000) et S3 (min 250000)" in _problems(raw)


def test_duplicate_ids_and_bad_colours_are_all_reported() -> None:
    raw = _raw()
    raw["leviers"][1]["id"] = "L1"
    raw["segments"][0]["couleur"] = "bleu"
    message = _problems(raw)
    assert "identifiant de levier en double : L1" in message
    assert "couleur 'bleu' invalide" in message


def test_first_segment_must_start_at_zero_and_last_be_open() -> None:
    raw = _raw()
    raw["segments"][0]["min"] = 10
    raw["segments"][3]["max"] = 10_000_000
    message = _problems(raw)
    assert "doit commencer à 0" in message
    assert "ne doit pas avoir de maximum" in message


def test_the_toml_writer_round_trips(definition):
    from territorial.model.definition_file import definition_data, definition_from_text, render_definition

    assert definition_from_text(render_definition(definition)) == definition
    data = definition_data(definition)
    data["programme"]["nom"] = 'Programme « test » \\ avec "guillemets"'
    data["segments"][1]["description"] = "Deux lignes\net une tabulation\t, fin."
    data["leviers"][2]["libelle"] = "Levier = 3 ; # pas un commentaire"
    data["activation"]["niveaux"][0]["libelle"] = "zéro"
    data["suivi"]["intervalle_mois"] = 6
    changed = parse_definition(data)
    text = render_definition(changed)
    assert text.startswith("# Définition du programme")
    again = definition_from_text(text)
    assert again == changed
    assert again.segments[1].description == "Deux lignes\net une tabulation\t, fin."
    assert again.follow_up_months == 6


def test_a_colour_too_pale_for_the_map_is_refused_naming_the_field(definition):
    from territorial.model.definition_file import definition_data

    data = definition_data(definition)
    data["leviers"][1]["couleur"] = "#ffe680"
    with pytest.raises(DefinitionError) as caught:
        parse_definition(data)
    assert caught.value.problems == [
        "levier n°2 (L2) : couleur #ffe680 trop pâle pour la carte (contraste de 1,24:1 sur le fond blanc, "
        "il en faut au moins 3:1) : choisissez une teinte plus foncée"
    ]
