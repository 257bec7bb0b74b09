"""Territories by name (territorial/model/names.py): every rule on real names of the reference."""

from __future__ import annotations

import pandas as pd
import pytest

from territorial.model.names import AMBIGUOUS, CERTAIN, NOT_FOUND, NameIndex, find_columns, match_frame, normalise


@pytest.fixture(scope="module")
def index(reference) -> NameIndex:
    return NameIndex(reference)


def keys(match) -> list[str]:
    return [c.key for c in match.candidates]


def certain(index: NameIndex, written: str, **cues: str) -> str:
    match = index.match(written, **cues)
    assert match.status == CERTAIN, (written, match)
    return match.chosen.key


def test_normalise_folds_accents_case_hyphens_and_saint() -> None:
    assert normalise("St-Étienne-du-Rouvray") == "saint etienne du rouvray"
    assert normalise("STE  MAXIME") == "sainte maxime"
    assert normalise("Cœur d'Ostrevent") == "coeur d ostrevent"


def test_saint_denis_is_four_communes_and_the_departement_decides(index: NameIndex) -> None:
    match = index.match("Saint-Denis")
    assert match.status == AMBIGUOUS
    # the four communes called exactly so, largest first, with what a person needs to choose
    assert keys(match) == ["commune:97411", "commune:93066", "commune:11339", "commune:30247"]
    first = match.candidates[0]
    assert (first.departement_name, first.year) == ("La Réunion", "2023") and first.population > 150_000
    assert "précisez le département" in match.reason
    assert certain(index, "Saint-Denis (974)") == "commune:97411"
    assert certain(index, "Saint-Denis (93)") == "commune:93066"
    assert certain(index, "st denis", departement="11") == "commune:11339"
    assert certain(index, "Saint-Denis (Gard)") == "commune:30247"


def test_saint_pierre_valence_montreuil_are_homonyms_until_a_departement(index: NameIndex) -> None:
    saint_pierre = index.match("Saint-Pierre")
    assert saint_pierre.status == AMBIGUOUS and len(saint_pierre.candidates) == 8
    assert certain(index, "Saint-Pierre (974)") == "commune:97416"
    assert index.match("Valence").status == AMBIGUOUS
    assert keys(index.match("Valence")) == ["commune:26362", "commune:82186", "commune:16392"]
    assert certain(index, "Valence (26)") == "commune:26362"
    assert certain(index, "Valence", departement="Drôme") == "commune:26362"
    assert certain(index, "Mairie de Valence (Drôme)") == "commune:26362"
    assert index.match("Montreuil").status == AMBIGUOUS
    assert certain(index, "Montreuil", departement="93") == "commune:93048"


def test_a_commune_and_a_departement_of_one_name_need_a_type(index: NameIndex) -> None:
    for name, dep, commune in (("Vienne", "86", "38544"), ("Mayenne", "53", "53147")):
        match = index.match(name)
        assert match.status == AMBIGUOUS
        assert set(keys(match)) == {f"departement:{dep}", f"commune:{commune}"}
        assert "commune et département" in match.reason
        assert certain(index, name, kind="commune") == f"commune:{commune}"
        assert certain(index, name, kind="département") == f"departement:{dep}"
        assert certain(index, f"Ville de {name}") == f"commune:{commune}"
    assert certain(index, "Département de la Vienne") == "departement:86"
    assert certain(index, "Conseil départemental de la Mayenne") == "departement:53"


def test_inverted_article_and_prefix_words_for_communes(index: NameIndex) -> None:
    for written in ("Havre (Le)", "Ville du Havre", "LE HAVRE", "le havre", "Commune du Havre", "Havre (Le) (76)"):
        assert certain(index, written) == "commune:76351", written
    assert certain(index, "Isle-Adam (L')") == "commune:95313"
    assert certain(index, "Mairie des Lilas") == "commune:93045"
    assert certain(index, "Ville de La Ciotat") == "commune:13028"
    # two communes are called La Rochelle (Charente-Maritime, Haute-Saône): the larger first
    assert keys(index.match("Ville de La Rochelle")) == ["commune:17300", "commune:70450"]


def test_st_and_ste_and_no_accents(index: NameIndex) -> None:
    assert certain(index, "St-Étienne") == "commune:42218"
    assert certain(index, "ste maxime") == "commune:83115"
    assert certain(index, "SAINT ETIENNE DU ROUVRAY") == "commune:76575"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("CA Pays Basque", "epci:200067106"),
        ("Communauté d'agglomération du Pays Basque", "epci:200067106"),
        ("Métropole de Bordeaux", "epci:243300316"),
        ("Bordeaux Métropole", "epci:243300316"),
        ("Métropole de Lyon", "epci:200046977"),
        ("CU Le Havre Seine Métropole", "epci:200084952"),
        # « Lyon » as written is the commune's official name: it wins over the métropole's name without its kind
        ("Lyon", "commune:69123"),
        ("Département de la Gironde", "departement:33"),
        ("Conseil départemental du Nord", "departement:59"),
        ("Région Bretagne", "region:53"),
        ("Conseil régional de Bretagne", "region:53"),
        ("Région Île-de-France", "region:11"),
        ("Collectivité de Corse", "region:94"),
    ],
)
def test_kind_words_before_or_in_a_name(index: NameIndex, written: str, expected: str) -> None:
    assert certain(index, written) == expected


def test_cc_du_pays_de_lunel_is_only_proposed(index: NameIndex) -> None:
    # the CC became « Lunel Agglo » (a CA): proposed, never accepted alone
    match = index.match("CC du Pays de Lunel")
    assert match.status == AMBIGUOUS and keys(match) == ["epci:243400520"]


def test_a_departement_and_a_region_of_one_name(index: NameIndex) -> None:
    # a département and a région share the name of La Réunion: a word decides
    assert index.match("La Réunion").status == AMBIGUOUS
    assert certain(index, "Région La Réunion") == "region:04"


def test_a_typo_is_proposed_never_accepted(index: NameIndex) -> None:
    match = index.match("Bordaux")
    assert match.status == AMBIGUOUS and "commune:33063" in keys(match)
    assert "proche" in match.reason
    assert index.match("Marseile").status == AMBIGUOUS and keys(index.match("Marseile"))[0] == "commune:13055"
    assert index.match("Région Bretagn").status == AMBIGUOUS


def test_a_name_found_nowhere_is_not_found(index: NameIndex) -> None:
    petr = index.match("PETR du Pays de Langres")
    assert petr.status == NOT_FOUND and not petr.candidates and petr.groupement
    assert index.match("Pays de Test", kind="groupement").groupement
    assert not index.match("Xyzzyville-sur-Plouf").groupement
    assert index.match("Xyzzyville-sur-Plouf").status == NOT_FOUND
    assert index.match("  ").status == NOT_FOUND


def test_codes_in_the_name_column(index: NameIndex) -> None:
    assert certain(index, "243300316") == "epci:243300316"  # SIREN of Bordeaux Métropole
    assert certain(index, "200 046 977") == "epci:200046977"
    assert certain(index, "75056") == "commune:75056"
    assert certain(index, "2A004") == "commune:2A004"
    assert certain(index, "974") == "departement:974"
    eleven = index.match("11")  # Aude and Île-de-France
    assert eleven.status == AMBIGUOUS and set(keys(eleven)) == {"departement:11", "region:11"}
    assert certain(index, "11", kind="region") == "region:11"
    assert index.match("99999").status == NOT_FOUND


def test_a_cue_that_contradicts_or_cannot_be_read_blocks_certainty(index: NameIndex) -> None:
    wrong_dep = index.match("Le Havre", departement="75")
    assert wrong_dep.status == AMBIGUOUS and keys(wrong_dep) == ["commune:76351"]
    assert index.match("Le Havre", departement="Atlantide").status == AMBIGUOUS
    assert index.match("Ville du Havre", kind="region").status != CERTAIN


def test_match_frame_reads_the_name_departement_and_type_columns(index: NameIndex) -> None:
    frame = pd.DataFrame(
        {"Nom": ["Saint-Denis", "Vienne", "Havre (Le)"], "Département": ["974", "", ""], "Type": ["", "dep", ""]}
    )
    assert find_columns(frame.columns) == {"nom": "Nom", "departement": "Département", "type": "Type"}
    matches = match_frame(frame, index)
    assert [m.chosen.key for m in matches] == ["commune:97411", "departement:86", "commune:76351"]


def test_search_finds_names_that_start_like_the_text(index: NameIndex) -> None:
    found = [c.key for c in index.search("lunel")]
    assert found[0] == "commune:34145"  # Lunel itself, then names that start or contain « lunel »
    assert {"commune:34146", "epci:243400520"} <= set(found)
    assert index.search("x") == []


def test_official_names_that_look_like_prefixes_or_brackets_stay_whole(index: NameIndex) -> None:
    # « Ville-aux-Bois » is a name, not « Ville » + « aux Bois »; « (Ville) » is part of Château-Chinon (Ville)
    assert certain(index, "Ville-aux-Bois") == "commune:10411"
    assert certain(index, "Ville-la-Grand") == "commune:74305"
    assert certain(index, "Château-Chinon (Ville)") == "commune:58062"
    assert certain(index, "Région Grand Est") == "region:44"


# --------------------------------------------------------------------------- a file of names


def test_rows_without_a_code_or_with_a_name_in_the_code_column_are_reviewed(index: NameIndex) -> None:
    from territorial.model.names_file import holds_a_name, read_names_file

    assert [holds_a_name(c) for c in ("Le Havre", "LE HAVRE", "200 046 977", "75056", "PETR-LANGRES", "")] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    data = (
        b"code;type;nom;membres;L1;L2;L3;L4\n"
        b"75056;commune;Paris;;1;1;1;1\n"  # a code: the usual validation
        b"Ville du Havre;;;;1;1;1;1\n"  # a name in the code column
        b";;Valence (26);;1;1;1;1\n"  # no code, a name
        b"PETR-LANGRES;groupement;PETR du Pays de Langres;200072999;1;1;1;1\n"  # a groupement with its code
        b";groupement;Pays de Test;200072999 200070332;1;1;1;1\n"  # a groupement to declare
    )
    found = read_names_file(data, filename="f.csv", sheet=None, index=index)
    assert found.review == [1, 2, 4]
    assert [found.matches[p].status for p in found.review] == ["certain", "certain", "introuvable"]
    assert found.members == {4: "200072999 200070332"}
    assert (
        read_names_file(b"code;type;L1;L2;L3;L4\n75056;commune;1;1;1;1\n", filename="f.csv", sheet=None, index=index)
        is None
    )


def test_a_groupements_members_by_name_or_code(index: NameIndex) -> None:
    from territorial.model.names_file import groupement_code, members_of

    members, problems = members_of("CC du Grand Langres\n200070332 200027308\nVienne\nBordaux\nNulle part", index)
    # « Vienne »: a commune and a département, but a member is a commune or an EPCI
    assert [m.key for m in members] == ["epci:200072999", "epci:200070332", "epci:200027308", "commune:38544"]
    assert problems[0].startswith(
        "« Bordaux » : plusieurs territoires possibles — "
        "Bordeaux Métropole (intercommunalité, 33), Bordeaux (commune, 33)"
    )
    assert problems[1] == "« Nulle part » : ni commune ni EPCI de ce nom."
    assert members_of("Gironde", index)[1] == ["« Gironde » : ni commune ni EPCI de ce nom."]
    assert groupement_code("PETR du Pays de Langres") == "PETR-DU-PAYS-DE-LANGRES"


def test_close_names_are_searched_for_a_bounded_number_of_inexact_names(index: NameIndex, monkeypatch) -> None:
    from territorial.model import names

    monkeypatch.setattr(names, "MAX_CLOSE_SEARCHES", 2)
    matches = index.match_all(["Bordaux", "Marseile", "Toulousse", "Bordaux", "Lyon"])
    assert [m.status for m in matches] == [AMBIGUOUS, AMBIGUOUS, NOT_FOUND, AMBIGUOUS, CERTAIN]
    assert "au-delà des 2 premiers noms inexacts" in matches[2].reason
    assert index.match("Toulousse").status == AMBIGUOUS  # one name at a time: always searched
    assert index.match("x" * 301).status == NOT_FOUND
