"""WCAG contrast ratios of the programme's colours."""

from __future__ import annotations

import pytest

from territorial.content.contrast import contrast_ratio, palette_contrasts, relative_luminance
from territorial.core import palette


def test_reference_values():
    assert contrast_ratio("#000000") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)  # the classic 4.5:1 grey
    assert contrast_ratio("#ffffff", "#767676") == contrast_ratio("#767676", "#ffffff")
    assert relative_luminance("#808080") == pytest.approx(0.2159, abs=1e-4)
    with pytest.raises(ValueError):
        relative_luminance("red")


def test_palette_flags_weak_colours(definition):
    table = palette_contrasts(definition, palette.ORDINAL)
    assert len(table) == len(definition.segments) + len(definition.levers) + len(palette.ORDINAL)
    by_colour = table.set_index("couleur")
    assert by_colour.at["#1a1a5e", "suffisant"]
    # Every colour the dashboard draws data with reaches 3:1 on white.
    assert table["suffisant"].all(), table[~table["suffisant"]]
    weak = palette_contrasts(definition, ("#e69f00",))  # Okabe-Ito orange: 2.25:1
    assert not weak.set_index("couleur").at["#e69f00", "suffisant"]
    assert (table["suffisant"] == (table["contraste"] >= 3.0)).all()


def test_the_css_takes_its_colours_from_the_palette():
    """The pages' CSS and the workshop pack name the palette's colours instead of repeating them."""
    import re
    from pathlib import Path

    from territorial.takeaways.workshop_pack import PACK_CSS

    defined = set(re.findall(r"--([a-z-]+):", palette.css_variables()))
    assert {"texte", "discret", "lien"} <= defined
    named = {value for name, value in vars(palette).items() if name.isupper() and isinstance(value, str)}
    root = Path(__file__).resolve().parents[1]
    coloured: dict[str, bool] = {}
    for name, css in [*((p.name, p.read_text()) for p in (root / "assets").glob("*.css")), ("pack", PACK_CSS)]:
        used = set(re.findall(r"var\(--([a-z-]+)\)", css))
        assert used <= defined, (name, used - defined)
        body = css.replace(palette.css_variables(), "")
        assert used or not re.findall(r"#[0-9a-fA-F]{3,6}\b", body), (name, "couleurs sans la palette")
        coloured[name] = bool(used)
        repeated = {value for value in re.findall(r"#[0-9a-fA-F]{6}", body) if value.lower() in named}
        assert repeated == set(), (name, repeated)
    assert coloured["app.css"] and coloured["atelier.css"] and coloured["pack"]  # only a CSS without colours names none


def test_text_on_a_configured_colour_reads_at_4_5_to_1(definition):
    """Black or white text, whichever reads best, on every default colour and on custom ones."""
    defaults = [s.colour for s in definition.segments] + [lv.colour for lv in definition.levers]
    for colour in [*defaults, *palette.ORDINAL, palette.DARK_OUTLINE, "#fff3b0", "#0b0b2a"]:
        assert palette.text_on(colour) in (palette.WHITE, palette.BLACK)
        assert contrast_ratio(colour, palette.text_on(colour)) >= 4.5, colour
    assert palette.text_on("#fff3b0") == palette.BLACK  # a pale custom colour
    assert palette.text_on("#0b0b2a") == palette.WHITE  # a dark one
    petits = definition.segment("S1").colour  # white on it was 3.29:1 (issue 22, point 12)
    assert contrast_ratio(petits, palette.WHITE) < 4.5 and palette.text_on(petits) == palette.BLACK


def test_the_segment_badge_takes_its_text_colour_from_the_background(definition):
    from territorial.content.fiche_text import chip_html

    html = chip_html(definition.segment("S1"))
    assert "background: #3a9e7e; color: #000000;" in html
    assert "color: #ffffff;" in chip_html(definition.segment("S4"))
