"""Shared helpers of the benchmarks: statistics, pages, a local server, memory sampling."""

from __future__ import annotations

import ast
import io
import math
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The floor: the least a Streamlit page with a folium map can cost (a title and a map of
#: 3 shapes, through the same streamlit-folium component and offline Leaflet). Measured
#: next to the dashboard's pages, it tells what the framework costs on this machine.
FLOOR_APP = ROOT / "tests" / "browser" / "apps" / "map_app.py"
from territorial.harness.chromium import CHROMIUM_ARGS, CHROMIUM_PATH, LOCAL_HOSTS, MAP_IFRAME  # noqa: E402, F401
from territorial.harness.server import APP, Server, free_port, healthy  # noqa: E402, F401

SHAPE = "path.territoire"
PROGRAMME_ENV = "TERRITORIAL_PROGRAMME_FILE"
ENV_DATA_DIR = "TERRITORIAL_DATA_DIR"
ENV_URL = "TERRITORIAL_DATABASE_URL"


# --------------------------------------------------------------------------- statistics


@dataclass
class Stats:
    """Median, min and max of repeated measurements."""

    values: list[float] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def min(self) -> float:
        return min(self.values) if self.values else float("nan")

    @property
    def max(self) -> float:
        return max(self.values) if self.values else float("nan")

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile (``q`` in 0..100)."""
        if not self.values:
            return float("nan")
        ordered = sorted(self.values)
        rank = max(1, -(-len(ordered) * q // 100))  # ceil
        return ordered[int(rank) - 1]

    def as_dict(self) -> dict:
        return {"median": self.median, "min": self.min, "max": self.max, "n": self.n, "values": self.values}


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class PageSpec:
    """A page registered in app.py: its file, URL path and title."""

    path: str
    url_path: str
    title: str
    default: bool = False


def discover_pages(app: Path = APP) -> list[PageSpec]:
    """The ``st.Page(...)`` calls of app.py, read from its source (nothing is run)."""
    tree = ast.parse(app.read_text(encoding="utf-8"))
    pages = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page"):
            continue
        if not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        path = str(node.args[0].value)
        kwargs = {kw.arg: kw.value.value for kw in node.keywords if isinstance(kw.value, ast.Constant)}
        url_path = kwargs.get("url_path") or Path(path).stem
        pages.append(
            PageSpec(
                path=path,
                url_path=str(url_path),
                title=str(kwargs.get("title", url_path)),
                default=bool(kwargs.get("default", False)),
            )
        )
    return pages


# --------------------------------------------------------------------------- data


def demo_with_dialogues(dialogues: int) -> bytes:
    """The demo programme where every territory has ``dialogues`` dialogues: those it has, then
    copies of its latest one on the 1st of the following months of 2026 (from September)."""
    import pandas as pd

    text = (ROOT / "data" / "demo_programme.csv").read_text(encoding="utf-8")
    preamble = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    frame = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)
    rows = []
    for _, own in frame.groupby("code", sort=False):
        rows.append(own)
        for k in range(dialogues - len(own)):
            extra = own.iloc[[-1]].copy()
            extra["date_dialogue"], extra["etape"], extra["notes"] = f"2026-{9 + k:02d}-01", f"suivi {k + 1}", ""
            rows.append(extra)
    return (preamble + pd.concat(rows).to_csv(index=False)).encode("utf-8")


def prepare_data_dir(directory: Path, *, national: bool, dialogues: int = 1) -> tuple[dict[str, str | None], int]:
    """A data dir for the app; with ``national``, the national programme imported as current;
    with ``dialogues`` > 1, a programme where each territory has that many dialogues.

    Returns the environment for the app and the number of territories it should show.
    """
    env: dict[str, str | None] = {ENV_DATA_DIR: str(directory), ENV_URL: None}
    if not national and dialogues <= 1:
        return env, 81
    from territorial.model.definition import load_definition
    from territorial.model.national import national_programme_csv
    from territorial.model.programme_file import load_programme_file
    from territorial.model.reference import load_reference
    from territorial.storage.store import Store, default_url

    reference, definition = load_reference(), load_definition()
    data = (
        national_programme_csv(reference, definition=definition, dialogues=dialogues)
        if national
        else demo_with_dialogues(dialogues)
    )
    table = load_programme_file(data, filename="programme.csv", definition=definition, reference=reference)
    saved = dict(os.environ)
    os.environ[ENV_DATA_DIR] = str(directory)
    os.environ.pop(ENV_URL, None)
    try:
        store = Store.open(default_url())
        store.save(
            table, author="bench", comment="Programme national (toutes les EPCI)", kind="import", expected_parent=None
        )
        store.close()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return env, int(table.territories["code"].nunique())


# --------------------------------------------------------------------------- server


def settle(*, below: float | None = None, max_wait: float = 90.0) -> float:
    """Wait (at most ``max_wait`` s) until the 1-minute load average is below ``below``
    (default: 0.75 per core), so that a timing does not measure the previous step's
    leftovers (a crowd of browsers leaves the load at 20 and more). Returns the load."""
    below = below if below is not None else 0.75 * (os.cpu_count() or 1)
    deadline = time.monotonic() + max_wait
    while os.getloadavg()[0] >= below and time.monotonic() < deadline:
        time.sleep(2)
    return os.getloadavg()[0]


# --------------------------------------------------------------------------- memory


class RssSampler:
    """Peak resident memory (bytes) and CPU seconds of a process tree, sampled in a thread.

    ``exclude`` is a process whose tree is left out (e.g. the server, when sampling the
    browsers started by this process). CPU seconds count what each process used while
    sampled (a process's total at its last sample, minus its total at the first).
    """

    def __init__(self, pid: int, *, interval: float = 0.1, exclude: int | None = None, nice: int | None = None) -> None:
        import psutil

        self._psutil = psutil
        self.nice = nice
        self._niced: set[int] = set()
        self.process = psutil.Process(pid)
        self.exclude = exclude
        self.interval = interval
        self.peak = 0
        self._cpu_first: dict[int, float] = {}
        self._cpu_last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu_last[pid] - self._cpu_first.get(pid, 0.0) for pid in self._cpu_last)

    def _procs(self) -> list:
        psutil = self._psutil
        try:
            procs = [self.process, *self.process.children(recursive=True)]
        except psutil.Error:
            return []
        if self.exclude is not None:
            excluded = {self.exclude}
            try:
                excluded |= {p.pid for p in psutil.Process(self.exclude).children(recursive=True)}
            except psutil.Error:
                pass
            procs = [p for p in procs if p.pid not in excluded]
        return procs

    def current(self) -> int:
        psutil = self._psutil
        total = 0
        for proc in self._procs():
            try:
                total += proc.memory_info().rss
                times = proc.cpu_times()
                cpu = times.user + times.system
            except psutil.Error:
                continue
            if self.nice is not None and proc.pid not in self._niced and proc.pid != os.getpid():
                self._niced.add(proc.pid)
                try:
                    proc.nice(self.nice)
                except psutil.Error:
                    pass
            self._cpu_first.setdefault(proc.pid, 0.0 if self._started else cpu)
            self._cpu_last[proc.pid] = cpu
        return total

    _started = False

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.current())
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self.peak = self.current()
        self._started = True
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.current())


# --------------------------------------------------------------------------- report


@dataclass
class ViewerResult:
    """One viewer: ``drawn`` when the map's shapes appeared; ``ok`` when drawn with no error."""

    viewer: int
    path: str
    drawn: bool
    seconds: float
    shapes: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.drawn and not self.error


RATIO = "×"  # the unit of a ratio row: its goal is met at « ≤ »


@dataclass
class Row:
    measure: str
    programme: str
    unit: str  # "s", "ms", "Ko", "Mo"
    stats: Stats
    budget: float | None = None  # in the row's unit
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return ""
        if not self.stats.n or math.isnan(self.stats.median):
            return "ABSENT"
        if self.unit == RATIO:
            return "OK" if self.stats.median <= self.budget else "DEPASSE"
        return "OK" if self.stats.median < self.budget else "DEPASSE"


def _fmt(value: float, unit: str) -> str:
    if math.isnan(value):
        return "–"
    if unit == "ms":
        return f"{value:,.1f}".replace(",", " ") if value < 100 else f"{value:,.0f}".replace(",", " ")
    if unit == RATIO:
        return f"{value:.2f}" if value < 10 else f"{value:.1f}"
    if unit in ("Ko", "Mo"):
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.2f}"


def table(rows: list[Row]) -> str:
    head = ["Mesure", "Prog.", "Unité", "Médiane", "Min", "Max", "n", "Budget", "Verdict", "Note"]
    body = []
    for r in rows:
        budget = "" if r.budget is None else f"≤ {r.budget:g}" if r.unit == RATIO else f"< {_fmt(r.budget, r.unit)}"
        body.append(
            [
                r.measure,
                r.programme,
                r.unit,
                _fmt(r.stats.median, r.unit),
                _fmt(r.stats.min, r.unit),
                _fmt(r.stats.max, r.unit),
                str(r.stats.n),
                budget,
                r.verdict,
                r.note,
            ]
        )
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
    right = {3, 4, 5, 6, 7}

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(head), sep, *(line(b) for b in body)])
