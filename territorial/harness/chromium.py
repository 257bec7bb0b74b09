"""How the project drives Debian's Chromium (browser tests, bench/, scripts/screenshot.py)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

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


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (or is inline: ``data:``, ``blob:``, ``about:``)."""
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS


def local_only(blocked: list[str]):
    """A route handler (Playwright's sync API) that lets only :func:`is_local` requests through
    and notes the others in ``blocked``: nothing may leave the machine."""

    def guard(route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    return guard
