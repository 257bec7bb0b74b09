"""Test app: an offline map of 3 synthetic territories over 2 outline shapes.

Run by tests/browser/test_offline_map.py. Its ``static`` folder is a symlink to the
repo's ``assets/`` (Streamlit serves ``<main script dir>/static`` at ``/app/static/``).
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st
from shapely.geometry import box
from streamlit_folium import st_folium

from territorial.cartography import maps

TERRITORIES = gpd.GeoDataFrame(
    {
        "code": ["69123", "200046977", "42218"],
        "nom": ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "Saint-Étienne"],
        "population": ["522 250 hab.", "1 416 545 hab.", "170 049 hab."],
        "couleur": ["#1b9e77", "#d95f02", "#7570b3"],
    },
    geometry=[
        box(4.70, 45.70, 4.85, 45.85),
        box(4.95, 45.65, 5.15, 45.85),
        box(4.30, 45.35, 4.50, 45.50),
    ],
    crs=4326,
)
OUTLINES = gpd.GeoDataFrame(
    {"nom": ["Rhône", "Loire"]},
    geometry=[box(4.6, 45.55, 5.3, 46.1), box(4.0, 45.2, 4.6, 46.1)],
    crs=4326,
)

st.title("Carte hors ligne (test)")
# Published under a path (the benchmark's floor behind nginx, bench/deploy.py): Leaflet is there too.
BASE = "/" + str(st.get_option("server.baseUrlPath") or "").strip("/") if st.get_option("server.baseUrlPath") else ""
m = maps.new_map(
    bounds=tuple(OUTLINES.total_bounds),
    height=500,
    leaflet_js=BASE + maps.LEAFLET_JS_URL,
    leaflet_css=BASE + maps.LEAFLET_CSS_URL,
)
maps.add_outlines(m, OUTLINES, name="Départements")
maps.add_territories(
    m,
    TERRITORIES,
    id_column="code",
    fill_column="couleur",
    tooltip={"nom": "Territoire", "population": "Population"},
    highlight="42218",
)
maps.add_legend(
    m,
    [("#1b9e77", "Petits territoires"), ("#d95f02", "Métropoles et très grands territoires")],
    title="Segment de taille",
)
state = st_folium(
    m,
    returned_objects=["last_object_clicked_tooltip"],
    height=500,
    key="carte",
    use_container_width=True,
)
clicked = (state or {}).get("last_object_clicked_tooltip")
st.text(f"Sélection : {clicked or 'aucune'}")
