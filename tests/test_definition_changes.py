"""What a change of definition does: the fields, the table it must still fit, the segments."""

from __future__ import annotations

import dataclasses

from territorial.content.definition_changes import (
    adapted_table,
    change_summary,
    definition_changes,
    segment_counts,
    segment_moves,
    stale_mentions,
    usage_problems,
)
from territorial.model.definition import parse_definition
from territorial.model.definition_file import definition_data
from territorial.model.programme import resolve


def _changed(definition, change) -> object:
    raw = definition_data(definition)
    change(raw)
    return parse_definition(raw)


def test_every_kind_of_change_is_said_in_french(definition):
    def change(raw):
        raw["segments"][3]["couleur"] = "#222266"
        raw["segments"][0]["description"] = "Nouvelle description"
        raw["leviers"][1]["court"] = "Partager"
        raw["activation"]["niveaux"][3]["libelle"] = "moteur"
        raw["suivi"]["intervalle_mois"] = 6
        raw["leviers"].append({"id": "L5", "libelle": "Sobriété", "couleur": "#555555"})

    changes = definition_changes(definition, _changed(definition, change))
    assert changes == [
        "Segment S1 : description « Moins de 50 000 habitants : communes et petites intercommunalités, "
        "surtout rura… » → « Nouvelle description »",
        "Segment S4 : couleur « #1a1a5e » → « #222266 »",
        "Levier L2 : texte court « Partager données, outils et méthodes entre acteurs. » → « Partager »",
        "Levier L5 ajouté : « Sobriété »",
        "Niveau d'activation 3 : libellé « structurant » → « moteur »",
        "Intervalle entre deux dialogues : 12 → 6 mois",
    ]
    assert definition_changes(definition, definition) == []
    assert change_summary(changes, limit=2).endswith(" ; et 4 autres")


def test_a_lever_still_activated_cannot_be_removed_an_idle_one_can(reference, definition, load_csv):
    without_l4 = _changed(definition, lambda raw: raw["leviers"].pop())
    table = load_csv("code,type,L1,L2,L3,L4\n75056,commune,1,0,2,3\n13055,commune,0,0,0,0\n")
    [problem] = usage_problems(table, definition, without_l4)
    assert problem.startswith("le levier L4 (« Coopérations & gouvernance territoriale ») est retiré, mais 1 ligne(s)")
    idle = load_csv("code,type,L1,L2,L3,L4\n75056,commune,1,0,2,0\n")
    assert usage_problems(idle, definition, without_l4) == []
    adapted = adapted_table(idle, definition, without_l4)
    assert "L4" not in adapted.territories.columns
    assert resolve(adapted, reference=reference, definition=without_l4).lever_ids == ["L1", "L2", "L3"]


def test_a_new_lever_starts_at_the_lowest_level_and_a_used_level_cannot_go(definition, load_csv):
    def add(raw):
        raw["leviers"].append({"id": "L5", "libelle": "Sobriété", "couleur": "#555555"})

    with_l5 = _changed(definition, add)
    table = load_csv("code,type,L1,L2,L3,L4,date_dialogue\n75056,commune,1,0,2,3,2025-01-15\n")
    adapted = adapted_table(table, definition, with_l5)
    assert adapted.territories.columns.tolist()[:8] == ["code", "type", "nom", "membres", "segment", "L1", "L2", "L3"]
    assert adapted.territories[["L4", "L5"]].values.tolist() == [[3, 0]]
    assert adapted.territories["L5"].dtype == "int64"

    two_levels = _changed(definition, lambda raw: raw["activation"].update(niveaux=raw["activation"]["niveaux"][:3]))
    assert usage_problems(table, definition, two_levels) == [
        "le levier L4 a des territoires au niveau 3, que la nouvelle définition ne connaît plus"
    ]


def test_moves_and_counts_compare_two_resolutions(demo, definition):
    def move(raw):
        raw["segments"][1]["min"] = raw["segments"][0]["max"] = 47_000

    after = dataclasses.replace(demo, territories=demo.territories.copy())
    moved = _changed(definition, move)
    after = dataclasses.replace(
        after,
        definition=moved,
        territories=after.territories.assign(segment=[moved.segment_of(p).id for p in after.territories["population"]]),
    )
    moves = segment_moves(demo, after)
    assert moves["Territoire"].tolist() == [
        "Communauté de communes du Pays de Mormal",
        "Communauté de communes Coutances Mer et Bocage",
    ]
    counts = segment_counts(demo, after)
    assert counts["Avant"].tolist() == [29, 26, 16, 10] and counts["Après"].tolist() == [27, 28, 16, 10]


def test_a_description_that_still_cites_a_moved_threshold_is_pointed_out(definition):
    def move(raw):
        raw["segments"][1]["min"] = raw["segments"][0]["max"] = 47_000

    moved = _changed(definition, move)
    assert stale_mentions(definition, moved) == [
        "la description du segment S1 cite encore « 50 000 », un seuil déplacé : à vérifier",
        "la description du segment S2 cite encore « 50 000 », un seuil déplacé : à vérifier",
    ]

    def rewrite(raw):
        move(raw)
        raw["segments"][0]["description"] = "Moins de 47 000 habitants."
        raw["segments"][1]["description"] = "De 47 000 à 199 999 habitants."

    assert stale_mentions(definition, _changed(definition, rewrite)) == []
