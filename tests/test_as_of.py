"""Every page shows the programme as of a date taken from its URL (``?au=``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from territorial.content.dialogues import as_of_text, half_year_ends
from tests.conftest import open_page

PAGES = ["pages/accueil.py", "pages/carte.py", "pages/segments.py", "pages/fiche.py", "pages/atelier.py"]


def _texts(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "success") for e in getattr(at, kind)]
    parts += [str(e.value) for e in at.metric] if hasattr(at, "metric") else []
    return "\n".join(str(p) for p in parts)


def test_half_year_ends():
    assert half_year_ends(dt.date(2024, 1, 1), dt.date(2025, 12, 30)) == [
        dt.date(2024, 6, 30),
        dt.date(2024, 12, 31),
        dt.date(2025, 6, 30),
    ]


def test_the_programme_as_of_a_date(demo):
    at = demo.at(dt.date(2024, 6, 30))
    data = at.territories
    first = demo.assessments.groupby("code")["date_dialogue"].min()
    met = set(first[first <= "2024-06-30"].index)
    assert set(data.index[data["evalue"]]) == met and 0 < len(met) < 81
    later = data.loc[~data["evalue"]]
    assert later[demo.lever_ids].isna().all().all() and later["n_actives"].isna().all()
    # an assessed territory has the levels of its latest dialogue up to that day
    code = sorted(met)[0]
    rows = demo.history_of(code)
    expected = rows[rows["date_dialogue"] <= "2024-06-30"].iloc[-1]
    assert data.loc[code, demo.lever_ids].tolist() == expected[demo.lever_ids].tolist()
    assert data.loc[code, "date_dialogue"] == expected["date_dialogue"]
    assert as_of_text(at) == (
        f"Situation au 30 juin 2024 : {len(met)} territoires évalués sur 81 ; "
        f"{81 - len(met)} autres sont « non encore évalués »."
    )
    # as of today every territory is assessed: the same as the latest dialogues
    pd.testing.assert_frame_equal(
        demo.at(dt.date(2026, 11, 30)).territories[demo.lever_ids].astype("int64"), demo.territories[demo.lever_ids]
    )


@pytest.mark.parametrize("page", PAGES)
def test_each_page_at_a_date_from_its_url(page, folium_recorder):
    params = {"au": "2024-06-30"}
    if page in ("pages/fiche.py", "pages/atelier.py"):
        params["territoire"] = "200046977"  # Lyon, first met on 8 April 2024
    at = open_page(page, **params)
    assert not at.exception
    slider = next(s for s in at.select_slider if s.key == "situation_au")
    assert slider.value == dt.date(2024, 6, 30)
    assert at.query_params["au"] == "2024-06-30"
    caption = next(c.value for c in at.sidebar.caption if c.value.startswith("Situation au"))
    assert caption.startswith("Situation au 30 juin 2024 : ") and "non encore évalués" in caption
    assert any(i.value.startswith(caption) for i in at.info)  # said on the page too, not only in the sidebar


def test_a_bad_date_in_the_url_is_told_and_ignored(folium_recorder):
    at = open_page("pages/carte.py", au="2031-01-01")
    assert not at.exception
    assert any("paramètre «\xa0au\xa0»" in w.value and "hors de la période du programme" in w.value for w in at.warning)
    assert next(s for s in at.select_slider if s.key == "situation_au").value is None
    assert "au" not in at.query_params
    assert not [i for i in at.info if i.value.startswith("Situation au")]  # the latest dialogues: no notice
    at = open_page("pages/carte.py", au="30/06/2025")
    assert any("n'est pas une date AAAA-MM-JJ" in w.value for w in at.warning)


def test_maps_grey_the_territories_not_yet_assessed_with_a_legend_entry(demo):
    from territorial.content.colouring import NOT_ASSESSED_FILL, colour_modes, colouring
    from territorial.content.territory_map import map_frame

    early = demo.at(dt.date(2024, 6, 30))
    data = early.territories
    missing = int((~data["evalue"]).sum())
    colours, legend, _ = colouring(early, data, "L2")
    assert (colours[~data["evalue"]] == NOT_ASSESSED_FILL).all()
    assert NOT_ASSESSED_FILL not in set(colours[data["evalue"]])
    assert legend[-1] == (NOT_ASSESSED_FILL, f"Non encore évalué au 30 juin 2024 : {missing}")
    # counts of the levels are those of the assessed territories only (never « 0 » for the others)
    zero = next(label for _, label in legend if label.startswith("0 – "))
    assert zero.endswith(f": {int((data.loc[data['evalue'], 'L2'] == 0).sum())}")
    view = map_frame(early, data, mode="n_actives")
    lyon_texts = view.shapes.set_index("code").loc["200054781", "leviers_txt"]  # Paris, first met later
    assert data.loc["200054781", "evalue"] == (lyon_texts != "Non encore évalué au 30 juin 2024")
    # by segment too (the default colouring), a territory not yet assessed does not look assessed:
    # same fill and legend entry, and each segment counts only the territories drawn in its colour
    colours, legend, _ = colouring(early, data, "segment")
    assert (colours[~data["evalue"]] == NOT_ASSESSED_FILL).all()
    assert NOT_ASSESSED_FILL not in set(colours[data["evalue"]])
    assert legend[-1] == (NOT_ASSESSED_FILL, f"Non encore évalué au 30 juin 2024 : {missing}")
    for segment, (colour, label) in zip(early.definition.segments, legend, strict=False):
        assert colour == segment.colour
        assert label.endswith(f" : {int((data.loc[data['evalue'], 'segment'] == segment.id).sum())}")
    # every colouring, the same fill and the same count
    for mode in colour_modes(early):
        colours, legend, _ = colouring(early, data, mode)
        assert (colours[~data["evalue"]] == NOT_ASSESSED_FILL).all(), mode
        assert legend[-1][1].endswith(f" : {missing}"), mode
    # the two greys of a map, « non activé » and « non encore évalué », are told apart (3:1 at least)
    from territorial.content.colouring import level_palette
    from territorial.content.contrast import contrast_ratio

    assert contrast_ratio(level_palette(early.definition)[0], NOT_ASSESSED_FILL) >= 3.0


def test_progression_colouring(demo):
    from territorial.content.colouring import colouring

    data = demo.territories
    first = demo.assessments.groupby("code").head(1).set_index("code")["n_actives"]
    assert (data["progression"] == data["n_actives"] - first.reindex(data.index)).all()
    colours, legend, title = colouring(demo, data, "progression")
    assert title == "Leviers gagnés depuis le premier dialogue"
    gained = int((data["progression"] == 1).sum())
    assert f"+1 levier gagné : {gained}" in [label for _, label in legend]
    lost = int((data["progression"] < 0).sum())
    assert legend[0][1] == f"En recul (leviers perdus) : {lost}"


def test_lever_statistics_count_only_the_assessed_territories(demo):
    from territorial.content.levers import key_figures, segment_lever_matrix

    early = demo.at(dt.date(2024, 6, 30))
    assessed = early.territories[early.territories["evalue"]]
    matrix = segment_lever_matrix(early)
    s1 = matrix[(matrix["segment"] == "S1") & (matrix["lever"] == "L4")].iloc[0]
    members = assessed[assessed["segment"] == "S1"]
    assert s1["n"] == len(members)
    assert s1["n_actives"] == int((members["L4"] >= demo.definition.active_from).sum())
    figures = key_figures(early)
    assert (figures.n, figures.n_assessed) == (81, len(assessed))
    assert figures.per_lever["L1"] == int((assessed["L1"] >= demo.definition.active_from).sum())


def test_times_are_shown_in_paris_time_and_dates_in_french():
    from territorial.core.fmt import fr_date, fr_datetime

    winter = dt.datetime(2026, 12, 2, 3, 27, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 1, 22, 5, tzinfo=dt.UTC)
    assert fr_datetime(winter) == "2 décembre 2026 à 4 h 27"
    assert fr_datetime(summer) == "2 juillet 2026 à 0 h 05"  # UTC+2, the next day in Paris
    assert fr_date("2025-03-15") == "15 mars 2025"


def test_the_history_shows_paris_time(tmp_path, monkeypatch):
    monkeypatch.setenv("TERRITORIAL_DATA_DIR", str(tmp_path))
    at = open_page("pages/historique.py")
    assert not at.exception
    caption = next(m.value for m in at.markdown if m.value.startswith("Version **1** du "))
    assert "(heure de Paris)" in caption and "UTC" not in caption
    assert str(at.dataframe[0].value["Date"].dt.tz) == "Europe/Paris"
