"""Where the dashboard is published: the path under which it is served (``server.baseUrlPath``)."""

from __future__ import annotations

import streamlit as st


def base_path() -> str:
    """``/territoires`` when the dashboard is published under a path (``server.baseUrlPath``), else ``""``."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""
