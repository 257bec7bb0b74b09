"""The server configuration the dashboard is served with (.streamlit/config.toml)."""

import tomllib
from pathlib import Path

from territorial.model.file_reading import MAX_BYTES

CONFIG = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())


def test_no_file_watcher_in_a_served_dashboard() -> None:
    # With the default watcher every session polls every imported module's file and
    # rescans sys.modules after each run: measured 0.2 s more per page load, and
    # server CPU taken from the viewers (bench/README.md).
    assert CONFIG["server"]["fileWatcherType"] == "none"


def test_offline_and_static_serving() -> None:
    assert CONFIG["server"]["enableStaticServing"] is True  # Leaflet from /app/static/
    assert CONFIG["browser"]["gatherUsageStats"] is False  # no call home


def test_upload_limit_is_the_programme_file_limit() -> None:
    assert CONFIG["server"]["maxUploadSize"] * 1024 * 1024 == MAX_BYTES


def test_tables_have_no_download_button() -> None:
    """Streamlit's table toolbar would write =HYPERLINK(…) notes into a CSV as they are."""
    from streamlit import config

    assert CONFIG["client"]["disableDataExport"] is True
    # the installed Streamlit still has the option (an unknown option in config.toml is only a warning)
    assert config.get_option("client.disableDataExport") is True


def test_visitors_never_see_error_details() -> None:
    from streamlit.config import ShowErrorDetailsConfigOptions

    value = CONFIG["client"]["showErrorDetails"]
    assert value == ShowErrorDetailsConfigOptions.NONE == "none"  # a value this Streamlit knows


def test_the_secrets_file_is_never_committed() -> None:
    """docs/droits-d-edition.md has the editor's password hash written to .streamlit/secrets.toml: one
    ``git add -A`` must not put it in the repository."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", ".streamlit/secrets.toml"], cwd=root, check=False
    )
    assert ignored.returncode == 0, ".streamlit/secrets.toml is not in .gitignore"
    assert (
        subprocess.run(
            ["git", "check-ignore", "--no-index", "-q", ".streamlit/config.toml"], cwd=root, check=False
        ).returncode
        == 1
    )  # the server configuration stays versioned


def test_the_readme_says_how_to_choose_the_port_and_run_sh_passes_it_on() -> None:
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/run.sh --server.port 8701" in readme
    assert "≈ 15 s" not in readme  # the old first-start figure, never measured on a fresh clone
    last = (root / "scripts" / "run.sh").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert last.endswith('streamlit run app.py "$@"')  # the options reach streamlit
