"""How maps colour territories: by segment, by number of levers, by one lever's level (ordinal
palette), with the legend's labels.
"""

from __future__ import annotations

import pandas as pd

from territorial.content.dialogues import not_assessed_label
from territorial.content.follow_up import status_colouring
from territorial.core import palette
from territorial.core.fmt import plural
from territorial.model.definition import ProgrammeDefinition
from territorial.model.programme import Programme

COLOUR_SEGMENT = "segment"
COLOUR_COUNT = "n_actives"
COLOUR_PROGRESSION = "progression"
COLOUR_FOLLOW_UP = "suivi"  # by the follow-up's status (territorial.content.follow_up)
#: The fill of a territory not yet assessed at the day shown, whatever the colouring (hatched on maps).
NOT_ASSESSED_FILL = palette.NOT_ASSESSED


def colour_modes(programme: Programme) -> dict[str, str]:
    """Colouring choices offered on maps: key → French label."""
    modes = {COLOUR_SEGMENT: "Segment de taille"}
    for lever in programme.definition.levers:
        modes[lever.id] = f"Levier {lever.id} – {lever.label} (niveau)"
    modes[COLOUR_COUNT] = "Nombre de leviers activés"
    modes[COLOUR_PROGRESSION] = "Progression depuis le premier dialogue (leviers gagnés)"
    modes[COLOUR_FOLLOW_UP] = "Statut du suivi (prochain dialogue)"
    return modes


def colouring(programme: Programme, data: pd.DataFrame, mode: str) -> tuple[pd.Series, list[tuple[str, str]], str]:
    """Fill colour per territory, legend items (colour, label with count) and legend title.

    Whatever the colouring, a territory not yet assessed at the programme's date has
    ``NOT_ASSESSED_FILL``, with its own legend entry and count (the other entries count only
    the territories drawn in their colour).
    """
    definition = programme.definition
    if mode == COLOUR_SEGMENT:
        assessed = data["evalue"].astype(bool)
        colours = data["segment"].map({s.id: s.colour for s in definition.segments}).where(assessed, NOT_ASSESSED_FILL)
        counts = data.loc[assessed, "segment"].value_counts()
        legend = [(s.colour, f"{s.label} ({s.bounds_label}) : {counts.get(s.id, 0)}") for s in definition.segments]
        missing = int((~assessed).sum())
        if missing:
            legend.append((NOT_ASSESSED_FILL, f"{not_assessed_label(programme)} : {missing}"))
        return colours, legend, "Segment de taille"
    if mode == COLOUR_COUNT:
        n = len(definition.levers)
        scale = dict(zip(range(n + 1), _ordinal(n + 1), strict=True))
        labels = {k: plural(k, "levier activé", "leviers activés") for k in scale}
        colours, legend = _scale(data, "n_actives", scale, labels, programme)
        return colours, legend, "Nombre de leviers activés"
    if mode == COLOUR_PROGRESSION:
        colours, legend = _progression(programme, data)
        return colours, legend, "Leviers gagnés depuis le premier dialogue"
    if mode == COLOUR_FOLLOW_UP:
        return status_colouring(programme, data)
    lever = definition.lever(mode)
    values = [lv.value for lv in definition.levels]
    scale = dict(zip(values, _ordinal(len(values)), strict=True))
    labels = {lv.value: f"{lv.value} – {lv.label}" for lv in definition.levels}
    colours, legend = _scale(data, lever.id, scale, labels, programme)
    return colours, legend, f"{lever.label} : niveau d'activation"


def _scale(
    data: pd.DataFrame, column: str, scale: dict[int, str], labels: dict[int, str], programme: Programme
) -> tuple[pd.Series, list[tuple[str, str]]]:
    """Colours of an ordinal column, grey where not assessed; legend « label : count »."""
    values = data[column]
    colours = values.map(lambda v: NOT_ASSESSED_FILL if pd.isna(v) else scale[int(v)])
    counts = values.value_counts()
    legend = [(colour, f"{labels[value]} : {counts.get(value, 0)}") for value, colour in scale.items()]
    missing = int(values.isna().sum())
    if missing:
        legend.append((NOT_ASSESSED_FILL, f"{not_assessed_label(programme)} : {missing}"))
    return colours, legend


def _progression(programme: Programme, data: pd.DataFrame) -> tuple[pd.Series, list[tuple[str, str]]]:
    """Net levers gained since the first dialogue: lost (warm), none, gained (ordinal blues)."""
    n = len(programme.definition.levers)
    gains = _ordinal(n + 1)
    scale = {-1: palette.SELECTED, 0: gains[0], **{k: gains[k] for k in range(1, n + 1)}}
    labels = {-1: "En recul (leviers perdus)", 0: "Aucun levier gagné"}
    labels.update({k: f"+{plural(k, 'levier gagné', 'leviers gagnés')}" for k in range(1, n + 1)})
    clipped = data["progression"].clip(lower=-1)
    return _scale(data.assign(progression=clipped), "progression", scale, labels, programme)


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
