"""Cached access to the reference, the definition and the current programme.

Everything that does not change between reruns is computed once per process and
shared by every session (``st.cache_resource``): the reference geography, the
definition, the current programme and its display geometry.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from territorial.definition import ProgrammeDefinition, load_definition
from territorial.geometry import inset_frames, outline_lines, with_insets
from territorial.programme import Programme, resolve
from territorial.programme_file import load_programme_file
from territorial.reference import Reference, is_cached, load_reference

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_programme.csv"


@st.cache_resource(show_spinner=False)
def _reference() -> Reference:
    return load_reference()


def reference() -> Reference:
    """The reference geography; the first start builds its cache with a progress bar."""
    if is_cached():
        return _reference()
    with st.status("Première mise en route : préparation du référentiel géographique…",
                   expanded=True) as status:
        bar = st.progress(0.0, text="Démarrage…")
        ref = load_reference(progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg))
        status.update(label="Référentiel géographique prêt.", state="complete", expanded=False)
    _reference.clear()
    return _reference()


@st.cache_resource(show_spinner=False)
def definition() -> ProgrammeDefinition:
    """The programme definition (data/programme.toml)."""
    return load_definition()


@st.cache_resource(show_spinner="Chargement du programme…")
def _demo_programme() -> Programme:
    table = load_programme_file(DEMO_FILE.read_bytes(), filename=DEMO_FILE.name,
                                definition=definition(), reference=_reference())
    return resolve(table, reference=_reference(), definition=definition())


def programme() -> Programme:
    """The programme shown by the dashboard."""
    reference()
    return _demo_programme()


@st.cache_resource(show_spinner=False)
def base_outlines(insets: bool = True) -> dict:
    """Département and région borders as lines, plus overseas inset frames."""
    ref = _reference()
    deps = with_insets(ref.departements) if insets else ref.departements
    regs = with_insets(ref.regions, region_column=None) if insets else ref.regions
    return {
        "departements": outline_lines(deps, tolerance=0.02),
        "regions": outline_lines(regs, tolerance=0.02),
        "insets": inset_frames() if insets else None,
    }
