"""How a territory's segment is said: by its population, or set by the programme itself."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from territorial.model.definition import ProgrammeDefinition


def segment_note(row: Mapping, definition: ProgrammeDefinition) -> str:
    """« segment attribué par le programme ; sa population le placerait dans … », or empty.

    ``row`` is a territory of :attr:`Programme.territories` (``segment``,
    ``segment_population``, ``segment_attribue``). Empty for a territory that its
    population places: nothing to say.
    """
    if not bool(row.get("segment_attribue", False)):
        return ""
    if row["segment_population"] == row["segment"]:
        return "segment attribué par le programme (sa population le place aussi dans ce segment)"
    by_population = definition.segment(str(row["segment_population"]))
    return f"segment attribué par le programme ; sa population le placerait dans « {by_population.label} »"


def segment_labels(data: pd.DataFrame, definition: ProgrammeDefinition) -> pd.Series:
    """Each territory's segment label, with « (attribué par le programme) » where the programme set it."""
    labels = data["segment"].map({s.id: s.label for s in definition.segments})
    return labels.where(~data["segment_attribue"].astype(bool), labels + " (attribué par le programme)")
