"""A long first-start job (the reference cache) that belongs to the process, not to a visitor.

The reference geography is built once, on the first start (about 20 s). If that build
ran in the first visitor's session, closing the tab would stop it half-way and the
next visitor would start again from zero. A :class:`BackgroundBuild` runs in its own
thread: every visitor who arrives meanwhile watches the same progress, and leaving does
not stop it. A build that failed is started again by the next visitor who asks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

#: ``progress(fraction, message)``, as :func:`territorial.model.reference.load_reference` calls it.
Progress = Callable[[float, str], None]


class BackgroundBuild:
    """``job(progress)`` run once in a daemon thread, its progress readable from any thread."""

    def __init__(self, job: Callable[[Progress], object], *, name: str = "construction") -> None:
        self._job = job
        self.fraction = 0.0
        self.message = "Démarrage…"
        self.error: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> BackgroundBuild:
        self._thread.start()
        return self

    def _progress(self, fraction: float, message: str) -> None:
        self.fraction = max(0.0, min(float(fraction), 1.0))
        self.message = message

    def _run(self) -> None:
        try:
            self._job(self._progress)
            self.fraction = 1.0
        except BaseException as exc:  # noqa: BLE001 - kept for the visitors, who show it
            self.error = exc
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def failed(self) -> bool:
        return self.done and self.error is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the end (at most ``timeout`` s); True when it has ended."""
        return self._done.wait(timeout)


class OneBuild:
    """At most one build running per process; a failed one is replaced on the next request,
    and so is a finished one whose result is ``needed()`` again (e.g. a deleted cache)."""

    def __init__(
        self,
        job: Callable[[Progress], object],
        *,
        needed: Callable[[], bool] = lambda: False,
        name: str = "construction",
    ) -> None:
        self._job = job
        self._needed = needed
        self._name = name
        self._lock = threading.Lock()
        self._current: BackgroundBuild | None = None

    def start(self) -> BackgroundBuild:
        """The running (or finished) build, started now if there is none, or it failed, or its
        result is needed again."""
        with self._lock:
            current = self._current
            if current is None or current.failed or (current.done and self._needed()):
                current = self._current = BackgroundBuild(self._job, name=self._name).start()
            return current
