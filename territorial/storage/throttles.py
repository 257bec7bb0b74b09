"""Failure counters in the shared database: N server processes give one address one budget.

A :class:`access.Throttle` lives in one process: behind nginx with two instances, an address
had the budget of each instance (issue 23.9). :class:`SharedThrottle` keeps the failures in
the programme's database (a table of its own, ``throttle_failures``: a one-way tag of the
key, the time) and computes the same exponential lock from them at each attempt, in a write
transaction: what one process counts, every process sees. Rows older than the window are
deleted as new ones arrive.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from territorial.editing.access import TooManyAttemptsError

log = logging.getLogger(__name__)

throttles_metadata = sa.MetaData()

failures = sa.Table(
    "throttle_failures",
    throttles_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(40), nullable=False),
    sa.Column("at", sa.Float, nullable=False),  # seconds since the epoch
    sa.Index("ix_throttle_failures_key", "key", "at"),
)


def _tag(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


class SharedThrottle:
    """The failures of one key (an address, the editor account) in the shared database.

    Same rule as :class:`access.Throttle`: beyond ``free`` failures in the last ``window``
    seconds, each failure locks for 2, 4, 8 … seconds (at most ``cap``) after it; an attempt
    is counted when it starts. A database that cannot be reached falls back to ``fallback``
    (the process's own throttle), never to no limit.
    """

    def __init__(
        self,
        engine: Engine,
        key: str,
        *,
        free: int,
        cap: float = 300.0,
        window: float = 900.0,
        clock: Callable[[], float] = time.time,
        fallback=None,
    ) -> None:
        self.engine, self.key, self.tag = engine, key, _tag(key)
        self.free, self.cap, self.window, self.clock, self.fallback = free, cap, window, clock, fallback

    def _times(self, conn, now: float) -> list[float]:
        conn.execute(sa.delete(failures).where(failures.c.key == self.tag, failures.c.at <= now - self.window))
        return list(
            conn.execute(sa.select(failures.c.at).where(failures.c.key == self.tag).order_by(failures.c.at)).scalars()
        )

    def _locked_until(self, times: list[float]) -> float:
        until = 0.0
        for i, at in enumerate(times, start=1):
            extra = i - self.free
            if extra > 0:
                until = max(until, at + min(self.cap, 2.0**extra))
        return until

    def wait(self) -> float:
        now = self.clock()
        try:
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                return max(0.0, self._locked_until(self._times(conn, now)) - now)
        except SQLAlchemyError as exc:
            log.error("Compteur d'échecs partagé illisible : compteur du processus utilisé.", exc_info=exc)
            return self.fallback.wait() if self.fallback is not None else 0.0

    def check(self) -> None:
        remaining = self.wait()
        if remaining > 0:
            raise TooManyAttemptsError(remaining)

    def begin(self) -> None:
        now = self.clock()
        try:
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                if conn.dialect.name == "postgresql":  # one attempt at a time per key, across processes
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": self.tag})
                until = self._locked_until(self._times(conn, now))
                if until > now:
                    raise TooManyAttemptsError(until - now)
                conn.execute(sa.insert(failures).values(key=self.tag, at=now))
        except SQLAlchemyError as exc:
            log.error("Compteur d'échecs partagé inutilisable : compteur du processus utilisé.", exc_info=exc)
            if self.fallback is not None:
                self.fallback.begin()

    def failure(self) -> None:
        """Failures are counted by :meth:`begin` (an attempt is a failure until it succeeds)."""

    def success(self) -> None:
        try:
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                conn.execute(sa.delete(failures).where(failures.c.key == self.tag))
        except SQLAlchemyError as exc:
            log.error("Compteur d'échecs partagé : remise à zéro impossible.", exc_info=exc)
        if self.fallback is not None:
            self.fallback.success()


def create_tables(engine: Engine) -> bool:
    """Create the counters' table if needed; False when the database refuses (read-only…)."""
    try:
        throttles_metadata.create_all(engine)
    except SQLAlchemyError as exc:
        log.error("Table des compteurs d'échecs impossible à créer : compteurs par processus.", exc_info=exc)
        return False
    return True
