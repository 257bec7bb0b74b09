"""Colour contrast (WCAG 2.1 / RGAA 4.1): how the programme's colours read against white.

Graphic objects needed to understand a content (map fills, bars, legend swatches)
should contrast at least 3:1 with what surrounds them (WCAG 1.4.11, RGAA 3.3).
"""

from __future__ import annotations

import pandas as pd

from territorial.core.palette import MIN_GRAPHIC_CONTRAST, contrast_ratio, relative_luminance
from territorial.model.definition import ProgrammeDefinition


def palette_contrasts(definition: ProgrammeDefinition, ordinal: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every colour the dashboard draws data with, and its contrast against white.

    Columns: groupe, élément, couleur, contraste (float), suffisant (≥ 3:1).
    """
    rows = [("Segment", f"{s.id} – {s.label}", s.colour) for s in definition.segments]
    rows += [("Levier", f"{lv.id} – {lv.label}", lv.colour) for lv in definition.levers]
    rows += [("Palette ordinale (niveaux)", f"Teinte {i}", c) for i, c in enumerate(ordinal, 1)]
    table = pd.DataFrame(rows, columns=["groupe", "élément", "couleur"])
    table["contraste"] = [contrast_ratio(c) for c in table["couleur"]]
    table["suffisant"] = table["contraste"] >= MIN_GRAPHIC_CONTRAST
    return table


__all__ = ["MIN_GRAPHIC_CONTRAST", "contrast_ratio", "palette_contrasts", "relative_luminance"]
