"""How maps colour territories: by segment, by number of levers, by one lever's level (ordinal
palette), with the legend's labels.
"""

from __future__ import annotations

import pandas as pd

from territorial.core import palette
from territorial.core.fmt import plural
from territorial.model.definition import ProgrammeDefinition
from territorial.model.programme import Programme

COLOUR_SEGMENT = "segment"
COLOUR_COUNT = "n_actives"


def colour_modes(programme: Programme) -> dict[str, str]:
    """Colouring choices offered on maps: key → French label."""
    modes = {COLOUR_SEGMENT: "Segment de taille"}
    for lever in programme.definition.levers:
        modes[lever.id] = f"Levier {lever.id} – {lever.label} (niveau)"
    modes[COLOUR_COUNT] = "Nombre de leviers activés"
    return modes


def colouring(programme: Programme, data: pd.DataFrame, mode: str) -> tuple[pd.Series, list[tuple[str, str]], str]:
    """Fill colour per territory, legend items (colour, label with count) and legend title."""
    definition = programme.definition
    if mode == COLOUR_SEGMENT:
        colours = data["segment"].map({s.id: s.colour for s in definition.segments})
        counts = data["segment"].value_counts()
        legend = [(s.colour, f"{s.label} ({s.bounds_label}) : {counts.get(s.id, 0)}") for s in definition.segments]
        return colours, legend, "Segment de taille"
    if mode == COLOUR_COUNT:
        n = len(definition.levers)
        colours_by_count = _ordinal(n + 1)
        colours = data["n_actives"].map(lambda k: colours_by_count[int(k)])
        counts = data["n_actives"].value_counts()
        legend = [
            (colours_by_count[k], f"{plural(k, 'levier activé', 'leviers activés')} : {counts.get(k, 0)}")
            for k in range(n + 1)
        ]
        return colours, legend, "Nombre de leviers activés"
    lever = definition.lever(mode)
    values = [lv.value for lv in definition.levels]
    colours_by_level = dict(zip(values, _ordinal(len(values)), strict=True))
    colours = data[lever.id].map(colours_by_level)
    counts = data[lever.id].value_counts()
    legend = [
        (colours_by_level[lv.value], f"{lv.value} – {lv.label} : {counts.get(lv.value, 0)}") for lv in definition.levels
    ]
    return colours, legend, f"{lever.label} : niveau d'activation"


def _ordinal(n: int) -> list[str]:
    """``n`` colours of the ordinal palette, from light to dark."""
    if n <= len(palette.ORDINAL):
        step = (len(palette.ORDINAL) - 1) / max(n - 1, 1)
        return [palette.ORDINAL[round(i * step)] for i in range(n)]
    return [palette.ORDINAL[min(i, len(palette.ORDINAL) - 1)] for i in range(n)]


def level_palette(definition: ProgrammeDefinition) -> dict[int, str]:
    """Colour of each activation level (the maps' ordinal palette), by level value."""
    values = [lv.value for lv in definition.levels]
    return dict(zip(values, _ordinal(len(values)), strict=True))
