"""Versioned storage of the programme: every change is a new version.

Nothing is ever overwritten: an import, an edit in the application or a
restoration writes a **new** version (its rows and its metadata) in one
transaction, then moves the « current version » pointer to it with a
compare-and-swap. A failure mid-write rolls the whole transaction back and the
previous version stays current. Two editors who started from the same version
cannot overwrite each other: the second save raises :class:`ConflictError`.

Storage is SQLite by default (``<data dir>/programme.sqlite``; the data dir is
``$TERRITORIAL_DATA_DIR`` or ``var/`` in the repository) and PostgreSQL when a URL
is given (``$TERRITORIAL_DATABASE_URL``, driver psycopg 3), through SQLAlchemy Core.

SQLite runs with a rollback journal and no memory mapping (``journal_mode=DELETE``,
``mmap_size=0``): WAL mode maps its ``-shm`` index in memory, and a store whose files
are truncated or vanish under a running server then kills the whole process
(SIGBUS) instead of failing one query. A rollback journal has no shared memory, and
a database in a read-only directory can still be read.

Faults
------
Messages are generic and in French (they reach visitors: no path, host, user or
database name); the details go to the server log (logger ``territorial.storage.store``).
A store that can be read but not written opens **read-only**
(:attr:`Store.read_only`): reading goes on, saving raises
:class:`ReadOnlyStoreError`, and writability is checked again at most every
:data:`RECHECK` seconds. A store that cannot be read raises
:class:`StoreUnavailableError` (``missing`` when it does not exist and cannot be
created, e.g. a read-only data directory at the first start).

Schema
------
``versions``
    id, created_at (UTC), author, comment, kind (initial, import, edition,
    restauration), is_demo, meta (JSON: the file's metadata), column_order (JSON: the
    lever ids and extra columns, in order), n_territories, parent_id, definition (the
    programme's definition as TOML text, in the format of ``data/programme.toml``; empty
    for a version stored before definitions were versioned: it uses that file).
``version_rows``
    version_id, position, code, type, nom, membres, segment (the programme's own, or empty),
    levels (JSON: lever id →
    level, so that the levers stay configuration), date_dialogue, etape, notes,
    contact, extras (JSON). One row per territory and dialogue: a version holds every
    dialogue of the programme, and restoring it restores them all.
``current_version``
    one row (id 1) pointing at the current version.

Migration
---------
A storage created before the dialogues were followed over time (schema 1: no
``etape`` column) or before the definition was versioned (no ``versions.definition``)
is migrated in place when it is opened for writing: the column is added, empty for the
rows already stored, and nothing else changes (:func:`migrate`). Two processes opening
it at once both succeed. A storage that can only be read is read as it is.
"""

from __future__ import annotations

import enum
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from territorial.core.paths import ROOT
from territorial.editing.merge import cell_text
from territorial.model.definition import DEFAULT_DEFINITION
from territorial.model.programme_file import ProgrammeTable
from territorial.model.vocabulary import DIALOGUE_COLUMNS, IDENTITY_COLUMNS

log = logging.getLogger(__name__)

VERSION_KINDS = ("initial", "import", "edition", "restauration")
VERSION_KIND_LABELS = {
    "initial": "Version initiale",
    "import": "Import de fichier",
    "edition": "Modification dans l'application",
    "restauration": "Restauration",
}
ENV_URL = "TERRITORIAL_DATABASE_URL"
ENV_DATA_DIR = "TERRITORIAL_DATA_DIR"
SQLITE_NAME = "programme.sqlite"
#: Rows are inserted in chunks of this size (one transaction for all of them).
CHUNK = 500
#: Seconds between two checks that a read-only store has become writable again.
RECHECK = 30.0
#: Seconds to wait for a PostgreSQL server before giving up (unless the URL says otherwise).
CONNECT_TIMEOUT = 10

UNAVAILABLE_TEXT = (
    "Les données du programme sont momentanément inaccessibles. Réessayez dans quelques "
    "minutes ; si cela persiste, prévenez l'administrateur du tableau de bord (le détail "
    "de l'erreur est dans le journal du serveur)."
)
SAVE_FAILED_TEXT = (
    "L'enregistrement de la nouvelle version a échoué : rien n'a été modifié, la version en "
    "vigueur reste la même. Réessayez ; si cela persiste, prévenez l'administrateur du "
    "tableau de bord (le détail de l'erreur est dans le journal du serveur)."
)
READ_ONLY_TEXT = (
    "Modification impossible pour le moment : le stockage des données n'accepte plus "
    "l'écriture (lecture seule). La consultation et les exports restent disponibles ; rien "
    "n'a été perdu. L'administrateur du tableau de bord trouvera la cause dans le journal du "
    "serveur."
)
FALLBACK_TEXT = (
    "Modification impossible : le stockage des données n'a pas pu être créé, le tableau de "
    "bord montre donc le programme de démonstration, en lecture seule. L'administrateur du "
    "tableau de bord trouvera la cause dans le journal du serveur."
)
#: What the history shows for a field of a version that cannot be read.
UNREADABLE = "illisible"
#: Errors raised while decoding what was read (a damaged row): reported like a failed read.
_DECODING_ERRORS = (ValueError, KeyError, TypeError)


class StoreError(RuntimeError):
    """The storage could not be read or written (the current version is unchanged).

    The message is generic (it may be shown to anyone); the cause is logged.
    """


class StoreUnavailableError(StoreError):
    """The storage cannot be read at all.

    ``missing``: it does not exist and cannot be created (nothing was ever stored
    there), as opposed to an existing store that cannot be reached or read.
    """

    def __init__(self, *, missing: bool) -> None:
        self.missing = missing
        super().__init__(UNAVAILABLE_TEXT)


class ReadOnlyStoreError(StoreError):
    """The storage can be read but not written: nothing was saved."""

    def __init__(self, text: str = READ_ONLY_TEXT) -> None:
        super().__init__(text)


class ConflictError(RuntimeError):
    """Someone saved a version since the one this change started from."""

    def __init__(self, *, expected: int | None, current: int | None) -> None:
        self.expected = expected
        self.current = current
        started = f"la version {expected}" if expected is not None else "un programme vide"
        super().__init__(
            f"Conflit de modification : vous êtes parti de {started}, mais la version en vigueur "
            f"est maintenant la version {current}. Rien n'a été enregistré : consultez les "
            "changements, puis recommencez à partir de la version en vigueur."
        )


class VersionNotFoundError(LookupError):
    """No version has this id."""

    def __init__(self, version_id: int) -> None:
        self.version_id = version_id
        super().__init__(f"La version {version_id} n'existe pas.")


class _Any(enum.Enum):
    ANY = "any"


#: ``expected_parent=ANY`` saves on top of whatever version is current (scripts only).
ANY = _Any.ANY


@dataclass(frozen=True)
class StoredVersion:
    """One stored version of the programme."""

    id: int
    table: ProgrammeTable
    created_at: datetime
    author: str
    comment: str
    kind: str
    parent_id: int | None
    #: The definition stored with this version (TOML text); None: stored before definitions
    #: were versioned, or never changed since the store was created (``data/programme.toml``).
    stored_definition: str | None = None

    @property
    def is_demo(self) -> bool:
        return self.table.is_demo

    @property
    def definition_toml(self) -> str:
        """The programme's definition of this version, as TOML text (the default file's if none stored)."""
        if self.stored_definition:
            return self.stored_definition
        return default_definition_text()


def default_definition_text() -> str:
    """The text of ``data/programme.toml``: the definition of a version that stores none."""
    return DEFAULT_DEFINITION.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- schema

metadata = sa.MetaData()

versions = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("comment", sa.Text, nullable=False, default=""),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("is_demo", sa.Boolean, nullable=False, default=False),
    sa.Column("meta", sa.JSON, nullable=False),
    sa.Column("column_order", sa.JSON, nullable=False),
    sa.Column("n_territories", sa.Integer, nullable=False),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=True),
    sa.Column("definition", sa.Text, nullable=True),
    sa.CheckConstraint(sa.column("kind").in_(VERSION_KINDS), name="ck_versions_kind"),
)

version_rows = sa.Table(
    "version_rows",
    metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("nom", sa.Text, nullable=False),
    sa.Column("membres", sa.Text, nullable=False),
    sa.Column("segment", sa.Text, nullable=False, server_default=""),
    sa.Column("levels", sa.JSON, nullable=False),
    sa.Column("date_dialogue", sa.String(10), nullable=False),
    sa.Column("etape", sa.Text, nullable=False, server_default=""),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("contact", sa.Text, nullable=False),
    sa.Column("extras", sa.JSON, nullable=False),
)

current_version = sa.Table(
    "current_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
    sa.CheckConstraint(sa.column("id") == 1, name="ck_current_version_single"),
)


#: Columns added since the first schema: name -> DDL type (with its default for the rows already stored).
_ADDED_COLUMNS = {
    "version_rows": {"etape": "TEXT NOT NULL DEFAULT ''", "segment": "TEXT NOT NULL DEFAULT ''"},
    "versions": {"definition": "TEXT"},
}


def _missing_columns(conn: Connection) -> dict[str, list[str]]:
    inspector = sa.inspect(conn)
    missing: dict[str, list[str]] = {}
    for table, added in _ADDED_COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table)}
        if absent := [name for name in added if name not in present]:
            missing[table] = absent
    return missing


def migrate(engine: Engine) -> list[str]:
    """Bring a storage of an earlier schema up to date, in place; return what was added.

    Adding a column keeps every stored row (filled with the column's default). When two
    processes migrate at once, the second one finds the column already there.
    """
    done: list[str] = []
    with engine.connect() as conn:
        missing = _missing_columns(conn)
    for table, columns in missing.items():
        for column in columns:
            ddl = f"ALTER TABLE {table} ADD COLUMN {column} {_ADDED_COLUMNS[table][column]}"
            try:
                with engine.begin() as conn:
                    conn.exec_driver_sql(ddl)
            except SQLAlchemyError:
                with engine.connect() as conn:
                    if column in _missing_columns(conn).get(table, []):
                        raise
                continue  # added by another process meanwhile
            log.warning("Stockage du programme migré : colonne %s.%s ajoutée.", table, column)
            done.append(f"{table}.{column}")
    return done


# --------------------------------------------------------------------------- engine


def data_dir() -> Path:
    """Directory of local data: ``$TERRITORIAL_DATA_DIR`` or ``var/`` in the repository."""
    env = os.environ.get(ENV_DATA_DIR)
    return Path(env) if env else ROOT / "var"


def default_url() -> str:
    """``$TERRITORIAL_DATABASE_URL`` if set, else the SQLite file in :func:`data_dir`."""
    env = os.environ.get(ENV_URL, "").strip()
    if env:
        return env
    return sqlite_url(data_dir())


def sqlite_url(directory: Path) -> str:
    """The URL of the SQLite store kept in ``directory``."""
    return URL.create("sqlite", database=str(Path(directory) / SQLITE_NAME)).render_as_string()


def _normalise_url(url: str) -> URL:
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is unreliable).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA mmap_size=0")  # read(2), never a mapping that can SIGBUS
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            _leave_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _leave_wal(cursor: sqlite3.Cursor) -> None:
    """Switch a store created in WAL mode (before) to a rollback journal, if nobody else has it open."""
    timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    try:
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:  # in use elsewhere, or read-only: the next connection tries again
        log.info("Base SQLite encore en mode WAL (%s).", exc)
    finally:
        cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")


def _sqlite_begin(conn: Connection) -> None:
    # A write transaction takes the write lock at once (no failed upgrade later).
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def _sqlite_events(engine: Engine) -> Engine:
    sa.event.listen(engine, "connect", _sqlite_connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_uri_engine(uri: str) -> Engine:
    """An engine on a SQLite URI filename (``file:…?mode=ro``), shared by threads through a pool."""

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)

    return _sqlite_events(sa.create_engine("sqlite://", creator=connect, poolclass=sa.pool.QueuePool))


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets a rollback journal, no mmap and immediate write transactions."""
    parsed = _normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # the connection will fail: Store.open reports it
                log.error("Dossier de la base SQLite impossible à créer (%s) : %s", parsed.database, exc)
        return _sqlite_events(sa.create_engine(parsed, connect_args={"timeout": 30}))
    connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT}
    return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)


def _read_only_engines(url: str) -> list[Engine]:
    """Engines that only read the store at ``url``, most faithful first."""
    parsed = _normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        return [make_engine(url)]
    assert parsed.database is not None, url  # a file store (a store in memory is never read again)
    path = quote(str(Path(parsed.database).resolve()))
    # mode=ro reads a store that another process may still change; immutable=1 also reads a
    # database left in WAL mode in a directory where its -shm index cannot be created.
    return [_sqlite_uri_engine(f"file:{path}?mode=ro"), _sqlite_uri_engine(f"file:{path}?mode=ro&immutable=1")]


def _location(url: str) -> str:
    """Where the store is, for the server log only (password hidden)."""
    return _normalise_url(url).render_as_string(hide_password=True)


# --------------------------------------------------------------------------- store


class Store:
    """The versioned programme storage (see the module docstring)."""

    def __init__(
        self,
        engine: Engine,
        *,
        url: str | None = None,
        read_only: bool = False,
        read_only_text: str = READ_ONLY_TEXT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.url = url
        self.read_only = read_only
        self.read_only_text = read_only_text
        self.clock = clock
        self._checked = self.opened_at = clock()
        self._swap = threading.Lock()
        self._anchor: sqlite3.Connection | None = None
        #: Unique per store object: caches of versions are keyed by it.
        self.token = uuid.uuid4().hex
        #: True for the in-memory demo that stands in for a storage that cannot be created.
        self.stand_in = False

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open (and create if needed) the storage at ``url`` or :func:`default_url`.

        Returns a read-only store when it can be read but not written; raises
        :class:`StoreUnavailableError` when it cannot be read.
        """
        url = url or default_url()
        sqlite = _normalise_url(url).get_backend_name() == "sqlite"
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                metadata.create_all(conn)
                conn.commit()
            migrate(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            if not sqlite and _never_connected(exc):
                log.error("Stockage du programme injoignable (%s).", _location(url), exc_info=exc)
                raise StoreUnavailableError(missing=False) from exc
            log.warning("Stockage du programme impossible à ouvrir en écriture (%s) : %s", _location(url), exc)
            return cls._open_read_only(url, cause=exc)
        store = cls(engine, url=url)
        if not store._probe():
            store.read_only = True
        return store

    @classmethod
    def _open_read_only(cls, url: str, *, cause: Exception) -> Store:
        parsed = _normalise_url(url)
        if parsed.get_backend_name() == "sqlite" and (
            not parsed.database or parsed.database == ":memory:" or not Path(parsed.database).exists()
        ):
            log.error("Stockage du programme impossible à créer (%s).", _location(url), exc_info=cause)
            raise StoreUnavailableError(missing=True) from cause
        last: Exception = cause
        for engine in _read_only_engines(url):
            try:
                with engine.connect() as conn:
                    missing = {t.name for t in metadata.sorted_tables} - set(sa.inspect(conn).get_table_names())
                    if not missing:
                        _head(conn)
            except SQLAlchemyError as exc:
                engine.dispose()
                last = exc
                continue
            if missing:
                engine.dispose()
                log.error("Stockage du programme vide et impossible à créer (%s).", _location(url), exc_info=cause)
                raise StoreUnavailableError(missing=True) from cause
            log.error(
                "Stockage du programme en lecture seule (%s) : la consultation continue, l'enregistrement est refusé.",
                _location(url),
                exc_info=cause,
            )
            return cls(engine, url=url, read_only=True)
        log.error("Stockage du programme illisible (%s).", _location(url), exc_info=last)
        raise StoreUnavailableError(missing=False) from last

    @classmethod
    def in_memory(cls, table: ProgrammeTable, *, read_only_text: str = FALLBACK_TEXT) -> Store:
        """A read-only store in memory whose version 1 is ``table`` (when no storage can be created)."""
        uri = f"file:territorial-{uuid.uuid4().hex}?mode=memory&cache=shared"
        anchor = sqlite3.connect(uri, uri=True, check_same_thread=False)  # keeps the database alive
        store = cls(_sqlite_uri_engine(uri), read_only_text=read_only_text)
        store._anchor, store.stand_in = anchor, True
        metadata.create_all(store.engine)
        store.save(
            table,
            author="Application",
            kind="initial",
            expected_parent=None,
            comment="Programme de démonstration (stockage indisponible, rien n'est enregistré).",
        )
        store.read_only = True
        return store

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.url.get_backend_name()

    def close(self) -> None:
        """Close the connections of the pool."""
        self.engine.dispose()
        if self._anchor is not None:
            self._anchor.close()

    # ------------------------------------------------------------------ writability

    def _probe(self) -> bool:
        """Whether a write transaction can write (it is always rolled back); the cause is logged."""
        try:
            with self.engine.connect().execution_options(write=True) as conn, conn.begin() as transaction:
                if self.backend == "sqlite":  # writes page 1 even in an empty store
                    version = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
                    conn.exec_driver_sql(f"PRAGMA user_version={int(version)}")
                else:  # refused in a read-only transaction or without the privilege, even if no row
                    conn.execute(
                        sa.update(current_version)
                        .where(current_version.c.id == 1)
                        .values(version_id=current_version.c.version_id)
                    )
                transaction.rollback()
        except SQLAlchemyError as exc:
            log.error("Stockage du programme en lecture seule (%s) : %s", _location(self.url or "sqlite://"), exc)
            return False
        return True

    def writable(self) -> bool:
        """Whether saving is possible; a read-only store is checked again every :data:`RECHECK` s."""
        if not self.read_only:
            return True
        if self.url is None or self.clock() - self._checked < RECHECK:
            return False
        with self._swap:
            self._checked = self.clock()
            try:
                fresh = Store.open(self.url)
            except StoreError:
                return False
            if fresh.read_only:
                fresh.close()
                return False
            old, self.engine = self.engine, fresh.engine
            self.read_only = False
            old.dispose()
            log.warning("Stockage du programme de nouveau accessible en écriture (%s).", _location(self.url))
            return True

    # ------------------------------------------------------------------ reading

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except (SQLAlchemyError, *_DECODING_ERRORS) as exc:
            log.error(
                "Lecture impossible dans le stockage du programme (%s).",
                _location(self.url or "sqlite://"),
                exc_info=exc,
            )
            raise StoreUnavailableError(missing=False) from exc

    def current_id(self) -> int | None:
        """The id of the current version (one small query), or None when empty."""
        with self._reading() as conn:
            return _head(conn)

    def current(self) -> StoredVersion | None:
        """The current version, or None when nothing has been stored yet."""
        with self._reading() as conn:
            head = _head(conn)
            return None if head is None else _read_version(conn, head)

    def get(self, version_id: int) -> StoredVersion:
        """A version by id; :class:`VersionNotFoundError` if there is none."""
        with self._reading() as conn:
            return _read_version(conn, int(version_id))

    def history(self) -> pd.DataFrame:
        """Every version, newest first, for display (French column names).

        A damaged field of a version (a date, a count that cannot be read) is shown as
        missing, or « illisible », so that one damaged row does not hide the others.
        """
        created = sa.type_coerce(versions.c.created_at, sa.String).label("created_at")  # parsed below
        query = sa.select(
            versions.c.id,
            created,
            versions.c.author,
            versions.c.comment,
            versions.c.kind,
            versions.c.n_territories,
            versions.c.is_demo,
            versions.c.parent_id,
        ).order_by(versions.c.id.desc())
        with self._reading() as conn:  # decoded inside: a damaged row is a failed read
            head = _head(conn)
            rows = conn.execute(query).all()
            return pd.DataFrame(
                {
                    "Version": pd.Series([r.id for r in rows], dtype="int64"),
                    "Date": pd.Series([_when(r.created_at) for r in rows], dtype="datetime64[us, UTC]"),
                    "Auteur": [cell_text(r.author) for r in rows],
                    "Commentaire": [cell_text(r.comment) for r in rows],
                    "Nature": [VERSION_KIND_LABELS.get(r.kind, UNREADABLE) for r in rows],
                    "Territoires": pd.Series([_whole(r.n_territories) for r in rows], dtype="Int64"),
                    "Démonstration": pd.Series([bool(r.is_demo) for r in rows], dtype=bool),
                    "Version de départ": pd.Series([_whole(r.parent_id) for r in rows], dtype="Int64"),
                    "En vigueur": pd.Series([r.id == head for r in rows], dtype=bool),
                }
            )

    # ------------------------------------------------------------------ writing

    def save(
        self,
        table: ProgrammeTable,
        *,
        author: str,
        comment: str,
        kind: str,
        expected_parent: int | None | _Any,
        definition: str | None = None,
    ) -> StoredVersion:
        """Store ``table`` as a new current version, in one transaction.

        Parameters
        ----------
        expected_parent
            The version the change started from (None: the storage was empty). If
            another version became current meanwhile, :class:`ConflictError` is
            raised and nothing is written. ``ANY`` skips the check.
        definition
            The programme's definition of the new version (TOML text, validated by the
            caller); None keeps the definition of the version it replaces.
        """
        if kind not in VERSION_KINDS:
            raise ValueError(f"Nature de version inconnue « {kind} » : {', '.join(VERSION_KINDS)}.")
        author = (author or "").strip()
        if not author:
            raise ValueError("Indiquez l'auteur de la modification.")
        if not self.writable():
            raise ReadOnlyStoreError(self.read_only_text)
        created_at = datetime.now(UTC)
        rows = list(_row_records(table))
        try:
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                head = _head(conn)
                if expected_parent is not ANY and expected_parent != head:
                    raise ConflictError(expected=expected_parent, current=head)
                if definition is None and head is not None:
                    definition = conn.execute(
                        sa.select(versions.c.definition).where(versions.c.id == head)
                    ).scalar_one()
                version_id = conn.execute(
                    sa.insert(versions)
                    .values(
                        created_at=created_at,
                        author=author[:200],
                        comment=(comment or "").strip(),
                        kind=kind,
                        is_demo=table.is_demo,
                        meta=dict(table.meta),
                        column_order=_columns_of(table),
                        n_territories=len({(r["type"], r["code"]) for r in rows}),
                        parent_id=head,
                        definition=definition,
                    )
                    .returning(versions.c.id)
                ).scalar_one()
                for start in range(0, len(rows), CHUNK):
                    chunk = [{"version_id": version_id, **row} for row in rows[start : start + CHUNK]]
                    conn.execute(sa.insert(version_rows), chunk)
                _move_head(conn, head, version_id)
        except (ConflictError, StoreError):
            raise
        except SQLAlchemyError as exc:
            log.error("Enregistrement d'une version impossible (%s).", _location(self.url or "sqlite://"), exc_info=exc)
            if not self._probe():  # the store became unwritable: say so, and stop trying every time
                self.read_only, self._checked = True, self.clock()
                raise ReadOnlyStoreError(self.read_only_text) from exc
            raise StoreError(SAVE_FAILED_TEXT) from exc
        return StoredVersion(
            id=version_id,
            table=_copy(table),
            created_at=created_at,
            author=author[:200],
            comment=(comment or "").strip(),
            kind=kind,
            parent_id=head,
            stored_definition=definition,
        )

    def restore(
        self, version_id: int, *, author: str, comment: str = "", expected_parent: int | None | _Any = ANY
    ) -> StoredVersion:
        """Make an old version current again, its definition too, as a new version (nothing is deleted)."""
        old = self.get(version_id)
        text = (comment or "").strip() or f"Restauration de la version {old.id}"
        return self.save(
            old.table,
            author=author,
            comment=text,
            kind="restauration",
            expected_parent=expected_parent,
            definition=old.definition_toml,
        )

    def ensure_initial(self, demo_table: ProgrammeTable) -> StoredVersion:
        """Store ``demo_table`` as version 1 when the storage is empty; return the current version."""
        current = self.current()
        if current is not None:
            return current
        try:
            return self.save(
                demo_table,
                author="Application",
                kind="initial",
                expected_parent=None,
                comment="Programme de démonstration chargé au premier démarrage.",
            )
        except ConflictError:  # another process initialised it at the same moment
            current = self.current()
            assert current is not None
            return current


# --------------------------------------------------------------------------- helpers


def _never_connected(exc: SQLAlchemyError) -> bool:
    """Whether the error happened while connecting (server down, wrong host or credentials)."""
    return isinstance(exc, sa.exc.OperationalError) and exc.statement is None


def _head(conn: Connection) -> int | None:
    query = sa.select(current_version.c.version_id).where(current_version.c.id == 1)
    return conn.execute(query).scalar_one_or_none()


def _move_head(conn: Connection, head: int | None, version_id: int) -> None:
    """Compare-and-swap of the current version pointer (atomic in SQLite and PostgreSQL)."""
    if head is None:
        try:
            with conn.begin_nested():
                conn.execute(sa.insert(current_version).values(id=1, version_id=version_id))
        except IntegrityError:
            raise ConflictError(expected=None, current=_head(conn)) from None
        return
    moved = conn.execute(
        sa.update(current_version)
        .where(current_version.c.id == 1, current_version.c.version_id == head)
        .values(version_id=version_id)
    )
    if moved.rowcount != 1:
        raise ConflictError(expected=head, current=_head(conn))


def _lever_ids(table: ProgrammeTable) -> list[str]:
    fixed = {*IDENTITY_COLUMNS, *DIALOGUE_COLUMNS, *table.extra_columns}
    return [c for c in table.territories.columns if c not in fixed]


def _columns_of(table: ProgrammeTable) -> dict[str, list[str]]:
    return {"levers": _lever_ids(table), "extras": list(table.extra_columns)}


def _row_records(table: ProgrammeTable) -> Iterator[dict]:
    levers = _lever_ids(table)
    for position, record in enumerate(table.territories.to_dict("records")):
        yield {
            "position": position,
            **{name: cell_text(record.get(name)) for name in (*IDENTITY_COLUMNS, *DIALOGUE_COLUMNS)},
            "levels": {lever: int(record[lever]) for lever in levers},
            "extras": {name: cell_text(record.get(name)) for name in table.extra_columns},
        }


def _read_version(conn: Connection, version_id: int) -> StoredVersion:
    absent = _missing_columns(conn)  # a read-only store of an earlier schema
    heading = [c for c in versions.c if c.name not in absent.get("versions", [])]
    head = conn.execute(sa.select(*heading).where(versions.c.id == version_id)).one_or_none()
    if head is None:
        raise VersionNotFoundError(version_id)
    missing = set(absent.get("version_rows", []))
    columns = [c for c in version_rows.c if c.name not in missing]
    rows = conn.execute(
        sa.select(*columns).where(version_rows.c.version_id == version_id).order_by(version_rows.c.position)
    ).all()
    levers, extras = head.column_order["levers"], head.column_order["extras"]
    records = [
        {
            **{name: getattr(r, name, "") for name in IDENTITY_COLUMNS},
            **{lv: r.levels[lv] for lv in levers},
            **{name: getattr(r, name, "") for name in DIALOGUE_COLUMNS},
            **{x: r.extras.get(x, "") for x in extras},
        }
        for r in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=[*IDENTITY_COLUMNS, *levers, *DIALOGUE_COLUMNS, *extras])
    for lever in levers:
        frame[lever] = frame[lever].astype("int64")
    table = ProgrammeTable(frame, meta=dict(head.meta), extra_columns=list(extras))
    return StoredVersion(
        id=head.id,
        table=table,
        created_at=_utc(head.created_at),
        author=head.author,
        comment=head.comment,
        kind=head.kind,
        parent_id=head.parent_id,
        stored_definition=getattr(head, "definition", None) or None,
    )


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(value: object) -> datetime | None:
    """A stored date (a datetime from PostgreSQL, ISO text from SQLite); None if damaged."""
    if isinstance(value, datetime):
        return _utc(value)
    try:
        return _utc(datetime.fromisoformat(str(value)))
    except ValueError:
        return None


def _whole(value: object) -> int | None:
    """A stored whole number; None if missing or damaged."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)  # type: ignore[call-overload]  # any stored value: what int() refuses is caught
    except (TypeError, ValueError):
        return None


def _copy(table: ProgrammeTable) -> ProgrammeTable:
    return ProgrammeTable(
        table.territories.copy(),
        meta=dict(table.meta),
        warnings=list(table.warnings),
        extra_columns=list(table.extra_columns),
    )
