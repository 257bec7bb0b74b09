"""Editing while others view: a coordinator saves new versions while a crowd is loading.

Used by ``bench/load.py --edit N``. The editor works on the same store as the server
(its data directory), the way a second dashboard process or the Données page would:
each save is a new version, made with the store's compare-and-swap (``expected_parent``).
Each version removes the programme's last territory, so that what a viewer is shown
tells which version it got: the shapes drawn go down by one per version.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from territorial.storage.store import ConflictError, Store, sqlite_url


@dataclass
class SavedVersion:
    at: float  # seconds since the editor started
    version: int
    territories: int


@dataclass
class Editor:
    """Saves ``count`` versions, one every ``interval`` seconds, in a thread."""

    data_dir: Path
    count: int
    interval: float = 2.0
    first_delay: float = 0.2  # the crowd has just started: some sessions are mid-run
    saved: list[SavedVersion] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    initial_territories: int | None = None

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._run, name="editeur", daemon=True)
        self._stop = threading.Event()

    def start(self) -> Editor:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        started = time.perf_counter()
        store = Store.open(sqlite_url(self.data_dir))
        try:
            if self._stop.wait(self.first_delay):
                return
            for _ in range(self.count):
                current = store.current()
                if current is None:
                    self.errors.append("aucune version à modifier (le serveur n'a pas encore créé la démo)")
                    return
                table = current.table
                rows = table.territories
                if self.initial_territories is None:
                    self.initial_territories = int(rows["code"].nunique())
                table.territories = rows[rows["code"] != rows["code"].iloc[-1]]  # the last territory, every dialogue
                try:
                    saved = store.save(
                        table,
                        author="bench",
                        comment="Modification pendant la visite",
                        kind="edition",
                        expected_parent=current.id,
                    )
                except ConflictError as exc:  # another editor: the store refused, nothing is lost
                    self.errors.append(f"conflit : {exc}")
                    continue
                self.saved.append(
                    SavedVersion(time.perf_counter() - started, saved.id, int(table.territories["code"].nunique()))
                )
                if self._stop.wait(self.interval):
                    return
        except Exception as exc:  # noqa: BLE001 - reported in the load report
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            store.close()

    def report(self) -> str:
        if not self.saved and not self.errors:
            return "éditeur : aucune version enregistrée"
        versions = ", ".join(f"v{s.version} à {s.at:.1f} s ({s.territories} territoires)" for s in self.saved)
        line = f"éditeur : {len(self.saved)} version(s) enregistrée(s) pendant la visite : {versions}"
        if self.errors:
            line += " ; erreurs : " + " ; ".join(self.errors)
        return line
