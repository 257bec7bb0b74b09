"""The dashboard's domain package, in layers (each imports only the layers below it;
the contract is in pyproject.toml and checked by tests/test_architecture.py):

- ``ui``: the only code that imports Streamlit (pages' shared helpers, cached loaders);
- ``takeaways``: what people carry away (CSV/XLSX/GeoJSON exports, PDF fiche, images,
  offline workshop pack);
- ``content``: what the pages show, computed (lever statistics, summaries, views,
  fiche, workshop sequence, charts, HTML tables, contrast checks);
- ``cartography`` and ``storage``, side by side: display geometry and maps (folium,
  static) / the versioned store, in-app editing and the editor role;
- ``model``: the programme's definition, the reference geography and populations, the
  programme file (reading and validation) and the resolved programme;
- ``core``: vocabulary shared by all (formats and safe text, palette, codes, paths).

``harness`` is development tooling (servers and Chromium for tests and benchmarks);
no application module imports it.
"""
