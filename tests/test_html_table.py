"""Plain HTML tables (the maps' text alternatives): structure, French numbers, escaping."""

import pandas as pd

from territorial.content.html_table import html_table


def test_headers_captions_numbers_and_escaping() -> None:
    table = pd.DataFrame(
        {
            "Territoire": ["<script>alert(1)</script>", "Saint-Étienne & Co"],
            "Population": [1385927, 170049],
            "Note": [None, 'a "b" <i>c</i>'],
        }
    )
    out = html_table(table, caption="Les <territoires>", row_header="Territoire", max_height=300)
    assert out.startswith(
        '<div class="tableau-defilant" tabindex="0" role="region" '
        'aria-label="Les &lt;territoires&gt;" style="max-height: 300px">'
    )
    assert "<caption>Les &lt;territoires&gt;</caption>" in out
    assert '<thead><tr><th scope="col">Territoire</th><th scope="col">Population</th>' in out
    assert '<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;</th>' in out
    assert '<td class="nombre">1\u202f385\u202f927</td>' in out
    assert "<td></td>" in out  # a missing value is an empty cell, not « None »
    assert "&lt;i&gt;c&lt;/i&gt;" in out and "<script>" not in out and "<i>" not in out
    assert out.count("<tr>") == 3


def test_cell_styles_give_each_row_its_own_style_escaped() -> None:
    table = pd.DataFrame({"Élément": ["S1", "S2"], "Aperçu": ["", ""]})
    out = html_table(
        table,
        caption="Couleurs",
        row_header="Élément",
        cell_styles={"Aperçu": ["background-color: #1a1a5e", 'x"><script>']},
    )
    assert '<th scope="row">S1</th><td style="background-color: #1a1a5e"></td>' in out
    assert '<td style="x&quot;&gt;&lt;script&gt;"></td>' in out and "<script>" not in out
