"""Live workshop rooms: the room's state and its participants' answers, in the programme's database.

A facilitator opens a **room**; participants answer from their phones (``/participer?salle=CODE``);
the projector shows the answers. Several server processes may serve the same workshop (behind a
load balancer, one PostgreSQL): everything a room is lives in the database, never in a process,
so every process sees the same room, the same question and the same answers.

The tables are new and separate from the programme's versions (``rooms_metadata``: only they are
created here; the programme's own tables are left alone):

``rooms``
    id, code (short, unique, what people type), created_at, expires_at, closed_at, question
    (1 = the levers' levels, 2 = the lever to strengthen first), question_open, results_visible,
    round (a reset starts a new round: earlier answers are kept for the export, not shown),
    programme_version (the programme's version when the room was opened), opened_by.
``room_answers``
    one row per participant, question and round (unique): the participant's random token, the
    territory chosen (a programme code, or « autre territoire » with its size band and a name),
    the answer (levels as JSON lever → level, or the priority lever), first_at, updated_at,
    changes. Changing an answer updates the row: one current answer per participant.

``room_joins``
    one row per participant and round: when they first answered, from which network (a tag:
    a hash of the client address and of the room, never the address itself) and which browser
    session (hashed too). The room's size, the arrivals per network and per session are counted
    here, in the transaction that admits a participant (the room's row locked on PostgreSQL,
    ``BEGIN IMMEDIATE`` on SQLite): two processes cannot both admit the 300th participant.
``room_guesses``
    unknown room codes tried, per network and per session (hashed), kept :attr:`Limits.guess_window`.

Limits (:class:`Limits`, each refusal a French message): room size (distinct participants of the
current round), new participants per network per minute and per round, per browser session,
minimum seconds between two answers of a participant, changes per question, text length, the
room's lifetime, open rooms at once, unknown codes tried. Times are UTC.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from territorial.core.fmt import fr_int, strip_bidi
from territorial.storage.store import make_engine

log = logging.getLogger(__name__)

#: The questions of a room, in order.
LEVELS, PRIORITY = 1, 2
QUESTIONS = (LEVELS, PRIORITY)
#: Room codes: no 0/O, 1/I/L, easy to read aloud and to type on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_CODE = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
#: A participant's token: 22 URL-safe characters (128 random bits).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
OTHER = "autre"

REMOVED_TEXT = (
    "L'animateur a retiré cette participation de la salle. S'il s'agit d'une erreur, "
    "demandez-lui de remettre la salle à zéro."
)
UNAVAILABLE_TEXT = (
    "Les salles d'atelier sont momentanément inaccessibles (stockage des données). Réessayez dans "
    "quelques instants ; le détail de l'erreur est dans le journal du serveur."
)


@dataclass(frozen=True)
class Limits:
    """What one room accepts (see docs/atelier-et-salle.md)."""

    participants: int = 300
    interval: float = 2.0  # seconds between two answers of one participant
    changes: int = 50  # saved answers per participant and question
    name_length: int = 80  # the name of an « autre territoire »
    lifetime: timedelta = timedelta(hours=4)
    open_rooms: int = 20
    # New participants from one network (client address; a /64 for IPv6): a room of 60 people
    # on one Wi-Fi, behind one public address, all join within a minute; one address never
    # fills more than half the room. One browser session: a few tokens (a page reloaded without
    # its ?jeton=), not one per rerun.
    joins_per_client_minute: int = 60
    joins_per_client: int = 150
    joins_per_session: int = 3
    # Arrivals from one network within one minute shown to the facilitator as a « burst ».
    burst: int = 10
    # Unknown room codes tried: per network and per browser session, in a sliding window.
    guesses_per_client: int = 30
    guesses_per_session: int = 10
    guess_window: timedelta = timedelta(minutes=10)


LIMITS = Limits()


class RoomError(ValueError):
    """A French message for the person who acted (nothing was saved)."""


class RoomNotFoundError(RoomError):
    pass


class RoomClosedError(RoomError):
    pass


class TooManyGuessesError(RoomError):
    """Too many unknown room codes tried from this network or this session."""


class RoomUnavailableError(RoomError):
    """The database could not be read or written (details in the server log)."""

    def __init__(self) -> None:
        super().__init__(UNAVAILABLE_TEXT)


@dataclass(frozen=True)
class Room:
    id: int
    code: str
    created_at: datetime
    expires_at: datetime
    closed_at: datetime | None
    question: int
    question_open: bool
    results_visible: bool
    round: int
    programme_version: int | None
    opened_by: str

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def is_open(self, now: datetime) -> bool:
        """Whether participants may still answer (not closed, not expired)."""
        return self.closed_at is None and not self.expired(now)

    def status(self, now: datetime) -> str:
        """« ouverte », « fermée » or « expirée »."""
        if self.closed_at is not None:
            return "fermée"
        return "expirée" if self.expired(now) else "ouverte"

    @property
    def last_question(self) -> bool:
        return self.question >= QUESTIONS[-1]


@dataclass(frozen=True)
class Territory:
    """Who a participant answers for: a programme territory, or an « autre territoire »."""

    code: str | None  # None for an « autre territoire »
    type: str  # the programme's type, or "autre"
    name: str
    segment: str


@dataclass(frozen=True)
class Answer:
    room_id: int
    question: int
    round: int
    participant: str
    territory: Territory
    levels: dict[str, int] | None
    priority: str | None
    first_at: datetime
    updated_at: datetime
    changes: int


# --------------------------------------------------------------------------- schema

rooms_metadata = sa.MetaData()

rooms = sa.Table(
    "rooms",
    rooms_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(12), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("question", sa.Integer, nullable=False),
    sa.Column("question_open", sa.Boolean, nullable=False),
    sa.Column("results_visible", sa.Boolean, nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("programme_version", sa.Integer, nullable=True),
    sa.Column("opened_by", sa.String(200), nullable=False),
)

room_answers = sa.Table(
    "room_answers",
    rooms_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_id", sa.Integer, sa.ForeignKey("rooms.id"), nullable=False),
    sa.Column("question", sa.Integer, nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("participant", sa.String(64), nullable=False),
    sa.Column("territory_code", sa.String(40), nullable=True),
    sa.Column("territory_type", sa.String(20), nullable=False),
    sa.Column("territory_name", sa.String(200), nullable=False),
    sa.Column("segment", sa.String(20), nullable=False),
    sa.Column("levels", sa.Text, nullable=True),
    sa.Column("priority", sa.String(20), nullable=True),
    sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changes", sa.Integer, nullable=False),
    sa.UniqueConstraint("room_id", "question", "round", "participant", name="uq_room_answer"),
    sa.Index("ix_room_answers_room", "room_id", "question", "round"),
)

room_joins = sa.Table(
    "room_joins",
    rooms_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_id", sa.Integer, sa.ForeignKey("rooms.id"), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("participant", sa.String(64), nullable=False),
    sa.Column("client", sa.String(32), nullable=False),
    sa.Column("session", sa.String(32), nullable=False),
    sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("removed", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("room_id", "round", "participant", name="uq_room_join"),
    sa.Index("ix_room_joins_client", "room_id", "round", "client", "joined_at"),
)

room_guesses = sa.Table(
    "room_guesses",
    rooms_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client", sa.String(32), nullable=False),
    sa.Column("session", sa.String(32), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_room_guesses_client", "client", "at"),
    sa.Index("ix_room_guesses_session", "session", "at"),
)


def tag(*parts: object) -> str:
    """A short one-way tag of ``parts`` (an address, a session id): counted, never shown or kept in clear."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Burst:
    """New participants from one network within one minute (shown to the facilitator)."""

    network: int  # 1, 2 … in order of first arrival: the network's number in this round
    minute: datetime
    participants: tuple[str, ...]


ANSWER_COLUMNS = [
    "question",
    "round",
    "participant",
    "territory_code",
    "territory_type",
    "territory_name",
    "segment",
    "levels",
    "priority",
    "first_at",
    "updated_at",
    "changes",
]


def normalise_code(text: object) -> str | None:
    """A room code as typed (« abc 234 », « ABC-234 ») → « ABC234 », or None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    cleaned = re.sub(r"[\s\-.]", "", text).upper()
    return cleaned if _CODE.fullmatch(cleaned) else None


def new_token() -> str:
    """A participant's random token (no personal data: 128 random bits)."""
    return secrets.token_urlsafe(16)


def valid_token(text: object) -> bool:
    return isinstance(text, str) and bool(_TOKEN.fullmatch(text))


def _utc(value: object) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _room(row) -> Room:
    return Room(
        id=int(row.id),
        code=row.code,
        created_at=_utc(row.created_at),
        expires_at=_utc(row.expires_at),
        closed_at=None if row.closed_at is None else _utc(row.closed_at),
        question=int(row.question),
        question_open=bool(row.question_open),
        results_visible=bool(row.results_visible),
        round=int(row.round),
        programme_version=None if row.programme_version is None else int(row.programme_version),
        opened_by=row.opened_by,
    )


def _answer(row) -> Answer:
    return Answer(
        room_id=int(row.room_id),
        question=int(row.question),
        round=int(row.round),
        participant=row.participant,
        territory=Territory(row.territory_code, row.territory_type, row.territory_name, row.segment),
        levels=json.loads(row.levels) if row.levels else None,
        priority=row.priority,
        first_at=_utc(row.first_at),
        updated_at=_utc(row.updated_at),
        changes=int(row.changes),
    )


def not_found_text(code: str) -> str:
    return (
        f"Aucune salle ne porte le code « {code} ». Vérifiez le code affiché à l'écran de l'atelier "
        "(6 caractères, lettres et chiffres)."
    )


class RoomStore:
    """Rooms and answers in one database (SQLite or PostgreSQL), shared by every server process."""

    def __init__(
        self,
        engine: Engine,
        *,
        limits: Limits | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        create: bool = True,
    ) -> None:
        self.engine = engine
        self.limits = limits or LIMITS
        self.clock = clock
        if create:
            try:
                rooms_metadata.create_all(engine)  # the rooms' tables only
            except SQLAlchemyError as exc:
                log.error("Tables des salles d'atelier impossibles à créer.", exc_info=exc)
                raise RoomUnavailableError() from exc

    @classmethod
    def open(cls, url: str, **kwargs) -> RoomStore:
        return cls(make_engine(url), **kwargs)

    def now(self) -> datetime:
        return _utc(self.clock())

    @contextmanager
    def _connection(self, *, write: bool = False) -> Iterator[Connection]:
        try:
            conn = self.engine.connect()
            if write:
                conn = conn.execution_options(write=True)  # SQLite: BEGIN IMMEDIATE (store.py)
            with conn, conn.begin():
                yield conn
        except IntegrityError:
            raise  # a concurrent insert of the same row: the caller retries
        except SQLAlchemyError as exc:
            log.error("Salles d'atelier : lecture ou écriture impossible.", exc_info=exc)
            raise RoomUnavailableError() from exc

    # ------------------------------------------------------------------ rooms

    def open_room(self, *, opened_by: str = "animateur", programme_version: int | None = None) -> Room:
        """A new room, its first question open, results shown; a fresh unique code."""
        now = self.now()
        with self._connection(write=True) as conn:
            if conn.dialect.name == "postgresql":  # two processes cannot both open the 21st room
                conn.exec_driver_sql("LOCK TABLE rooms IN SHARE ROW EXCLUSIVE MODE")
            live = conn.execute(
                sa.select(sa.func.count())
                .select_from(rooms)
                .where(rooms.c.closed_at.is_(None), rooms.c.expires_at > now)
            ).scalar_one()
            if live >= self.limits.open_rooms:
                raise RoomError(
                    f"Déjà {fr_int(live)} salles ouvertes (au plus {fr_int(self.limits.open_rooms)} à la fois) : "
                    "fermez-en une avant d'en ouvrir une autre."
                )
            taken = set(conn.execute(sa.select(rooms.c.code)).scalars())
            code = next(c for c in iter(_random_code, None) if c not in taken)
            conn.execute(
                sa.insert(rooms).values(
                    code=code,
                    created_at=now,
                    expires_at=now + self.limits.lifetime,
                    closed_at=None,
                    question=LEVELS,
                    question_open=True,
                    results_visible=True,
                    round=1,
                    programme_version=programme_version,
                    opened_by=opened_by[:200],
                )
            )
        return self.get(code)

    def get(self, code: str) -> Room:
        """The room with this code (any status); :class:`RoomNotFoundError` otherwise."""
        normal = normalise_code(code)
        if normal is None:
            raise RoomNotFoundError(not_found_text(str(code)[:40]))
        with self._connection() as conn:
            row = conn.execute(sa.select(rooms).where(rooms.c.code == normal)).first()
        if row is None:
            raise RoomNotFoundError(not_found_text(normal))
        return _room(row)

    def lookup(self, code: str, *, client: str, session: str) -> Room:
        """:meth:`get` for a visitor: unknown codes are counted, per network and per session.

        Beyond :attr:`Limits.guesses_per_client` unknown codes from one network, or
        :attr:`Limits.guesses_per_session` from one session, in :attr:`Limits.guess_window`,
        no code is looked up any more (:class:`TooManyGuessesError`) until older tries expire.
        The counts are in the database: every server process shares them.
        """
        now = self.now()
        client_tag, session_tag = tag("salle", client), tag("salle", session)
        since = now - self.limits.guess_window
        with self._connection() as conn:
            by_client, by_session = conn.execute(
                sa.select(
                    sa.func.count().filter(room_guesses.c.client == client_tag),
                    sa.func.count().filter(room_guesses.c.session == session_tag),
                ).where(
                    room_guesses.c.at > since,
                    (room_guesses.c.client == client_tag) | (room_guesses.c.session == session_tag),
                )
            ).one()
        if by_client >= self.limits.guesses_per_client or by_session >= self.limits.guesses_per_session:
            minutes = fr_int(self.limits.guess_window.total_seconds() // 60)
            raise TooManyGuessesError(
                "Trop de codes de salle inconnus essayés depuis cet appareil ou ce réseau : réessayez dans "
                f"{minutes} minutes, avec le code affiché à l'écran de l'atelier."
            )
        try:
            return self.get(code)
        except RoomNotFoundError:
            with self._connection(write=True) as conn:
                conn.execute(sa.delete(room_guesses).where(room_guesses.c.at <= since))
                conn.execute(sa.insert(room_guesses).values(client=client_tag, session=session_tag, at=now))
            raise

    def joinable(self, code: str, *, client: str | None = None, session: str = "") -> Room:
        """The room, if participants may answer in it; a French refusal otherwise.

        With ``client`` (a visitor's address), unknown codes are counted (:meth:`lookup`).
        """
        room = self.get(code) if client is None else self.lookup(code, client=client, session=session)
        now = self.now()
        if room.closed_at is not None:
            raise RoomClosedError(
                f"La salle « {room.code} » est fermée : l'animateur a clos les réponses. Merci de votre participation !"
            )
        if room.expired(now):
            raise RoomClosedError(
                f"La salle « {room.code} » a expiré (une salle reste ouverte "
                f"{fr_int(self.limits.lifetime.total_seconds() // 3600)} heures au plus). "
                "Demandez à l'animateur d'en ouvrir une nouvelle."
            )
        return room

    def rooms(self) -> list[Room]:
        """Every room, the most recent first (the workshop's dated records)."""
        with self._connection() as conn:
            rows = conn.execute(sa.select(rooms).order_by(rooms.c.created_at.desc(), rooms.c.id.desc())).all()
        return [_room(r) for r in rows]

    def counts(self) -> dict[int, tuple[int, int]]:
        """Room id → (answers, distinct participants), over every question and round."""
        with self._connection() as conn:
            rows = conn.execute(
                sa.select(
                    room_answers.c.room_id,
                    sa.func.count(),
                    sa.func.count(sa.distinct(room_answers.c.participant)),
                ).group_by(room_answers.c.room_id)
            ).all()
        return {int(r[0]): (int(r[1]), int(r[2])) for r in rows}

    def _update(self, code: str, *, require_open: bool = True, **values) -> Room:
        room = self.get(code)
        if require_open and not room.is_open(self.now()):
            raise RoomClosedError(f"La salle « {room.code} » est {room.status(self.now())} : rien n'a été modifié.")
        with self._connection(write=True) as conn:
            conn.execute(sa.update(rooms).where(rooms.c.id == room.id).values(**values))
        return self.get(room.code)

    def set_question_open(self, code: str, is_open: bool) -> Room:
        """Close (or reopen) the current question: answers are refused while it is closed."""
        return self._update(code, question_open=is_open)

    def next_question(self, code: str) -> Room:
        """Move to the next question, open."""
        room = self.get(code)
        if room.last_question:
            raise RoomError("C'est déjà la dernière question.")
        return self._update(code, question=room.question + 1, question_open=True)

    def previous_question(self, code: str) -> Room:
        room = self.get(code)
        if room.question <= QUESTIONS[0]:
            raise RoomError("C'est déjà la première question.")
        return self._update(code, question=room.question - 1, question_open=True)

    def set_results_visible(self, code: str, visible: bool) -> Room:
        return self._update(code, require_open=False, results_visible=visible)

    def reset(self, code: str) -> Room:
        """A new round: the counts start again from zero, the room is free again (earlier answers
        stay in the export)."""
        room = self.get(code)
        return self._update(code, round=room.round + 1, question=QUESTIONS[0], question_open=True)

    def close_room(self, code: str) -> Room:
        """Close the room for good: no more answers; its record stays (list, export)."""
        room = self.get(code)
        if room.closed_at is not None:
            return room
        return self._update(code, require_open=False, closed_at=self.now(), question_open=False)

    # ------------------------------------------------------------------ answers

    def answer(
        self,
        code: str,
        participant: str,
        territory: Territory,
        *,
        question: int,
        levels: dict[str, int] | None = None,
        priority: str | None = None,
        client: str = "",
        session: str = "",
    ) -> Answer:
        """Save (or change) this participant's answer to the room's current question.

        ``question`` is the question the participant saw: if the facilitator has moved on
        meanwhile, the answer is refused rather than counted for another question. ``client``
        (the visitor's address) and ``session`` (the browser session) bound the new
        participants one network or one session brings (:meth:`_join`).
        """
        if not valid_token(participant):
            raise RoomError("Identifiant de participant invalide : rechargez la page depuis le lien de la salle.")
        territory = self._checked_territory(territory)
        if question == LEVELS:
            if not levels or not all(isinstance(v, int) and not isinstance(v, bool) for v in levels.values()):
                raise RoomError("Réponse incomplète : choisissez un niveau pour chaque levier.")
            payload = {"levels": json.dumps(levels, sort_keys=True), "priority": None}
        elif question == PRIORITY:
            if not priority:
                raise RoomError("Réponse incomplète : choisissez le levier à renforcer en priorité.")
            payload = {"levels": None, "priority": str(priority)[:20]}
        else:
            raise RoomError("Question inconnue.")
        room = self.joinable(code)
        if room.question != question:
            raise RoomClosedError(
                "L'animateur est passé à une autre question pendant que vous répondiez : votre réponse n'a pas "
                "été enregistrée. La nouvelle question est affichée."
            )
        if not room.question_open:
            raise RoomClosedError("Cette question est close : les réponses ne sont plus modifiables.")
        now = self.now()
        key = (
            (room_answers.c.room_id == room.id)
            & (room_answers.c.question == question)
            & (room_answers.c.round == room.round)
            & (room_answers.c.participant == participant)
        )
        values = {
            "territory_code": territory.code,
            "territory_type": territory.type,
            "territory_name": territory.name,
            "segment": territory.segment,
            **payload,
            "updated_at": now,
        }
        joined = (
            (room_joins.c.room_id == room.id)
            & (room_joins.c.round == room.round)
            & (room_joins.c.participant == participant)
        )
        # A new participant is admitted first, in a short transaction of its own that locks the
        # room (:meth:`_join`); the answer itself then takes no room-wide lock, only a share lock
        # on its own admission (a removal by the facilitator waits for it, or comes first). With
        # the answer inside the room's lock, 300 phones queued behind one another and held every
        # pooled connection, the projector's included (issue 25).
        for attempt in range(3):  # a concurrent first answer (another tab, another process): update it
            try:
                with self._connection(write=True) as conn:
                    admitted = conn.execute(sa.select(room_joins.c.removed).where(joined).with_for_update(read=True))
                    admission = admitted.first()
                    if admission is None:
                        saved = None
                    else:
                        if admission.removed:
                            raise RoomError(REMOVED_TEXT)
                        saved = self._save(conn, key, room, participant, question, values, now)
                if saved is None:
                    self._join(room, participant, client=client, session=session, now=now)
                    continue
                return _answer(saved)
            except IntegrityError as exc:
                if attempt < 2:
                    continue
                log.error("Salles d'atelier : réponse impossible à enregistrer.", exc_info=exc)
        raise RoomUnavailableError()

    def _save(self, conn: Connection, key, room: Room, participant: str, question: int, values: dict, now: datetime):
        """Insert or update the answer (``key``: its row) in the caller's transaction; the saved row."""
        row = conn.execute(sa.select(room_answers).where(key)).first()
        if row is not None:
            self._check_change(row, now)
            conn.execute(sa.update(room_answers).where(key).values(**values, changes=room_answers.c.changes + 1))
        else:
            conn.execute(
                sa.insert(room_answers).values(
                    room_id=room.id,
                    question=question,
                    round=room.round,
                    participant=participant,
                    first_at=now,
                    changes=1,
                    **values,
                )
            )
        return conn.execute(sa.select(room_answers).where(key)).one()

    def _checked_territory(self, territory: Territory) -> Territory:
        name = " ".join(strip_bidi(territory.name).split())
        if territory.code is None:
            if len(name) > self.limits.name_length:
                raise RoomError(
                    f"Nom du territoire trop long ({fr_int(len(name))} caractères) : "
                    f"{fr_int(self.limits.name_length)} au plus."
                )
            if any(ord(c) < 32 for c in name):
                raise RoomError("Le nom du territoire contient des caractères de contrôle : retirez-les.")
        if not territory.segment:
            raise RoomError("Choisissez la taille de votre territoire.")
        return replace(territory, name=name[:200])

    def _check_change(self, row, now: datetime) -> None:
        waited = (now - _utc(row.updated_at)).total_seconds()
        if waited < self.limits.interval:
            raise RoomError(
                f"Réponse trop rapprochée de la précédente : attendez {fr_int(self.limits.interval)} secondes "
                "entre deux envois, puis renvoyez-la."
            )
        if int(row.changes) >= self.limits.changes:
            raise RoomError(
                f"Vous avez déjà modifié cette réponse {fr_int(self.limits.changes)} fois : c'est le maximum "
                "pour une question. Votre dernière réponse est gardée."
            )

    def _join(self, room: Room, participant: str, *, client: str, session: str, now: datetime) -> None:
        """Admit ``participant`` to the room's current round, or refuse in French.

        The room's row is locked while the counts are checked and the admission inserted, so
        that they cannot race between processes. On PostgreSQL the lock, the checks and the
        insert travel in one message and commit with it (:meth:`_admit_at_once`): the lock is
        held for the server's own milliseconds, never while a busy server process gets back to
        its next statement (with the lock held over four round trips, 300 phones queued, each
        holding a pooled connection, and the projector waited for one: issue 25). SQLite's
        write transactions are serialised anyway.
        """
        client_tag, session_tag = tag(room.id, room.code, client), tag(room.id, session)
        row = {
            "room_id": room.id,
            "round": room.round,
            "participant": participant,
            "client": client_tag,
            "session": session_tag,
            "joined_at": now,
            "removed": False,
        }
        if self.engine.dialect.name == "postgresql":
            if self._admit_at_once(room, row, checked_session=bool(session)):
                return
            with self._connection() as conn:  # refused, or admitted meanwhile (another tab): which?
                counts = self._join_counts(conn, room, participant, client_tag, session_tag, now)
            self._refuse(*counts, checked_session=bool(session))
            return
        with self._connection(write=True) as conn:
            counts = self._join_counts(conn, room, participant, client_tag, session_tag, now)
            self._refuse(*counts, checked_session=bool(session))
            if not counts[0]:
                conn.execute(sa.insert(room_joins).values(**row))

    def _here(self, room: Room):
        return (room_joins.c.room_id == room.id) & (room_joins.c.round == room.round)

    def _join_counts(
        self, conn: Connection, room: Room, participant: str, client_tag: str, session_tag: str, now: datetime
    ) -> tuple[int, int, int, int, int]:
        """This participant's admissions (0 or 1), then the room's, this network's (ever, last
        minute) and this browser session's, in the current round."""
        mine, people, from_client, recent, from_session = conn.execute(
            sa.select(
                sa.func.count().filter(room_joins.c.participant == participant),
                sa.func.count().filter(room_joins.c.removed.is_(False)),
                sa.func.count().filter(room_joins.c.client == client_tag),
                sa.func.count().filter(
                    room_joins.c.client == client_tag, room_joins.c.joined_at > now - timedelta(minutes=1)
                ),
                sa.func.count().filter(room_joins.c.session == session_tag),
            ).where(self._here(room))
        ).one()
        return mine, people, from_client, recent, from_session

    def _refuse(
        self, known: int, people: int, from_client: int, recent: int, from_session: int, *, checked_session: bool
    ) -> None:
        """The French refusal of a new participant beyond a limit (nothing for one already admitted)."""
        if known:  # admitted meanwhile (another tab): the answer's transaction checks its removal
            return
        if people >= self.limits.participants:
            raise RoomError(
                f"La salle est complète : {fr_int(self.limits.participants)} participants au plus. "
                "Regardez les résultats à l'écran, ou répondez avec un voisin."
            )
        if recent >= self.limits.joins_per_client_minute:
            raise RoomError(
                f"Déjà {fr_int(recent)} nouveaux participants depuis ce réseau dans la dernière minute : "
                "attendez une minute, puis renvoyez votre réponse (elle n'a pas été enregistrée)."
            )
        if from_client >= self.limits.joins_per_client or (
            checked_session and from_session >= self.limits.joins_per_session
        ):
            raise RoomError(
                "Trop de participants depuis cet appareil ou ce réseau dans cette salle : votre réponse n'a pas "
                "été enregistrée. Demandez à l'animateur."
            )

    def _admit_at_once(self, room: Room, row: dict, *, checked_session: bool) -> bool:
        """PostgreSQL: lock the room, insert the admission if every limit allows it, commit — one
        message (simple query protocol, autocommit: the statements form one transaction, the
        second reads what the previous lock holder committed). Whether the row was inserted."""
        from sqlalchemy.dialects import postgresql

        here = self._here(room)

        def count(*where) -> sa.ScalarSelect:
            return sa.select(sa.func.count()).select_from(room_joins).where(here, *where).scalar_subquery()

        allowed = [
            count(room_joins.c.removed.is_(False)) < self.limits.participants,
            count(room_joins.c.client == row["client"]) < self.limits.joins_per_client,
            count(
                room_joins.c.client == row["client"], room_joins.c.joined_at > row["joined_at"] - timedelta(minutes=1)
            )
            < self.limits.joins_per_client_minute,
        ]
        if checked_session:
            allowed.append(count(room_joins.c.session == row["session"]) < self.limits.joins_per_session)
        columns = list(row)
        insert = (
            postgresql.insert(room_joins)
            .from_select(
                columns, sa.select(*[sa.literal(row[c], room_joins.c[c].type) for c in columns]).where(*allowed)
            )
            .on_conflict_do_nothing(constraint="uq_room_join")
            .returning(room_joins.c.id)
        )
        lock = sa.select(rooms.c.id).where(rooms.c.id == room.id).with_for_update()
        dialect = postgresql.psycopg.dialect()
        text = ";\n".join(
            str(q.compile(dialect=dialect, compile_kwargs={"literal_binds": True})) for q in (lock, insert)
        )
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                driver = conn.connection.driver_connection
                assert driver is not None  # an open connection has its driver's
                with driver.cursor() as cursor:
                    cursor.execute(text)  # no parameters: psycopg sends it as one simple query
                    cursor.nextset()
                    return cursor.fetchone() is not None
        except (SQLAlchemyError, self._driver_error()) as exc:
            log.error("Salles d'atelier : admission impossible à enregistrer.", exc_info=exc)
            raise RoomUnavailableError() from exc

    def _driver_error(self) -> type[Exception]:
        """The database driver's own error class (raised by a raw cursor, outside SQLAlchemy)."""
        dbapi = self.engine.dialect.dbapi
        return dbapi.Error if dbapi is not None else SQLAlchemyError

    def participants(self, room: Room) -> int:
        """Participants admitted to the room's current round (removed ones excepted)."""
        with self._connection() as conn:
            return conn.execute(
                sa.select(sa.func.count()).where(
                    room_joins.c.room_id == room.id, room_joins.c.round == room.round, room_joins.c.removed.is_(False)
                )
            ).scalar_one()

    def bursts(self, room: Room) -> list[Burst]:
        """Arrivals of at least :attr:`Limits.burst` new participants from one network within one
        minute, in the current round, the largest first (what the facilitator may remove)."""
        with self._connection() as conn:
            rows = conn.execute(
                sa.select(room_joins.c.participant, room_joins.c.client, room_joins.c.joined_at)
                .where(
                    room_joins.c.room_id == room.id, room_joins.c.round == room.round, room_joins.c.removed.is_(False)
                )
                .order_by(room_joins.c.joined_at, room_joins.c.id)
            ).all()
        networks: dict[str, int] = {}
        groups: dict[tuple[str, datetime], list[str]] = {}
        for participant, client, joined in rows:
            networks.setdefault(client, len(networks) + 1)
            minute = _utc(joined).replace(second=0, microsecond=0)
            groups.setdefault((client, minute), []).append(participant)
        found = [
            Burst(networks[client], minute, tuple(people))
            for (client, minute), people in groups.items()
            if len(people) >= self.limits.burst
        ]
        return sorted(found, key=lambda b: (-len(b.participants), b.minute))

    def remove_participants(self, code: str, participants: tuple[str, ...] | list[str]) -> int:
        """Take these participants out of the current round: their answers of this round are
        deleted, they cannot answer again in it, and their places are free. Returns how many."""
        room = self.get(code)
        chosen = list(participants)
        if not chosen:
            return 0
        with self._connection(write=True) as conn:
            removed = conn.execute(
                sa.update(room_joins)
                .where(
                    room_joins.c.room_id == room.id,
                    room_joins.c.round == room.round,
                    room_joins.c.participant.in_(chosen),
                    room_joins.c.removed.is_(False),
                )
                .values(removed=True)
            ).rowcount
            conn.execute(
                sa.delete(room_answers).where(
                    room_answers.c.room_id == room.id,
                    room_answers.c.round == room.round,
                    room_answers.c.participant.in_(chosen),
                )
            )
        return int(removed)

    def participant_answer(self, room: Room, participant: str, *, question: int | None = None) -> Answer | None:
        """This participant's current answer to ``question`` (default: the current one), in this round."""
        question = question or room.question
        with self._connection() as conn:
            row = conn.execute(
                sa.select(room_answers).where(
                    room_answers.c.room_id == room.id,
                    room_answers.c.question == question,
                    room_answers.c.round == room.round,
                    room_answers.c.participant == participant,
                )
            ).first()
        return None if row is None else _answer(row)

    def last_territory(self, room: Room, participant: str) -> Territory | None:
        """The territory this participant last answered for in this room (to prefill the form)."""
        with self._connection() as conn:
            row = conn.execute(
                sa.select(room_answers)
                .where(room_answers.c.room_id == room.id, room_answers.c.participant == participant)
                .order_by(room_answers.c.updated_at.desc())
                .limit(1)
            ).first()
        return None if row is None else _answer(row).territory

    def answers(self, room: Room, *, question: int | None = None, current_round: bool = True) -> pd.DataFrame:
        """The room's answers, one row each (``levels`` decoded to a dict), oldest first."""
        conditions = [room_answers.c.room_id == room.id]
        if question is not None:
            conditions.append(room_answers.c.question == question)
        if current_round:
            conditions.append(room_answers.c.round == room.round)
        with self._connection() as conn:
            rows = conn.execute(
                sa.select(*[room_answers.c[c] for c in ANSWER_COLUMNS])
                .where(*conditions)
                .order_by(room_answers.c.first_at, room_answers.c.id)
            ).all()
        records = []
        for row in rows:
            record = dict(zip(ANSWER_COLUMNS, row, strict=True))
            record["levels"] = json.loads(record["levels"]) if record["levels"] else None
            record["first_at"], record["updated_at"] = _utc(record["first_at"]), _utc(record["updated_at"])
            records.append(record)
        return pd.DataFrame(records, columns=ANSWER_COLUMNS, dtype=object).astype(
            {"question": int, "round": int, "changes": int}
        )

    def snapshot(self, code: str) -> tuple[Room, pd.DataFrame]:
        """The room and the answers to its current question in its current round (the projector)."""
        room = self.get(code)
        return room, self.answers(room, question=room.question)


def _random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


__all__ = [
    "LEVELS",
    "LIMITS",
    "OTHER",
    "PRIORITY",
    "QUESTIONS",
    "Answer",
    "Burst",
    "Limits",
    "Room",
    "RoomClosedError",
    "RoomError",
    "RoomNotFoundError",
    "RoomStore",
    "RoomUnavailableError",
    "Territory",
    "TooManyGuessesError",
    "new_token",
    "normalise_code",
    "tag",
    "valid_token",
]
