"""The Accessibilité page with AppTest: the statement's sections and the live table of contrasts."""

from __future__ import annotations

import html
import re

import pytest

from territorial.content.contrast import palette_contrasts
from territorial.core import palette
from territorial.core.fmt import fr_float
from tests.conftest import open_page

pytestmark = pytest.mark.usefixtures("fresh_view_caches")


def test_contrast_table_shows_every_colour_with_its_swatch_and_ratio(definition) -> None:
    at = open_page("pages/accessibilite.py")
    assert not at.exception
    assert [h.value for h in at.header][:3] == [
        "État de conformité",
        "Ce qui est fait",
        "Contraste des couleurs sur fond blanc",
    ]
    (table,) = [h.value for h in at.html if "Contraste de chaque couleur" in h.value]
    rows = re.findall(r"<tr>(.*?)</tr>", table)[1:]  # after the headers
    expected = palette_contrasts(definition, palette.ORDINAL)
    assert len(rows) == len(expected)
    for row, colour, ratio, (_, item) in zip(
        rows, expected["couleur"], expected["contraste"], expected[["groupe", "élément"]].values, strict=True
    ):
        assert f'<td style="background-color: {colour}"></td>' in row  # the swatch, in its colour
        assert f'<th scope="row">{html.escape(item)}</th>' in row
        assert f"<td>{colour}</td>" in row and f"<td>{fr_float(ratio, 2)}:1</td>" in row
    caption = at.caption[0].value
    assert caption.startswith(f"{len(expected)} couleurs utilisées pour représenter des données")
