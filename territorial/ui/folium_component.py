"""streamlit-folium's map widget, rendered once per map: the one module that uses private
internals of streamlit-folium (``_component_func``, ``_get_html``, ``_get_header``,
``_get_map_string``, ``generate_js_hash``, ``get_full_id``) and of branca (an element's
``_children`` and ``_parent``).

Why: rendering a folium map to HTML and script (about 75 ms for the 81 territories, 400 ms
for every EPCI) is most of a page's rerun; the maps are cached and shared by sessions, so
their rendering is too, which the public ``st_folium`` cannot do. ``PRIVATE_NAMES`` lists
what is used; ``tests/test_private_apis.py`` fails with a clear message when an upgrade of
streamlit-folium or branca removes or changes one of them (pinned: streamlit-folium 0.27.4).
"""

from __future__ import annotations

import copy
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import folium
import folium.elements
import streamlit as st
import streamlit_folium
from branca.element import Element

from territorial.cartography.maps import LEAFLET_CSS_URL, LEAFLET_JS_URL, map_html
from territorial.ui.published import base_path

#: streamlit-folium's private functions used here.
PRIVATE_NAMES = ("_component_func", "_get_html", "_get_header", "_get_map_string", "generate_js_hash", "get_full_id")


_DOCUMENTS: weakref.WeakKeyDictionary[folium.Map, str] = weakref.WeakKeyDictionary()


def map_document(m: folium.Map) -> str:
    """The full HTML document of a map (Leaflet by URL, data escaped), rendered once."""
    return _once(_DOCUMENTS, m, lambda twin: with_base_path(map_html(twin)))


def with_base_path(text: str) -> str:
    """``text`` with Leaflet's URLs (``/app/static/…``) under the dashboard's path.

    The maps load Leaflet from the app's static files by an absolute path; published under
    ``https://exemple.org/territoires/``, those files are at ``/territoires/app/static/…``.
    """
    base = base_path()
    if not base:
        return text
    for url in (LEAFLET_JS_URL, LEAFLET_CSS_URL):
        text = text.replace(f'"{url}"', f'"{base}{url}"')
    return text


def _once(cache: weakref.WeakKeyDictionary, m: folium.Map, render):
    """``render(copy of m)``, once per map object: maps are cached and shared by sessions,
    and rendering renames and adds elements (so it works on a copy)."""
    with _RENDER_LOCK:
        value = cache.get(m)
        if value is None:
            value = cache[m] = render(_clone_map(m))
        return value


#: What the map widget sends back: the clicked feature only.
RETURNED = ["last_active_drawing"]


@dataclass
class _Rendered:
    """What streamlit-folium sends to the browser for one map (it depends on the map only)."""

    script: str
    header: str
    html: str
    id: str
    css_links: list[str]
    js_links: list[str]
    hashes: dict[str, str] = field(default_factory=dict)


_RENDERED: weakref.WeakKeyDictionary[folium.Map, _Rendered] = weakref.WeakKeyDictionary()
_RENDER_LOCK = threading.Lock()


def st_folium(m: folium.Map, *, key: str, height: int) -> dict | None:
    """streamlit-folium's ``st_folium``, with the rendering done once per map object.

    Rendering a folium map to HTML and script (about 75 ms for the 81 territories,
    400 ms for every EPCI) is most of a page's rerun; the maps are cached and shared,
    so their rendering is too. The arguments sent to the component are those of
    ``streamlit_folium.st_folium(m, key=key, height=height, use_container_width=True,
    returned_objects=RETURNED)`` (streamlit-folium 0.27.4, pinned; a test compares
    both). The map is rendered from a copy: rendering renames and adds elements.
    """
    rendered = _rendered(m)
    hash_key = rendered.hashes.get(key)
    if hash_key is None:
        hash_key = rendered.hashes[key] = streamlit_folium.generate_js_hash(rendered.script, key, False)

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return streamlit_folium._component_func(
        script=rendered.script,
        header=rendered.header,
        html=rendered.html,
        id=rendered.id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=RETURNED,
        default={name: None for name in RETURNED},
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=rendered.css_links,
        js_links=rendered.js_links,
        on_change=on_change,
        wrap_longitude=False,
    )


def _rendered(m: folium.Map) -> _Rendered:
    return _once(_RENDERED, m, _render)


def _render(m: folium.Map) -> _Rendered:
    """The steps of ``streamlit_folium.st_folium`` that turn a map into text."""
    m.get_root().render()
    m.render()
    html = streamlit_folium._get_html(m)
    header = streamlit_folium._get_header(m)
    script = streamlit_folium._get_map_string(m)
    css: list[str] = []
    js: list[str] = []

    def walk(element: Element) -> None:  # depth first, as streamlit-folium does
        if isinstance(element, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
        for child in element._children.values():
            walk(child)

    walk(m)
    base = base_path()
    return _Rendered(
        script=script,
        header=with_base_path(header),
        html=html,
        id=streamlit_folium.get_full_id(m),
        css_links=[base + url if url.startswith("/") else url for url in dict.fromkeys(css)],
        js_links=[base + url if url.startswith("/") else url for url in dict.fromkeys(js)],
    )


def _clone_map(m: folium.Map) -> folium.Map:
    """Copy a map's element tree (from its root figure), sharing the data (0.1 ms).

    Each element is copied shallowly with its own children, so that rendering the
    copy (which renames elements and adds children) leaves the original intact; the
    GeoJSON data and templates, which rendering only reads, are shared
    (``copy.deepcopy`` takes 20 to 60 ms). Elements held in attributes rather than as
    children (a Figure's header, html and script, a map's global switches) are copied
    too: rendering adds children to them, and a shared one would grow at every rerun
    and be mutated by several sessions' threads at once.
    """
    clones: dict[int, Element] = {}

    def clone(element: Element, parent: Element | None) -> Element:
        twin = copy.copy(element)
        clones[id(element)] = twin
        twin._parent = parent
        twin._children = OrderedDict((name, clone(child, twin)) for name, child in element._children.items())
        return twin

    clone(m.get_root(), None)
    pending = list(clones.values())
    while pending:
        twin = pending.pop()
        for name, value in list(vars(twin).items()):
            if name in ("_parent", "_children") or not isinstance(value, Element):
                continue
            if id(value) not in clones:
                known = set(clones)
                clone(value, twin)
                pending.extend(clones[i] for i in clones.keys() - known)
            setattr(twin, name, clones[id(value)])
    cloned = clones[id(m)]
    assert isinstance(cloned, folium.Map)
    return cloned
