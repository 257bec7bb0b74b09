"""Streamlit-aware helpers shared by the pages: cached loaders, state, layout.

This is the only part of ``territorial`` allowed to import Streamlit.
"""
