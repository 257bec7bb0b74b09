"""How a territory's segment is said: by its population, or set by the programme itself."""

from __future__ import annotations

from collections.abc import Mapping

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


def segment_short(row: Mapping, definition: ProgrammeDefinition) -> str:
    """The segment's label, with « (attribué par le programme) » when the programme set it."""
    label = definition.segment(str(row["segment"])).label
    return f"{label} (attribué par le programme)" if bool(row.get("segment_attribue", False)) else label
