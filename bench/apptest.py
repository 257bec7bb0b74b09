"""Warm rerun time of every page with Streamlit's AppTest, against an empty page.

Run by ``bench/run.py`` in a fresh process (one per programme, so that caches and the
``TERRITORIAL_PROGRAMME_FILE`` environment variable start clean); prints JSON.

The maps go through the app's own code: the clickable map (Carte) through
``territorial.ui.layout.st_folium`` (streamlit-folium's rendering, done once per shared
map) with only the component call replaced, so what it would send to the browser is
recorded; the maps that only show through ``map_frame`` (``st.iframe`` of the map's
document), whose document size is recorded.

Usage: python bench/apptest.py --runs 5 [--query fiche:territoire=CODE] [--out file.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import APP, Stats, discover_pages

EMPTY_PAGE = 'import streamlit as st\n\nst.write("ok")\n'
TIMEOUT = 300.0


class MapRecorder:
    """Stand-in for the st_folium component: renders like streamlit-folium, records the map."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.measure = False
        self._sent: dict = {}

    def component(self, **kwargs):
        self._sent = kwargs
        return kwargs.get("default")

    def patches(self) -> list:
        import streamlit_folium

        from territorial.ui import layout

        ours = layout.st_folium  # the app's wrapper: renders each shared map once

        # The maps are weighed in the one untimed run that measures them: encoding a map's text
        # at every timed rerun (862 KB for the national Carte) was counted as the page's time.
        def st_folium(fig, *args, **kwargs):
            result = ours(fig, *args, **kwargs)
            if self.measure:
                sent = self._sent
                wire = sum(len((sent.get(k) or "").encode("utf-8")) for k in ("script", "header", "html"))
                self.calls.append({"payload_bytes": wire, "wire_bytes": wire, "shapes": territory_shapes(fig)})
            return result

        real_frame = layout.map_frame

        def map_frame(fig, **kwargs):
            # Maps that only show: their whole HTML document is what is sent (st.iframe).
            result = real_frame(fig, **kwargs)
            if self.measure:
                size = len(layout.map_document(fig).encode("utf-8"))
                self.calls.append({"payload_bytes": size, "wire_bytes": size, "shapes": territory_shapes(fig)})
            return result

        return [
            mock.patch("territorial.ui.layout.map_frame", map_frame),
            mock.patch.object(streamlit_folium, "_component_func", self.component),
            mock.patch("territorial.ui.layout.st_folium", st_folium),
        ]


def server_like() -> list:
    """Patches making AppTest's reruns do what a server's do.

    - One bytecode cache for every run: AppTest compiles the router and the page (with
      Streamlit's « magic » pass over the syntax tree) at every run; ``streamlit run``
      compiles each script once per process (``Runtime._script_cache``). Without it, a
      page's rerun counted its compilation: about 5 ms for Segments, more than the whole
      empty page.
    - Every run through app.py: AppTest resets Streamlit's « pages/ folder » switch
      (``PagesManager.uses_pages_directory``) before each run, so that after the first one a
      rerun ran the page alone, without the router's work (navigation, notices, credits,
      CSS); a server sets it once, at its first ``st.navigation``. AppTest's reset is
      made to land on a subclass, the switch Streamlit reads is left as the router set it.
    - One upload store for every run: AppTest gives each run a new ``MagicMock`` runtime, in
      which the router's ``upload_guard.install()`` met a new mock upload store (created,
      inspected and wrapped: about 0.5 ms per run, more than the rest of the router's guard
      work on a server, where the store is the same object all along and is wrapped once).
    """
    from unittest.mock import MagicMock

    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    cache = ScriptCache()
    uploads = MemoryUploadedFileManager("/_stcore/upload_file")

    def runtime_mock(*args, **kwargs):
        runtime = MagicMock(*args, **kwargs)
        runtime.uploaded_file_mgr = uploads
        return runtime

    class ServerPages(PagesManager):
        """AppTest's ``PagesManager.uses_pages_directory = None`` sets this class's attribute."""

    return [
        mock.patch("streamlit.testing.v1.app_test.ScriptCache", lambda: cache),
        mock.patch("streamlit.testing.v1.local_script_runner.ScriptCache", lambda: cache),
        mock.patch("streamlit.testing.v1.app_test.PagesManager", ServerPages),
        mock.patch("streamlit.testing.v1.app_test.MagicMock", runtime_mock),
    ]


def territory_shapes(m) -> int:
    """Number of territory shapes (class ``territoire``) in a folium map."""
    import folium

    from territorial.cartography.maps import TERRITORY_CLASS

    total = 0
    for child in m._children.values():
        if isinstance(child, folium.GeoJson) and child.data.get("features"):
            first = child.data["features"][0]
            style = child.style_function(first) if child.style_function else {}
            if TERRITORY_CLASS in str(style.get("className", "")).split():
                total += len(child.data["features"])
    return total


def _errors(at) -> list[str]:
    return [str(e.value)[:300] for e in at.exception]


def time_reruns(at, runs: int) -> Stats:
    stats = Stats()
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        stats.values.append(time.perf_counter() - started)
    return stats


def bench_pages(*, runs: int, queries: dict[str, dict[str, str]]) -> dict:
    from streamlit.testing.v1 import AppTest

    recorder = MapRecorder()
    patches = [*recorder.patches(), *server_like()]
    for p in patches:
        p.start()
    result: dict = {"pages": {}, "runs": runs}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            empty = Path(tmp) / "empty_page.py"
            empty.write_text(EMPTY_PAGE, encoding="utf-8")
            at = AppTest.from_file(str(empty), default_timeout=TIMEOUT)
            at.run()
            result["empty"] = time_reruns(at, runs).as_dict()

        for spec in discover_pages():
            entry: dict = {
                "title": spec.title,
                "url_path": spec.url_path,
                "path": spec.path,
                "default": spec.default,
                "query": queries.get(spec.url_path, {}),
            }
            result["pages"][spec.url_path] = entry
            at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
            at.query_params.update(entry["query"])
            started = time.perf_counter()
            at.run()
            at.switch_page(spec.path)
            at.run()  # warm: process caches filled, this session's page built once
            entry["first_seconds"] = time.perf_counter() - started
            entry["errors"] = _errors(at)
            if entry["errors"]:
                continue
            entry["rerun"] = time_reruns(at, runs).as_dict()
            entry["errors"] = _errors(at)
            # One more, untimed rerun measures the maps this page sends.
            recorder.calls.clear()
            recorder.measure = True
            try:
                at.run()
            finally:
                recorder.measure = False
            entry["maps"] = [dict(c) for c in recorder.calls]
        # The empty page again, at the end, so that drift during the run shows.
        with tempfile.TemporaryDirectory() as tmp:
            empty = Path(tmp) / "empty_page.py"
            empty.write_text(EMPTY_PAGE, encoding="utf-8")
            at = AppTest.from_file(str(empty), default_timeout=TIMEOUT)
            at.run()
            more = time_reruns(at, runs)
            result["empty"]["values"] += more.values
            result["empty"] = Stats(result["empty"]["values"]).as_dict()
    finally:
        for p in patches:
            p.stop()
    return result


def parse_queries(items: list[str]) -> dict[str, dict[str, str]]:
    """``["fiche:territoire=200046977"]`` -> ``{"fiche": {"territoire": "200046977"}}``."""
    out: dict[str, dict[str, str]] = {}
    for item in items or []:
        page, _, query = item.partition(":")
        key, _, value = query.partition("=")
        out.setdefault(page, {})[key] = value
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query", action="append", default=[], help="PAGE:key=value")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = bench_pages(runs=args.runs, queries=parse_queries(args.query))
    text = json.dumps(result, indent=2, default=str)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
