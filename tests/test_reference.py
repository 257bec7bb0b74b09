"""The reference geography, checked against facts known from IGN/INSEE."""

import shapely

from territorial.model.reference import Reference


def test_layer_sizes(reference: Reference) -> None:
    assert len(reference.communes) == 34875
    assert len(reference.epci) == 1253
    assert len(reference.departements) == 101
    assert len(reference.regions) == 18


def test_known_communes_land_in_the_right_places(reference: Reference) -> None:
    c = reference.communes
    # Abergement-Clémenciat (Ain, Auvergne-Rhône-Alpes), CC de la Dombes.
    assert (c.at["01001", "nom"], c.at["01001", "departement"], c.at["01001", "region"]) == (
        "L'Abergement-Clémenciat",
        "01",
        "84",
    )
    assert reference.epci.at[c.at["01001", "epci"], "nom"] == "Communauté de communes de la Dombes"
    # Ajaccio in Corse-du-Sud (2A), Corse (94), CA du Pays Ajaccien.
    assert (c.at["2A004", "departement"], c.at["2A004", "region"]) == ("2A", "94")
    assert "Ajaccien" in reference.epci.at[c.at["2A004", "epci"], "nom"]
    # Saint-Denis de La Réunion.
    assert (c.at["97411", "departement"], c.at["97411", "region"]) == ("974", "04")
    # Paris is one commune of the Métropole du Grand Paris.
    assert c.at["75056", "epci"] == "200054781"


def test_epci_population_is_the_sum_of_its_communes(reference: Reference) -> None:
    sums = reference.communes.groupby("epci")["population"].sum()
    for siren in ["200054781", "200046977", "200040715", reference.epci.index[500]]:
        assert reference.epci.at[siren, "population"] == sums[siren]
    assert reference.epci.at["200054781", "n_communes"] == 130


def test_departement_and_region_populations_add_up(reference: Reference) -> None:
    total = reference.communes["population"].sum()
    assert reference.departements["population"].sum() == total
    assert reference.regions["population"].sum() == total
    assert reference.departements.at["2B", "region"] == "94"


def test_communes_without_geometry_are_the_known_ones(reference: Reference) -> None:
    missing = set(reference.communes.index[reference.communes["geometrie_manquante"]])
    # The 4 Cantal communes re-created in 2025 (their area is still inside 15141).
    assert missing == {"15031", "15035", "15047", "15171"}
    # The 2025 communes nouvelles got the union of their communes déléguées.
    for code in ["12218", "14581", "49126", "69114"]:
        geom = reference.communes.at[code, "geometry"]
        assert geom is not None and geom.area > 0


def test_geometries_are_valid_polygons(reference: Reference) -> None:
    for layer in ("epci", "departements", "regions"):
        geoms = reference.layer(layer).geometry.to_numpy()
        assert shapely.is_valid(geoms).all(), layer
        assert set(shapely.get_type_id(geoms)) <= {3, 6}, layer  # Polygon, MultiPolygon


def test_dissolved_units_have_no_gap_holes(reference: Reference) -> None:
    # Holes left by source gaps are filled; a mainland département has no hole
    # except true enclaves (Vaucluse's Enclave des papes is inside the Drôme).
    from territorial.cartography.geometry import bounds_of  # noqa: F401 - import check

    drome = reference.departements.at["26", "geometry"]
    rings = sum(len(p.interiors) for p in getattr(drome, "geoms", [drome]))
    assert rings >= 1  # the Enclave des papes is kept
    ain = reference.departements.at["01", "geometry"]
    assert sum(len(p.interiors) for p in getattr(ain, "geoms", [ain])) == 0


def test_retired_codes_point_to_their_commune(reference: Reference) -> None:
    assert reference.anciennes.at["75101", "parent"] == "75056"
    assert reference.anciennes.at["01039", "parent"] == "01138"
