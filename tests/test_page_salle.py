"""The live workshop pages with AppTest: the participant's form (/participer) and the projector (/salle)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from territorial.editing import access
from territorial.storage import rooms as rooms_module
from territorial.storage import store as store_module
from territorial.storage.rooms import LEVELS, PRIORITY, RoomStore, Territory, new_token
from territorial.ui import data, editor_role, live_room
from tests.conftest import APP

PASSWORD = "mot de passe du programme"
LYON = "200046977"
LEVELS_A = {"L1": 1, "L2": 2, "L3": 0, "L4": 3}


@pytest.fixture(scope="module")
def password_hash() -> str:
    return access.hash_password(PASSWORD)


@pytest.fixture
def env(tmp_path, monkeypatch, fresh_view_caches):
    monkeypatch.setenv(store_module.ENV_DATA_DIR, str(tmp_path / "var"))
    monkeypatch.delenv(store_module.ENV_URL, raising=False)
    monkeypatch.delenv(access.ENV_HASH, raising=False)
    monkeypatch.setattr(rooms_module, "LIMITS", rooms_module.Limits(interval=0))
    for cached in (data._store, data._version, data._programme_at, editor_role.login_guard, live_room._rooms):
        cached.clear()
    yield tmp_path
    data._store.clear()
    live_room._rooms.clear()


@pytest.fixture
def store(env) -> RoomStore:
    return RoomStore.open(store_module.sqlite_url(env / "var"))


def open_page(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    return run(at)


def run(target) -> AppTest:
    """Run the app (an AppTest, or a widget after an interaction) and check it raised nothing."""
    at = target.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def participant(**params: str) -> AppTest:
    return open_page("pages/participer.py", **params)


def answer_levels(at: AppTest, code: str, levels: dict[str, int]) -> AppTest:
    if at.selectbox(key="salle_territoire").value != code:
        run(at.selectbox(key="salle_territoire").select(code))
    for lever, level in levels.items():
        at.radio(key=f"salle_niveau_{lever}").set_value(level)
    button = next(b for b in at.button if b.label in ("Envoyer ma réponse", "Modifier ma réponse"))
    return run(button.click())


def texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def test_without_a_code_the_page_asks_for_it(env, store) -> None:
    room = store.open_room()
    at = participant()
    assert texts(at, "title") == ["Participer à l'atelier"]
    at.text_input[0].input("<b>pas un code</b>")
    run(at.button[0].click())
    assert any("n'est pas un code de salle" in e and "<b>" not in e.replace("\\<b\\>", "") for e in texts(at, "error"))
    at.text_input[0].input(room.code.lower()[:3] + " " + room.code.lower()[3:])
    run(at.button[0].click())
    assert at.query_params["salle"] == room.code
    assert texts(at, "title") == [f"Atelier — salle {room.code}"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ZZZZZZ", "Aucune salle ne porte le code « ZZZZZZ »"),
        ("<script>alert(1)</script>", "n'est pas un code de salle"),
    ],
)
def test_unknown_or_malformed_code(env, store, value, expected) -> None:
    at = participant(salle=value)
    shown = texts(at, "error") + texts(at, "warning")
    assert any(expected in text for text in shown), shown
    assert "<script>" not in " ".join(shown)


def test_closed_and_expired_rooms(env, store) -> None:
    closed = store.open_room()
    store.close_room(closed.code)
    at = participant(salle=closed.code)
    assert texts(at, "title") == ["Salle indisponible"]
    assert any(f"La salle « {closed.code} » est fermée" in e for e in texts(at, "error"))
    assert not at.radio and "jeton" not in at.query_params

    expired = store.open_room()
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(rooms_module.rooms)
            .where(rooms_module.rooms.c.code == expired.code)
            .values(expires_at=store.now() - timedelta(seconds=1))
        )
    at = participant(salle=expired.code)
    assert any("a expiré" in e for e in texts(at, "error"))


def test_participant_answers_then_changes_in_a_new_tab(env, store) -> None:
    room = store.open_room()
    at = participant(salle=room.code)
    token = at.query_params["jeton"]
    assert rooms_module.valid_token(token)
    assert any("Choisissez d'abord votre territoire" in i for i in texts(at, "info"))
    assert not at.radio  # the question comes after the territory
    assert any("Ce qui est gardé" in c for c in texts(at, "caption"))
    answer_levels(at, LYON, LEVELS_A)
    assert any(s.startswith("Réponse enregistrée à") for s in texts(at, "success"))
    assert len(store.answers(room)) == 1

    # A new tab with the same address (the token in it): the same participant, prefilled.
    tab = participant(salle=room.code, jeton=token)
    assert tab.selectbox(key="salle_territoire").value == LYON
    assert tab.radio(key="salle_niveau_L4").value == 3
    answer_levels(tab, LYON, {**LEVELS_A, "L1": 3})
    assert any(s.startswith("Réponse modifiée à") for s in texts(tab, "success"))
    answers = store.answers(room)
    assert len(answers) == 1 and answers.iloc[0]["levels"]["L1"] == 3 and answers.iloc[0]["changes"] == 2

    other = participant(salle=room.code)  # another phone: another participant
    assert other.query_params["jeton"] != token
    answer_levels(other, LYON, LEVELS_A)
    assert len(store.answers(room)) == 2


def test_a_bad_token_is_replaced(env, store) -> None:
    room = store.open_room()
    at = participant(salle=room.code, jeton="<img src=x>")
    assert any("n'est pas un identifiant de participant" in w for w in texts(at, "warning"))
    assert rooms_module.valid_token(at.query_params["jeton"])


def test_incomplete_and_too_fast_answers(env, store, monkeypatch) -> None:
    room = store.open_room()
    at = participant(salle=room.code)
    run(at.selectbox(key="salle_territoire").select(LYON))
    at.radio(key="salle_niveau_L1").set_value(2)
    run(next(b for b in at.button if b.label == "Envoyer ma réponse").click())
    assert any("Réponse incomplète" in e and "Données & méthodes" in e.replace("\\", "") for e in texts(at, "error"))
    assert store.answers(room).empty

    monkeypatch.setattr(rooms_module, "LIMITS", rooms_module.Limits(interval=60))
    live_room._rooms.clear()
    answer_levels(at, LYON, LEVELS_A)
    answer_levels(at, LYON, {**LEVELS_A, "L2": 0})
    assert any("Réponse trop rapprochée" in e for e in texts(at, "error"))
    assert store.answers(room).iloc[0]["levels"]["L2"] == 2


def test_other_territory_name_is_shown_escaped(env, store) -> None:
    room = store.open_room()
    at = participant(salle=room.code)
    run(at.selectbox(key="salle_territoire").select(rooms_module.OTHER))
    assert not at.radio(key="salle_taille").value
    at.radio(key="salle_taille").set_value("S2")
    at.text_input(key="salle_nom").input("**gras** <b>x</b> [lien](http://e.org)")
    run(at)
    answer_levels(at, rooms_module.OTHER, LEVELS_A)
    saved = store.answers(room).iloc[0]
    assert (saved["territory_code"], saved["segment"]) == (None, "S2")
    shown = next(c for c in texts(at, "caption") if c.startswith("Votre réponse actuelle"))
    assert "\\*\\*gras\\*\\*" in shown and "\\<b\\>" in shown  # Markdown and HTML shown as text


def test_closed_question_and_priority_question(env, store) -> None:
    room = store.open_room()
    store.set_question_open(room.code, False)
    at = participant(salle=room.code)
    run(at.selectbox(key="salle_territoire").select(LYON))
    assert any("Cette question est close" in i for i in texts(at, "info"))
    assert not [b for b in at.button if b.label == "Envoyer ma réponse"]
    store.next_question(room.code)
    run(at)
    assert any("Question 2 sur 2" in s for s in texts(at, "header"))
    at.radio(key="salle_priorite").set_value("L3")
    run(next(b for b in at.button if b.label == "Envoyer ma réponse").click())
    assert list(store.answers(room, question=PRIORITY)["priority"]) == ["L3"]


def test_projector_without_the_editor_role_shows_but_does_not_drive(env, store) -> None:
    room = store.open_room()
    store.answer(
        room.code, new_token(), Territory(LYON, "epci", "Métropole de Lyon", "S4"), question=LEVELS, levels=LEVELS_A
    )
    at = open_page("pages/salle.py", salle=room.code)
    assert at.metric[0].label == "Réponses" and at.metric[0].value == "1"
    assert any(f"<strong>{room.code}</strong>" in h.value for h in at.html)
    assert any("/participer?salle=" + room.code in h.value for h in at.html)
    qr = next(h.value for h in at.html if 'class="salle-qr"' in h.value)
    assert 'src="data:image/png;base64,' in qr and f"/participer?salle={room.code}" in qr  # made here, no request
    assert not [b for b in at.button if b.label == "Clore la question"]
    assert any("Réponses par levier" in h.value for h in at.html)

    home = open_page("pages/salle.py")
    assert not [b for b in home.button if b.label == "Ouvrir une salle"]


def test_room_codes_and_answers_are_not_public(env, store, monkeypatch, password_hash) -> None:
    """Issue 23.2: /salle without the role listed every room, its code and its answers' exports."""
    monkeypatch.setenv(access.ENV_HASH, password_hash)
    room, closed = store.open_room(), store.open_room()
    store.answer(
        closed.code, new_token(), Territory(LYON, "epci", "Métropole de Lyon", "S4"), question=LEVELS, levels=LEVELS_A
    )
    store.close_room(closed.code)
    home = open_page("pages/salle.py")
    page = " ".join(texts(home, "markdown") + texts(home, "caption") + [h.value for h in home.html])
    assert room.code not in page and closed.code not in page
    assert not home.get("download_button") and "Salles des ateliers" not in texts(home, "subheader")
    projector = open_page("pages/salle.py", salle=closed.code)  # the code was given: results, no export
    assert projector.metric[0].value == "1" and not projector.get("download_button")

    home.text_input[0].input(PASSWORD)
    run(next(b for b in home.button if b.label == "Se connecter").click())
    shown = " ".join(texts(home, "markdown"))
    assert room.code in shown and closed.code in shown  # the facilitator's dated records
    assert len(home.get("download_button")) == 4


def test_guessing_room_codes_is_limited(env, store) -> None:
    room = store.open_room()
    at = participant(salle="ZZZZZZ")
    for i in range(9):
        at.query_params["salle"] = f"ZZZZ{'ABCDEFGHJK'[i]}2"
        run(at)
    assert any("Aucune salle" in e for e in texts(at, "error"))
    at.query_params["salle"] = room.code  # the 11th try, from the same session: refused, even right
    run(at)
    assert any("Trop de codes de salle inconnus" in e for e in texts(at, "error"))
    assert texts(at, "title") == ["Salle indisponible"]
    projector = open_page("pages/salle.py", salle="ZZZZZY")  # the projector counts too
    assert texts(projector, "title") == ["Salle introuvable"]


def test_fresh_sessions_from_one_address_are_bounded_and_removable(env, store, monkeypatch, password_hash) -> None:
    """Issue 23.1: one client opening a fresh session per forged participant."""
    monkeypatch.setattr(rooms_module, "LIMITS", rooms_module.Limits(interval=0, joins_per_client_minute=3, burst=3))
    monkeypatch.setenv(access.ENV_HASH, password_hash)
    room = store.open_room()
    for _ in range(3):
        answer_levels(participant(salle=room.code), LYON, LEVELS_A)
    fourth = answer_levels(participant(salle=room.code), LYON, LEVELS_A)
    assert any("nouveaux participants depuis ce réseau dans la dernière minute" in e for e in texts(fourth, "error"))
    assert len(store.answers(room)) == 3

    at = open_page("pages/salle.py", salle=room.code)
    next(t for t in at.text_input).input(PASSWORD)
    run(next(b for b in at.button if b.label == "Se connecter").click())
    assert any("3 nouveaux participants depuis un même réseau" in m for m in texts(at, "markdown"))
    run(next(b for b in at.button if b.label == "Retirer ces 3").click())
    assert store.answers(room).empty and at.metric[0].value == "0"


def test_facilitator_opens_and_drives_a_room(env, store, monkeypatch, password_hash) -> None:
    monkeypatch.setenv(access.ENV_HASH, password_hash)
    at = open_page("pages/salle.py")
    at.text_input[0].input(PASSWORD)
    run(next(b for b in at.button if b.label == "Se connecter").click())
    run(next(b for b in at.button if b.label == "Ouvrir une salle").click())
    code = at.query_params["salle"]
    room = store.get(code)
    assert room.programme_version == 1
    assert at.metric[0].value == "0"

    store.answer(
        code, new_token(), Territory(LYON, "epci", "Métropole de Lyon", "S4"), question=LEVELS, levels=LEVELS_A
    )
    run(at)
    assert at.metric[0].value == "1"
    run(at.button(key="salle_clore").click())
    assert store.get(code).question_open is False
    run(at.button(key="salle_masquer").click())
    assert store.get(code).results_visible is False
    assert any("Résultats masqués" in i for i in texts(at, "info"))
    run(at.button(key="salle_suivante").click())
    assert (store.get(code).question, store.get(code).question_open) == (PRIORITY, True)
    assert at.button(key="salle_suivante").disabled
    run(at.button(key="salle_zero").click())
    assert store.get(code).round == 1  # the first press only asks for confirmation
    assert any("pour confirmer" in w for w in texts(at, "warning"))
    run(at.button(key="salle_zero").click())
    assert (store.get(code).round, store.get(code).question) == (2, LEVELS)
    run(at.button(key="salle_fermer").click())
    assert store.get(code).closed_at is not None
    assert any("Salle fermée" in i for i in texts(at, "info"))


def test_qr_code_is_a_png_made_locally() -> None:
    import io

    import segno

    png = live_room.qr_png.__wrapped__("http://192.168.1.20:8501/participer?salle=K7M4QX")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < 5_000
    buffer = io.BytesIO()
    segno.make("http://192.168.1.20:8501/participer?salle=K7M4QX", error="m").save(
        buffer, kind="png", scale=10, border=2, dark="#000000", light="#ffffff"
    )
    assert png == buffer.getvalue()  # the same QR code as segno's, nothing fetched


def test_an_editor_turns_a_closed_room_into_dialogues_after_review(env, store, monkeypatch, password_hash) -> None:
    monkeypatch.setenv(access.ENV_HASH, password_hash)
    at = open_page("pages/salle.py")
    at.text_input[0].input(PASSWORD)
    run(next(b for b in at.button if b.label == "Se connecter").click())
    run(next(b for b in at.button if b.label == "Ouvrir une salle").click())
    code = at.query_params["salle"]
    lyon = Territory(LYON, "epci", "Métropole de Lyon", "S4")
    store.answer(code, new_token(), lyon, question=LEVELS, levels=LEVELS_A)
    store.answer(code, new_token(), lyon, question=LEVELS, levels={"L1": 3, "L2": 2, "L3": 0, "L4": 3})
    store.close_room(code)
    run(at)
    table = next(d.value for d in at.dataframe if "Réponses" in d.value.columns)
    assert table.values.tolist() == [
        ["Métropole de Lyon", LYON, "engagé", "engagé", "non activé", "structurant", 2]  # medians, rounded half up
    ]
    assert any("dialogues : 1 ajouté(s), 0 retiré(s)" in m.value for m in at.markdown)
    store_now = data.store()
    assert store_now.current_id() == 1  # nothing saved before the confirmation
    next(t for t in at.text_input if t.key == f"salle_proposition_{code}_auteur").input("Animatrice")
    run(next(b for b in at.button if b.label == "Enregistrer comme nouvelle version (1 dialogue)").click())
    saved = store_now.current()
    assert saved.id == 2 and saved.author == "Animatrice"
    rows = saved.table.territories
    added = rows[rows["code"] == LYON].iloc[-1]
    assert (added["etape"], added["L1"], added["L4"]) == ("Atelier", 2, 3)
    assert added["notes"] == f"Positionnement des participants en atelier (salle {code})."


def test_a_saved_proposal_says_what_was_saved_and_is_not_checked_again(env, store, monkeypatch, password_hash) -> None:
    """Saved just after midnight in Paris (23:30 UTC): the dialogues are dated the day in Paris,
    the page says which version was made, and never re-checks the saved proposal (which would
    find its own dialogues « à la même date » and say « refusée »)."""
    import datetime as dt

    from territorial.core import clock

    utc = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now_utc", lambda: utc)
    monkeypatch.setenv(access.ENV_HASH, password_hash)
    late = RoomStore.open(store_module.sqlite_url(env / "var"), clock=lambda: utc)
    room = late.open_room(opened_by="animateur", programme_version=1)
    lyon = Territory(LYON, "epci", "Métropole de Lyon", "S4")
    late.answer(room.code, new_token(), lyon, question=LEVELS, levels=LEVELS_A)
    late.close_room(room.code)

    at = open_page("pages/salle.py", salle=room.code)
    at.text_input[0].input(PASSWORD)
    run(next(b for b in at.button if b.label == "Se connecter").click())
    assert any("dialogue du 7 décembre 2026" in c for c in texts(at, "caption"))  # Paris, not UTC's 6th
    next(t for t in at.text_input if t.key == f"salle_proposition_{room.code}_auteur").input("Animatrice")
    run(next(b for b in at.button if b.label == "Enregistrer comme nouvelle version (1 dialogue)").click())

    saved = data.store().current()
    assert saved.id == 2
    rows = saved.table.territories
    assert rows[rows["code"] == LYON].iloc[-1]["date_dialogue"] == "2026-12-07"
    assert texts(at, "error") == []  # nothing « refusé(e) »
    assert texts(at, "success") == [
        "Version 2 enregistrée : 1 dialogue du 7 décembre 2026 (étape « Atelier »), tiré des réponses de la salle."
    ]
    assert [(link.label, link.page) for link in at.get("page_link")][-1][0] == "Voir l'historique des versions"
    assert not [b for b in at.button if b.label.startswith("Enregistrer comme nouvelle version")]

    # Another session (or a reload) finds the dialogues in the current version: no proposal, no error.
    again = open_page("pages/salle.py", salle=room.code)
    again.text_input[0].input(PASSWORD)
    run(next(b for b in again.button if b.label == "Se connecter").click())
    assert texts(again, "error") == []
    assert texts(again, "success") == [
        "Déjà enregistré : la version en vigueur (2) contient 1 dialogue du 7 décembre 2026 "
        "tiré des réponses de cette salle."
    ]
    assert data.store().current_id() == 2


def _page_links(at: AppTest) -> list[str]:
    return [element.proto.label for element in at.get("page_link")]


@pytest.mark.parametrize("with_room", [False, True])
def test_the_projected_salle_leads_back_to_the_other_pages(env, store, with_room) -> None:
    """Projection hides the sidebar: a row of links leads back to the other pages."""
    params = {"salle": store.open_room().code} if with_room else {}
    at = open_page("pages/salle.py", **params)
    assert _page_links(at)[:4] == ["Vue d'ensemble", "Carte", "Atelier", "Données"]
    assert any('[data-testid="stSidebar"]' in s.value and "display: none" in s.value for s in at.html)


def test_a_wrong_password_is_cleared_from_the_field(env, store, monkeypatch, password_hash) -> None:
    """Issue 23.12: the typed password stayed in the login field after a failed attempt."""
    monkeypatch.setenv(access.ENV_HASH, password_hash)
    at = open_page("pages/salle.py")
    at.text_input[0].input("mauvais mot de passe")
    run(next(b for b in at.button if b.label == "Se connecter").click())
    assert any("Mot de passe incorrect" in e for e in texts(at, "error"))
    assert at.text_input[0].value == ""


def test_each_room_page_carries_its_css_from_assets(env, store) -> None:
    """The participant's large targets (assets/participer.css) only on /participer; the projector's
    styles (assets/salle.css) on /salle; the primary buttons keep their colour on both."""
    room = store.open_room()
    phone = [h.value for h in participant(salle=room.code).html]
    projector = [h.value for h in open_page("pages/salle.py", salle=room.code).html]
    assert any("min-height: 48px" in h for h in phone) and not any(".salle-table {" in h for h in phone)
    assert any(".salle-table {" in h for h in projector) and not any("min-height: 48px" in h for h in projector)
    for page in (phone, projector):
        assert any('[data-testid^="stBaseButton-primary"] p { color: inherit' in h for h in page)
