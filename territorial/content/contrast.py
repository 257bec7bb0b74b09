"""Colour contrast (WCAG 2.1 / RGAA 4.1): how the programme's colours read against white.

Graphic objects needed to understand a content (map fills, bars, legend swatches)
should contrast at least 3:1 with what surrounds them (WCAG 1.4.11, RGAA 3.3).
"""

from __future__ import annotations

import re

import pandas as pd

from territorial.core import palette
from territorial.model.definition import ProgrammeDefinition

MIN_GRAPHIC_CONTRAST = 3.0
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def relative_luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour ``#rrggbb`` (0 black … 1 white)."""
    if not _HEX.match(colour):
        raise ValueError(f"colour must be #rrggbb, got {colour!r}")

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(colour: str, other: str = palette.WHITE) -> float:
    """WCAG contrast ratio between two colours, from 1 (none) to 21 (black on white)."""
    a, b = relative_luminance(colour), relative_luminance(other)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


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
