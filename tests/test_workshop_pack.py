"""The workshop pack is one self-contained HTML file: nothing to fetch, data text escaped."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from html.parser import HTMLParser

import pytest

from territorial.core.fmt import fr_pop
from territorial.takeaways.workshop_pack import export_outlines, pack_filename, workshop_pack_html

HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def outlines(reference) -> dict:
    return export_outlines(reference)


@pytest.fixture(scope="module")
def pack(demo, outlines) -> str:
    return workshop_pack_html(demo, outlines=outlines, generated=dt.date(2026, 2, 7))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(doc: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(doc)
    return parser.tags


def test_nothing_is_loaded_from_outside(pack):
    tags = _tags(pack)
    assert not [a for t, a in tags if t == "script" and a.get("src")]
    assert not [a for t, a in tags if t == "link"]
    assert not [a for t, a in tags if a.get("src") and not a["src"].startswith("data:")]
    assert "leaflet" in pack.lower() and "L.map(" in pack
    assert not re.search(r"url\((?!data:)", pack.split("<script>")[0])  # CSS images inlined
    assert len(pack.encode()) < 1_500_000


def test_content_and_accessibility_basics(pack, demo):
    assert '<html lang="fr">' in pack
    assert "user-scalable=no" not in pack and "maximum-scale" not in pack
    assert pack.count('class="donnees"') == 4  # segments, levers, shares with their intervals, territories
    assert "Données de démonstration" in pack
    assert "IGN – ADMIN EXPRESS ; INSEE ; DGCL" in pack
    assert "population municipale 2023 (Mayotte : 2017) en vigueur au 1er janvier 2026, INSEE" in pack
    assert "Généré le 7 février 2026" in pack
    for segment in demo.definition.segments:
        assert segment.label in pack
    for lever in demo.definition.levers:
        assert lever.label.replace("&", "&amp;") in pack
    total = fr_pop(demo.territories["population"].sum())
    assert total == "28\u202f850\u202f760\u00a0hab."  # French number format, populations in force in 2026
    assert total in pack
    body = pack.split("<body>", 1)[1]
    assert body.count("<tr>") >= len(demo.territories) + len(demo.definition.segments)


def test_no_demo_notice_for_real_data(demo, outlines):
    doc = workshop_pack_html(dataclasses.replace(demo, is_demo=False), outlines=outlines)
    assert "Données de démonstration" not in doc


def test_data_text_is_escaped(demo, outlines):
    territories = demo.territories.copy()
    territories.loc[territories.index[0], "nom"] = HOSTILE
    doc = workshop_pack_html(dataclasses.replace(demo, territories=territories), outlines=outlines)
    assert HOSTILE not in doc
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in doc
    assert not [a for t, a in _tags(doc) if t == "img"]


def test_filename():
    assert pack_filename(dt.date(2026, 2, 7)) == "atelier-territoires-2026-02-07.html"


def test_a_pack_made_at_a_date_hatches_the_territories_not_yet_assessed(demo, outlines):
    from territorial.cartography import maps

    early = demo.at(dt.date(2024, 6, 1))
    pack = workshop_pack_html(early, outlines=outlines, generated=dt.date(2026, 12, 7))
    assert maps.HATCH_ID in pack and maps.HATCHED_CLASS in pack  # the pattern and the hatched shapes
    assert maps.MARKER_CLASS in pack  # small territories get their marker offline too
    waiting = int((~early.territories["evalue"]).sum())
    line = f"Non encore évalué au 1er juin 2024 : {waiting}"  # the legend's line, in the map's script
    assert line in pack or json.dumps(line)[1:-1] in pack


def test_pack_says_what_the_data_shows(pack, demo):
    from territorial.content.size_effect import size_effect
    from territorial.content.size_effect_text import findings

    assert "<h2>Ce que montrent les données</h2>" in pack
    for finding in findings(size_effect(demo), demo.definition):
        assert f"<li>{html.escape(finding.text)}</li>" in pack
    assert html.escape("45\u00a0% [28–62\u00a0%] (13 sur 29)") in pack  # L3 among small territories
    assert "<details><summary>Méthode</summary>" in pack
