"""The demonstration programme meets the brief: 81 real territories, flagged as a demo."""

from territorial.cartography.geometry import INSET_BOXES

METROPOLITAN = {"11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"}


def test_demo_is_flagged_and_complete(demo) -> None:
    data = demo.territories
    assert demo.is_demo
    assert len(data) == 81 and data.index.is_unique
    assert METROPOLITAN <= set(data["region"])
    assert len(set(data["region"]) & set(INSET_BOXES)) >= 2
    counts = data["segment"].value_counts()
    assert all(counts[s] >= 8 for s in ["S1", "S2", "S3", "S4"])
    kinds = data["type"].value_counts()
    assert kinds["epci"] > 40 and kinds["commune"] >= 1 and kinds["departement"] >= 1
    assert kinds["groupement"] >= 1


def test_demo_names_and_populations_come_from_the_reference(demo, reference) -> None:
    data = demo.territories
    epci = data[data["type"] == "epci"]
    assert (epci["nom"] == reference.epci.loc[epci.index, "nom"]).all()
    assert (epci["population"] == reference.epci.loc[epci.index, "population"]).all()


def test_demo_levels_show_a_size_effect(demo) -> None:
    means = demo.territories.groupby("segment")[demo.lever_ids].mean()
    # Data and finance levers rise with size; cooperation is what small territories use most.
    assert means.at["S4", "L2"] > means.at["S1", "L2"]
    assert means.at["S4", "L3"] > means.at["S1", "L3"]
    assert means.loc["S1"].idxmax() == "L4"
