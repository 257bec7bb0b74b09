"""Storage faults played for real in a separate process (see ``tests/test_store_faults.py``).

``python -m tests.store_faults_child SCENARIO DIRECTORY`` plays one scenario in
``DIRECTORY`` and prints one JSON object (what the store and the pages did) on its
last line. The parent runs it as a process to which file permissions apply
(``tests/unprivileged.py``): the read-only directories and files here are refused
by the kernel, not simulated.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from territorial.model.definition import load_definition  # noqa: E402
from territorial.model.programme_file import load_programme_file  # noqa: E402
from territorial.model.reference import load_reference  # noqa: E402
from territorial.storage import store as store_module  # noqa: E402
from territorial.storage.store import Store, StoreError  # noqa: E402

DEMO = ROOT / "data" / "demo_programme.csv"


def _demo_table():
    return load_programme_file(
        DEMO.read_bytes(), filename=DEMO.name, definition=load_definition(), reference=load_reference()
    )


def _error(call) -> dict:
    try:
        value = call()
    except StoreError as exc:
        return {"error": type(exc).__name__, "message": str(exc), "missing": getattr(exc, "missing", None)}
    return {"value": getattr(value, "id", value)}


def _permissions_apply(directory: Path) -> bool:
    """Whether this process is refused a write in a read-only directory (i.e. the test is not vacuous)."""
    probe = directory / "droits"
    probe.mkdir()
    probe.chmod(0o555)
    try:
        (probe / "x").write_text("x")
    except PermissionError:
        return True
    finally:
        probe.chmod(0o755)
        for child in probe.iterdir():
            child.unlink()
        probe.rmdir()
    return False


def _pages(var: Path) -> dict:
    """Run the app's home page and the Données page as a visitor and as an editor; what they show."""
    from streamlit.testing.v1 import AppTest

    from territorial.editing import access

    password = "mot de passe du programme"
    os.environ[store_module.ENV_DATA_DIR] = str(var)
    os.environ[access.ENV_HASH] = access.hash_password(password, n=2**4)
    shown = {}
    for page in ("pages/accueil.py", "pages/donnees.py", "pages/historique.py"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.switch_page(page)
        at.run()
        shown[page] = {
            "exceptions": [str(e.value) for e in at.exception],
            "errors": [e.value for e in at.error],
            "warnings": [w.value for w in at.warning],
            "login": any(t.label == "Mot de passe d'éditeur" for t in at.text_input),
            "downloads": len(at.get("download_button")),
            "title": [t.value for t in at.title],
        }
    return shown


def first_start_in_a_read_only_directory(directory: Path) -> dict:
    var = directory / "var"
    var.mkdir()
    var.chmod(0o555)
    opened = _error(lambda: Store.open(store_module.sqlite_url(var)))
    return {"open": opened, "pages": _pages(var), "files": sorted(os.listdir(var))}


def read_only_directory_and_file(directory: Path) -> dict:
    var = directory / "var"
    store = Store.open(store_module.sqlite_url(var))
    store.ensure_initial(_demo_table())
    store.close()
    database = var / store_module.SQLITE_NAME
    database.chmod(0o444)
    var.chmod(0o555)
    store = Store.open(store_module.sqlite_url(var))
    result = {
        "read_only": store.read_only,
        "current": _error(store.current_id),
        "territories": int(store.current().table.territories["code"].nunique()),
        "save": _error(
            lambda: store.save(store.get(1).table, author="A", comment="", kind="edition", expected_parent=1)
        ),
        "history": store.history()["Version"].tolist(),
    }
    store.close()
    result["pages"] = _pages(var)
    result["files"] = sorted(os.listdir(var))
    return result


def legacy_wal_store_in_a_read_only_directory(directory: Path) -> dict:
    """A store written in WAL mode (before this version), then its directory made read-only."""
    var = directory / "var"
    store = Store.open(store_module.sqlite_url(var))
    store.ensure_initial(_demo_table())
    store.close()
    database = var / store_module.SQLITE_NAME
    with sqlite3.connect(database) as conn:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    var.chmod(0o555)
    store = Store.open(store_module.sqlite_url(var))
    return {
        "mode": mode,
        "read_only": store.read_only,
        "current": _error(store.current_id),
        "territories": int(store.current().table.territories["code"].nunique()),
        "files": sorted(os.listdir(var)),
    }


def becomes_unwritable_while_running(directory: Path) -> dict:
    var = directory / "var"
    store = Store.open(store_module.sqlite_url(var))
    first = store.ensure_initial(_demo_table())
    table = first.table
    database = var / store_module.SQLITE_NAME
    database.chmod(0o444)
    var.chmod(0o555)
    result = {
        "save": _error(lambda: store.save(table, author="A", comment="", kind="edition", expected_parent=1)),
        "read_only": store.read_only,
        "current": _error(store.current_id),
        "history": store.history()["Version"].tolist(),
    }
    var.chmod(0o755)
    database.chmod(0o644)
    store_module.RECHECK = 0.0  # do not wait 30 s for the next check
    result["save_again"] = _error(lambda: store.save(table, author="A", comment="", kind="edition", expected_parent=1))
    result["read_only_after"] = store.read_only
    return result


def files_damaged_under_a_running_server(directory: Path) -> dict:
    """Every file of the store truncated, then removed, while the store is open: no crash."""
    var = directory / "var"
    store = Store.open(store_module.sqlite_url(var))
    first = store.ensure_initial(_demo_table())
    reader = Store.open(store_module.sqlite_url(var))  # a second connection pool, as a second server
    reader.current()
    result = {"files": sorted(os.listdir(var))}
    for path in var.iterdir():
        os.truncate(path, 0)
    result["read_truncated"] = _error(store.current_id)
    result["read_truncated_other"] = _error(reader.current_id)
    result["save_truncated"] = _error(
        lambda: store.save(first.table, author="A", comment="", kind="edition", expected_parent=1)
    )
    for path in var.iterdir():
        path.unlink()
    result["read_removed"] = _error(lambda: store.get(1))
    result["alive"] = True
    return result


SCENARIOS = {
    f.__name__: f
    for f in (
        first_start_in_a_read_only_directory,
        read_only_directory_and_file,
        legacy_wal_store_in_a_read_only_directory,
        becomes_unwritable_while_running,
        files_damaged_under_a_running_server,
    )
}


def main() -> None:
    name, directory = sys.argv[1], Path(sys.argv[2])
    result = {"permissions_apply": _permissions_apply(directory), **SCENARIOS[name](directory)}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
