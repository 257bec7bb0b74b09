"""Live workshop room, what its two pages share: the rooms of the database, the visitor, the
room code of the address, the participation address and its QR code, the rooms' CSS.

The participant's form (``/participer``) is :mod:`territorial.ui.room_participant`, the
facilitator's projector (``/salle``) :mod:`territorial.ui.room_projector`; what they compute
and the HTML they show, without Streamlit, is :mod:`territorial.content.live_room`.
Rooms and answers live in the programme's database (:mod:`territorial.storage.rooms`), so that
several server processes serve the same room.
"""

from __future__ import annotations

import dataclasses
import fcntl
import io
import os
import socket
import struct
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from territorial.content.live_room import ROOM_PARAM, Address, participation_address
from territorial.core.memo import shared
from territorial.storage.rooms import RoomError, RoomStore, normalise_code
from territorial.storage.store import StoreError
from territorial.ui import data, editor_role, url_state
from territorial.ui.published import base_path

PUBLIC_URL_ENV, PUBLIC_URL_SECRET = "TERRITORIAL_PUBLIC_URL", "public_url"
PARIS = ZoneInfo("Europe/Paris")


def style(css_file: Path) -> None:
    """Put a constant CSS file of ``assets/`` on the page (never data)."""
    st.html(f"<style>{css_file.read_text(encoding='utf-8')}</style>")


@shared()
def _rooms(key: str) -> RoomStore:
    return RoomStore(data.store().engine)


def rooms() -> RoomStore:
    """The rooms of the programme's database (one object per process and database)."""
    try:
        return _rooms(data._store_key())
    except (RoomError, StoreError) as exc:
        st.error(str(exc))
        st.stop()


def visitor() -> tuple[str, str]:
    """This visitor's network (client address, see :func:`editor_role.client`) and browser session id."""
    ctx = get_script_run_ctx()
    return editor_role.client(), (ctx.session_id if ctx is not None else "")


def local(when: datetime) -> str:
    """« 14 h 32 min 05 s » in Paris time."""
    return when.astimezone(PARIS).strftime("%H h %M min %S s")


def room_code() -> tuple[str | None, str | None]:
    """The room code of the URL (normalised), or None, with a French message when unusable."""
    value, _ = url_state.text(ROOM_PARAM, max_length=1_000_000)  # any length: one message, quoted and cut
    if not value.strip():
        return None, None
    code = normalise_code(value)
    if code is None:
        return None, url_state.message(
            ROOM_PARAM, [value], "n'est pas un code de salle (6 lettres et chiffres)", "elle a été ignorée"
        )
    return code, None


def _lan_ip() -> str | None:
    """This machine's address on a local network (not loopback), or None."""
    for target in ("10.254.254.254", "172.31.254.254", "192.168.254.254"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.connect((target, 9))  # no packet is sent: only the route is looked up
                ip = sock.getsockname()[0]
        except OSError:
            continue
        if not ip.startswith("127."):
            return ip
    try:  # no route at all (a hotspot without internet): the first interface with an address
        for _, name in socket.if_nameindex():
            if name == "lo":
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                packed = struct.pack("256s", name[:15].encode())
                try:
                    ip = socket.inet_ntoa(fcntl.ioctl(sock.fileno(), 0x8915, packed)[20:24])  # SIOCGIFADDR
                except OSError:
                    continue
                if not ip.startswith("127."):
                    return ip
    except OSError:
        pass
    return None


def address(*, lan: bool = True) -> Address:
    """Where phones reach this dashboard (see :func:`live_room.participation_address`); without
    ``lan``, the address this browser used rather than the machine's address on the local network."""
    configured = os.environ.get(PUBLIC_URL_ENV, "").strip() or data.secret(PUBLIC_URL_SECRET)
    forwarded = st.context.headers.get("X-Forwarded-Proto")
    found = participation_address(
        configured=configured,
        host=st.context.headers.get("Host"),
        lan_ip=_lan_ip() if lan else None,
        port=int(st.get_option("server.port")),
        scheme="https" if forwarded == "https" else "http",
    )
    # Published under a path (behind nginx, /territoires/): the pages are there too. A configured
    # public address already says where the dashboard is.
    return found if configured else dataclasses.replace(found, base=found.base + base_path())


@st.cache_data(show_spinner=False, max_entries=32)
def qr_png(url: str) -> bytes:
    """The QR code of ``url``, as a PNG made here (segno, no network)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2, dark="#000000", light="#ffffff")
    return buffer.getvalue()
