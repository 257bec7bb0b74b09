"""Every place that leans on another library's private internals fails here, loudly, when an
upgrade changes them (rather than silently in production). The list:

- ``territorial/ui/folium_component.py``: streamlit-folium's private rendering functions and
  component, branca's element tree (``_children``, ``_parent``; also bench/apptest.py);
- ``territorial/ui/router.py``: Streamlit's ``PagesManager.uses_pages_directory`` switch, and the
  mark ``st.navigation`` puts on the page object it picks (``StreamlitPage._can_be_called``);
- ``territorial/ui/upload_guard.py``: Streamlit's upload store (``Runtime.uploaded_file_mgr``);
- ``territorial/ui/vega.py``: ``st.vega_lite_chart`` passes Arrow IPC bytes found in the spec's
  ``datasets`` as they are (what its altair path relies on), and
  ``streamlit.dataframe_util.convert_arrow_table_to_arrow_bytes`` writes them;
- ``territorial/ui/data.py``: ``get_script_run_ctx().fragment_ids_this_run`` (is only a
  fragment rerunning?); ``territorial/ui/live_room.py`` and ``upload_guard.py``:
  ``get_script_run_ctx().session_id``;
- ``territorial/cartography/maps.py``: folium's ``GeoJson`` template, copied and patched
  (``_PackedGeoJson``); branca's ``_name`` (an element's name in the page's script) and
  ``_parent`` in our templates; Leaflet's keyboard handler (``_onMouseDown``, ``_focused``,
  ``_map._container``) replaced by ``_FocusWithoutScroll`` (Leaflet is vendored, pinned);
- the tooling (bench/, tests/browser/test_hostile_visitors.py): Streamlit's websocket protocol
  (``streamlit.proto``: ``BackMsg.rerun_script``, ``ForwardMsg`` and its ``delta``,
  ``new_session``, ``script_finished``, ``WidgetState``) and, for bench/profile_page.py,
  ``streamlit.runtime.scriptrunner.script_runner.exec_func_with_error_handling``;
- the Streamlit ``data-testid`` values, class names and ``st-key-*`` classes of the CSS:
  listed in ``territorial/ui/streamlit_selectors.py``, checked here against Streamlit's
  frontend and in Chromium by ``tests/browser/test_streamlit_selectors.py``.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import inspect
import re
import textwrap
from pathlib import Path

import folium
import streamlit
import streamlit_folium
from branca.element import Element, MacroElement
from folium.template import Template as FoliumTemplate
from streamlit.runtime.pages_manager import PagesManager

from territorial.ui import folium_component, streamlit_selectors

UPGRADE = (
    "streamlit-folium {version} changed « {name} », used by territorial/ui/folium_component.py: "
    "compare it with streamlit_folium.st_folium and adapt it, or use the public st_folium."
)


def test_streamlit_folium_private_functions_are_still_there() -> None:
    version = getattr(streamlit_folium, "__version__", "?")
    for name in folium_component.PRIVATE_NAMES:
        assert callable(getattr(streamlit_folium, name, None)), UPGRADE.format(version=version, name=name)


def _component_keywords(function) -> set[str]:
    """The keyword names of the ``_component_func(...)`` call in a function's source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == "_component_func"
    ]
    assert len(calls) == 1, f"{function.__qualname__}: no single _component_func call"
    return {keyword.arg for keyword in calls[0].keywords}


def test_the_component_gets_the_arguments_the_public_st_folium_sends() -> None:
    theirs = _component_keywords(streamlit_folium.st_folium)
    ours = _component_keywords(folium_component.st_folium)
    assert {"script", "html", "key", "returned_objects", "on_change"} <= theirs
    assert ours == theirs, UPGRADE.format(
        version=getattr(streamlit_folium, "__version__", "?"), name=f"_component_func: {sorted(theirs ^ ours)}"
    )


def test_branca_elements_still_keep_their_tree_in_children_and_parent() -> None:
    m = folium.Map()
    marker = folium.Marker((45.0, 5.0)).add_to(m)
    assert isinstance(m._children, dict) and marker in m._children.values(), (
        "branca changed how elements keep their children: territorial/ui/folium_component._clone_map must follow"
    )
    assert marker._parent is m and isinstance(marker, Element)


def test_streamlit_still_has_the_pages_directory_switch() -> None:
    """router.ensure_routed switches the legacy « pages/ folder » mode off; that switch must exist."""
    assert "uses_pages_directory" in vars(PagesManager), (
        "Streamlit no longer has PagesManager.uses_pages_directory: check whether a page opened from a "
        "direct link on a fresh server still runs without app.py, and adapt territorial/ui/router.py."
    )
    source = inspect.getsource(PagesManager.__init__)
    assert "PagesManager.uses_pages_directory = Path(" in source and '"pages"' in source, (
        "Streamlit changed how it detects the legacy pages/ folder: re-check territorial/ui/router.py."
    )


def test_navigation_marks_the_page_object_it_was_given_not_the_one_built_once() -> None:
    """router.pages builds the st.Page objects once and gives st.navigation a copy of each at every
    run: the mark st.navigation puts on the page it picks (and that Page.run checks and clears)
    must stay on that run's copy, never on the shared page nor on another session's copy."""
    from streamlit.navigation.page import StreamlitPage

    changed = (
        "Streamlit changed where st.navigation marks the page to run (StreamlitPage._can_be_called): "
        "check that the copies made by territorial/ui/router.pages do not share it, or build the pages "
        "at every run again."
    )
    assert "self._can_be_called" in inspect.getsource(StreamlitPage.run), changed
    built = StreamlitPage(lambda: None, title="Une page", default=True)  # bare: outside a script run
    first, second = copy.copy(built), copy.copy(built)
    assert streamlit.navigation([first]) is first and first._can_be_called, changed
    assert not getattr(built, "_can_be_called", False) and not getattr(second, "_can_be_called", False), changed


def test_streamlit_upload_store_still_has_what_the_upload_guard_wraps() -> None:
    """territorial/ui/upload_guard.py wraps the process's upload store (issue 23.5)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    from territorial.ui import upload_guard

    assert isinstance(vars(Runtime).get("uploaded_file_mgr"), property)
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    upload_guard.guard(manager)
    record = UploadedFileRec(file_id="f1", name="p.csv", type="text/csv", data=b"x" * 10)
    try:
        manager.add_file("visiteur", record)
    except Exception as exc:  # noqa: BLE001 - the refusal is an HTTP 403
        assert getattr(exc, "status_code", None) == 403
    else:
        raise AssertionError("an anonymous session's upload was accepted")
    assert manager.get_files("visiteur", ["f1"]) == []
    with upload_guard._lock:
        upload_guard._allowed.add("editeur")
    manager.add_file("editeur", record)
    assert manager.get_files("editeur", ["f1"])[0].data == b"x" * 10
    big = UploadedFileRec(file_id="f2", name="q.csv", type="text/csv", data=b"x" * upload_guard.SESSION_BYTES)
    try:
        manager.add_file("editeur", big)
    except Exception as exc:  # noqa: BLE001
        assert getattr(exc, "status_code", None) == 413
    else:
        raise AssertionError("a session held more than SESSION_BYTES")
    manager.remove_session_files("editeur")  # the session ends: its files and permission go
    assert manager.get_files("editeur", ["f1"]) == [] and not upload_guard.allowed("editeur")


def test_the_script_run_context_still_says_which_fragments_rerun() -> None:
    """territorial/ui/data.py tells a fragment's rerun (the router did not run) by
    ``get_script_run_ctx().fragment_ids_this_run``; live_room.py and upload_guard.py read its
    ``session_id``."""
    from streamlit.runtime.scriptrunner import ScriptRunContext, get_script_run_ctx
    from streamlit.testing.v1 import AppTest

    fields = {f.name for f in dataclasses.fields(ScriptRunContext)}
    assert {"fragment_ids_this_run", "session_id"} <= fields, (
        "Streamlit's ScriptRunContext changed (fragment_ids_this_run, session_id): adapt "
        "territorial/ui/data.py (_in_fragment), territorial/ui/live_room.py (visitor) and upload_guard.py."
    )
    assert get_script_run_ctx() is None  # outside a run

    def script() -> None:
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        st.write(f"fragment rerun={bool(ctx.fragment_ids_this_run)} session={bool(ctx.session_id)}")

    at = AppTest.from_function(script).run()
    assert [m.value for m in at.markdown] == ["fragment rerun=False session=True"]


def test_vega_lite_charts_still_take_arrow_bytes_in_their_datasets_as_they_are() -> None:
    """territorial/ui/vega.py writes a chart's rows as Arrow once and gives Streamlit the bytes at
    every run: Streamlit must send them untouched (else it converts them again, or fails)."""
    import pandas as pd
    import pyarrow as pa
    from streamlit.dataframe_util import convert_arrow_table_to_arrow_bytes
    from streamlit.testing.v1 import AppTest

    written = convert_arrow_table_to_arrow_bytes(pa.Table.from_pandas(pd.DataFrame({"a": [1, 2]})))

    def script(written: bytes) -> None:
        import streamlit as st

        st.vega_lite_chart({"data": {"name": "x"}, "datasets": {"x": written}, "mark": "bar"})

    at = AppTest.from_function(script, args=(written,)).run()
    (proto,) = [e.proto for e in at.main if getattr(getattr(e, "proto", None), "spec", "")]
    assert [(d.name, d.data.data) for d in proto.datasets] == [("x", written)], (
        "Streamlit no longer passes a chart's Arrow bytes as they are: adapt territorial/ui/vega.py "
        "(give it the pyarrow table, vega.Chart.rows)."
    )


def test_folium_geojson_template_is_still_the_one_packed_geojson_patches() -> None:
    from territorial.cartography import maps

    source = maps._folium_geojson_template()  # raises with a clear message when it changed
    assert source.count(maps._FOLIUM_ADD) == 1
    patched = maps._PackedGeoJson._template.module.__dict__
    assert "script" in patched, "folium.GeoJson's template has no « script » macro any more: see maps._PackedGeoJson"
    assert isinstance(folium.GeoJson._template, FoliumTemplate), (
        "folium.GeoJson's template is no longer a folium Template: re-check territorial/cartography/maps.py"
    )


def test_branca_names_elements_from_their_private_name() -> None:
    """Our MacroElements set ``self._name``; branca builds the script's variable name from it."""
    element = MacroElement()
    element._name = "FocusWithoutScroll"
    assert element.get_name().startswith("focus_without_scroll_"), (
        "branca no longer names an element from its _name: check the MacroElements of territorial/cartography/maps.py"
    )


def test_vendored_leaflet_keyboard_handler_is_the_one_focus_without_scroll_replaces() -> None:
    from territorial.cartography import maps

    leaflet = (maps.LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    assert (
        "_onMouseDown:function(){var t,e,i;this._focused||(" in leaflet and "this._map._container.focus()" in leaflet
    ), (
        "Leaflet's keyboard handler changed (_onMouseDown, _focused, _map._container): "
        "re-check _FocusWithoutScroll in territorial/cartography/maps.py"
    )


SELECTOR_SOURCES = ("assets/*.css", "territorial/**/*.py", "pages/*.py", "app.py", "deploy/nginx/*.conf")
_TEST_ID = re.compile(r'data-testid\^?=\\?["\']([A-Za-z][\w-]*)')
_KEY = re.compile(r"st-key-([A-Za-z][\w]*)")
_CLASS = re.compile(r"(?<![\w-])\.(st[A-Z]\w*|block-container)\b")


def _used_in_styles() -> tuple[set[str], set[str], set[str]]:
    """The data-testid values, st-key-* keys and Streamlit class names of our CSS and harness."""
    test_ids: set[str] = set()
    keys: set[str] = set()
    classes: set[str] = set()
    root = Path(__file__).resolve().parents[1]
    for pattern in SELECTOR_SOURCES:
        for path in root.glob(pattern):
            if path.name == "streamlit_selectors.py":
                continue
            text = path.read_text(encoding="utf-8")
            test_ids |= set(_TEST_ID.findall(text))
            keys |= set(_KEY.findall(text))
            if path.suffix == ".css" or "<style>" in text or "querySelector" in text:
                classes |= set(_CLASS.findall(text))
    return test_ids, keys, classes


def test_every_streamlit_selector_of_the_css_is_listed() -> None:
    test_ids, keys, classes = _used_in_styles()
    assert test_ids - set(streamlit_selectors.TEST_IDS) == set(), "add it to territorial/ui/streamlit_selectors.py"
    assert keys - set(streamlit_selectors.KEYS) == set(), "add it to territorial/ui/streamlit_selectors.py"
    assert classes - set(streamlit_selectors.CLASSES) == set(), "add it to territorial/ui/streamlit_selectors.py"
    # and nothing listed that no style uses any more
    assert set(streamlit_selectors.TEST_IDS) - test_ids == set()
    assert set(streamlit_selectors.KEYS) - keys == set()
    assert set(streamlit_selectors.CLASSES) - classes == set()


def test_every_listed_streamlit_name_is_still_in_its_frontend() -> None:
    bundle = "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in (Path(streamlit.__file__).parent / "static" / "static" / "js").glob("*.js")
    )
    missing = [
        name
        for name in (*streamlit_selectors.TEST_IDS, *streamlit_selectors.CLASSES)
        if not re.search(r"[`\"\s]" + re.escape(name) + r"[`\"\s]", bundle)
        and not (name.startswith("stBaseButton-") and "`stBaseButton-${" in bundle)
    ]
    assert missing == [], (
        f"Streamlit {streamlit.__version__} no longer has {missing}: the CSS rules that use them "
        "(assets/*.css, territorial/) do nothing; find the new names and update territorial/ui/streamlit_selectors.py."
    )
    assert "`st-key-`+" in bundle, "Streamlit no longer gives a keyed element the class st-key-<key>"


def test_streamlit_websocket_protocol_still_has_what_the_tooling_speaks() -> None:
    """bench/ (protocol viewers, attacks, room participants) and tests/browser/test_hostile_visitors.py
    talk to the server as a browser does, with Streamlit's protobuf messages."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from streamlit.runtime.scriptrunner import script_runner

    hint = "Streamlit's websocket protocol changed: adapt bench/protocol.py, bench/attacks.py, bench/room.py "
    hint += "and tests/browser/test_hostile_visitors.py"
    back = BackMsg()
    back.rerun_script.query_string, back.rerun_script.page_name = "territoire=69123", "fiche"
    again = BackMsg()
    again.ParseFromString(back.SerializeToString())
    assert (again.rerun_script.query_string, again.rerun_script.page_name) == ("territoire=69123", "fiche"), hint
    forward = {f.name for f in ForwardMsg.DESCRIPTOR.oneofs_by_name["type"].fields}
    assert {"new_session", "delta", "script_finished", "page_not_found"} <= forward, hint
    assert "session_id" in ForwardMsg().new_session.initialize.DESCRIPTOR.fields_by_name, hint
    element = {f.name for f in ForwardMsg().delta.new_element.DESCRIPTOR.oneofs_by_name["type"].fields}
    assert {"component_instance", "iframe", "exception"} <= element, hint
    assert {"id", "trigger_value", "string_value"} <= set(WidgetState.DESCRIPTOR.fields_by_name), hint
    back.rerun_script.widget_states.widgets.append(WidgetState(id="w", string_value="x"))
    assert callable(getattr(script_runner, "exec_func_with_error_handling", None)), (
        "Streamlit's script runner no longer calls exec_func_with_error_handling: adapt bench/profile_page.py"
    )
