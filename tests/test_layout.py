"""show_map renders a copy of the map: cached maps are shared by sessions, never mutated."""

import geopandas as gpd
import shapely
from branca.element import Element

from territorial.cartography import maps
from territorial.ui.folium_component import _clone_map


def _map():
    gdf = gpd.GeoDataFrame(
        {"code": ["a", "b"], "nom": ["A", "B"], "couleur": ["#112233", "#445566"]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2)],
        crs=4326,
    )
    m = maps.new_map(bounds=(0, 0, 2, 2))
    maps.add_territories(m, gdf, id_column="code", fill_column="couleur", tooltip={"nom": "Nom"})
    maps.add_legend(m, [("#112233", "x")], title="t", bounds=(0, 0, 2, 2))
    return m


def _elements(root: Element) -> dict[int, Element]:
    """Every element reachable from root, through children and element attributes."""
    seen: dict[int, Element] = {}
    stack = [root]
    while stack:
        element = stack.pop()
        if id(element) in seen:
            continue
        seen[id(element)] = element
        stack.extend(element._children.values())
        stack.extend(v for k, v in vars(element).items() if k != "_parent" and isinstance(v, Element))
    return seen


def test_the_copy_shares_no_element_with_the_original() -> None:
    m = _map()
    copy = _clone_map(m)
    assert not set(_elements(m.get_root())) & set(_elements(copy.get_root()))


def test_rendering_copies_leaves_the_original_unchanged() -> None:
    m = _map()
    root = m.get_root()
    before = {name: len(getattr(root, name)._children) for name in ("header", "html", "script")}
    outputs = {_clone_map(m).get_root().render() for _ in range(3)}
    assert len(outputs) == 1  # the same page every time
    assert {name: len(getattr(root, name)._children) for name in ("header", "html", "script")} == before
