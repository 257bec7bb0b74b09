"""The two places that lean on other libraries' private internals fail here, loudly, when an
upgrade changes them (rather than silently in production).

- ``territorial/ui/folium_component.py``: streamlit-folium's private rendering functions and
  component, branca's element tree (``_children``, ``_parent``);
- ``territorial/ui/router.py``: Streamlit's ``PagesManager.uses_pages_directory`` switch.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

import folium
import streamlit_folium
from branca.element import Element
from streamlit.runtime.pages_manager import PagesManager

from territorial.ui import folium_component

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
