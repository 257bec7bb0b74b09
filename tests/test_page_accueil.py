"""The overview page, run with AppTest: figures and map show the demo programme."""

import pytest
from streamlit.testing.v1 import AppTest

from territorial.core.fmt import fr_int, fr_pct
from tests.conftest import APP, open_page
from tests.markdown_text import shown


def test_overview_shows_key_figures_and_the_map(folium_recorder, demo) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    metrics = {shown(m.label): m.value for m in at.metric}
    data = demo.territories
    assert metrics["Territoires"] == "81"
    assert metrics["Population couverte"] == f"{fr_int(data['population'].sum())}\u00a0hab."
    for segment in demo.definition.segments:
        assert metrics[segment.label] == str((data["segment"] == segment.id).sum())
    for lever in demo.definition.levers:
        assert metrics[f"{lever.id} – {lever.label}"] == str((data[lever.id] >= 1).sum())
    # The demo notice is visible.
    assert any("Données de démonstration" in w.value for w in at.warning)
    # One shape per territory with geometry, tooltips carrying codes and escaped names.
    features = folium_recorder.features()
    assert len(features) == data.geometry.notna().sum()
    assert {f["properties"]["code"] for f in features} == set(data.index[data.geometry.notna()])
    # The text alternative: a plain HTML table of the 81 territories, names escaped.
    (table,) = [h.value for h in at.html if '<table class="tableau-territoires"' in h.value]
    assert table.count("<tr>") == len(data) + 1  # header + one row per territory
    assert '<th scope="col">Population 2023 (Mayotte : 2017)</th>' in table
    lyon = data.loc["200046977"]
    assert f'<th scope="row">{lyon["nom"]}</th><td>Métropole</td>' in table
    assert f'<td class="nombre">{fr_int(lyon["population"])}</td>' in table
    # The segment × lever heat map: an HTML table (no chart code before the map), 16 shares.
    assert not [e for e in at.main if "vega-lite" in getattr(getattr(e, "proto", None), "spec", "")]
    (heat,) = [h.value for h in at.html if 'class="matrice-leviers"' in h.value]
    assert heat.count("<td style=") == 16
    s1 = data[data["segment"] == "S1"]
    assert f">{fr_pct((s1['L1'] >= 1).mean())}</td>" in heat
    # Credits are shown.
    assert any("IGN – ADMIN EXPRESS" in c.value for c in at.caption)


def test_an_unexpected_error_is_told_in_french_and_logged(folium_recorder, monkeypatch, caplog) -> None:
    """Visitors read a French message (no traceback, no server path); the log has the details."""
    from territorial.ui import cached_views
    from territorial.ui.layout import ENV_RAISE, UNEXPECTED_ERROR

    def broken(*args, **kwargs):
        raise RuntimeError("Fichier introuvable : /srv/secret/programme.sqlite")

    monkeypatch.delenv(ENV_RAISE)
    monkeypatch.setattr(cached_views, "key_figures", broken)
    at = AppTest.from_file(APP, default_timeout=120).run()

    assert not at.exception
    assert [e.value for e in at.error] == [UNEXPECTED_ERROR]
    assert not any("/srv/secret" in str(getattr(e, "value", "")) for e in at.main)
    assert any(shown(c.value).startswith("Sources : ") for c in at.caption)  # the credits still follow
    failure = next(r for r in caplog.records if r.getMessage().startswith("Erreur inattendue"))
    assert failure.exc_info and "/srv/secret/programme.sqlite" in str(failure.exc_info[1])


def test_tests_see_the_exception_itself(folium_recorder, monkeypatch) -> None:
    """With TERRITORIAL_RAISE_ERRORS (set for the tests), the error is not turned into a message."""
    from territorial.ui import cached_views
    from territorial.ui.layout import UNEXPECTED_ERROR

    monkeypatch.setattr(cached_views, "key_figures", lambda *a, **k: 1 / 0)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert len(at.exception) == 1  # Streamlit's own (English, redacted) message: what visitors no longer see
    assert UNEXPECTED_ERROR not in [e.value for e in at.error]


def test_the_router_and_the_page_read_the_store_once_per_run(folium_recorder, monkeypatch) -> None:
    """One query for the current version per page view: the page shows what the router read."""
    from territorial.storage.store import Store
    from territorial.ui import data

    reads = []
    current_id = Store.current_id
    monkeypatch.setattr(Store, "current_id", lambda self: reads.append(1) or current_id(self))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert len(reads) == 1
    at.run()
    assert len(reads) == 2  # and again at the next run: a version saved elsewhere is seen
    assert data.THIS_RUN not in at.session_state  # dropped when the run ends (callbacks read the store)


@pytest.mark.parametrize("page", ["pages/donnees.py", "pages/historique.py"])
def test_donnees_and_historique_read_the_store_once_per_run_too(page, monkeypatch) -> None:
    """The router's read is the only one, on the pages of the data too (issue 26.2)."""
    from territorial.storage.store import Store

    reads = []
    current_id = Store.current_id
    monkeypatch.setattr(Store, "current_id", lambda self: reads.append(1) or current_id(self))
    at = open_page(page)
    assert not at.exception
    assert len(reads) == 1
    assert at.title[0].value in ("Données du programme", "Historique des versions")
