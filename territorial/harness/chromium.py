"""How the project drives Debian's Chromium (browser tests, bench/, scripts/screenshot.py)."""

from __future__ import annotations

import os

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
#: Headless as root, and none of Chromium's own connections (this machine has no network).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
#: A map's frame: streamlit-folium's (the clickable Carte map) or st.iframe's, titled « Carte… ».
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"], iframe[title^="Carte"]'
