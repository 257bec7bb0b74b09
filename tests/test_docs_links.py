"""Every relative link of the documentation leads somewhere: the file exists and, for a
``#anchor`` into a Markdown file, one of its headings has that anchor (GitHub's rule). Every
repository file the documentation names in code (`` `territorial/ui/router.py` ``,
`` `cartography/maps.py` ``) exists too: a module moved without its documentation fails here."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")])

_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`+[^`\n]*`+")
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # http:, https:, mailto:…


def _prose(text: str) -> str:
    """The text without its code blocks and code spans (a link written there is an example)."""
    return _CODE.sub("", _FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "").replace("*", "").lower().strip()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(markdown: Path) -> set[str]:
    """Every anchor of a Markdown file, duplicates numbered ``-1``, ``-2``… as GitHub does."""
    seen: dict[str, int] = {}
    out: set[str] = set()
    for heading in _HEADING.findall(_FENCE.sub("", markdown.read_text(encoding="utf-8"))):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def broken_links(markdown: Path) -> list[str]:
    """The relative links of ``markdown`` that lead nowhere, each with the reason."""
    problems = []
    for target in _LINK.findall(_prose(markdown.read_text(encoding="utf-8"))):
        if _EXTERNAL.match(target):
            continue
        path_part, _, anchor = target.partition("#")
        dest = (markdown.parent / unquote(path_part)).resolve() if path_part else markdown
        if not dest.exists():
            problems.append(f"{target}: {dest} does not exist")
        elif anchor and dest.suffix == ".md" and unquote(anchor) not in anchors(dest):
            problems.append(f"{target}: no heading of {dest.name} has the anchor #{anchor}")
    return problems


#: A repository file named in code: a top folder (or a subpackage of ``territorial/``), then a path.
_REPO_PATH = re.compile(
    r"`((?:territorial|pages|tests|scripts|deploy|data|assets|bench|ui|takeaways|content|cartography|storage"
    r"|model|core|harness)/[\w./@-]*\.(?:py|md|toml|css|sh|csv|gz|conf|service|example|js))`"
)
#: Names the documentation uses as examples of files to create.
EXAMPLES = {"pages/ma_page.py", "tests/test_page_ma_page.py"}


def missing_files(markdown: Path) -> list[str]:
    """The repository files named in ``markdown``'s code that do not exist."""
    out = []
    for path in _REPO_PATH.findall(_FENCE.sub("", markdown.read_text(encoding="utf-8"))):
        if path in EXAMPLES:
            continue
        if not any((ROOT / prefix / path).exists() for prefix in ("", "territorial")):
            out.append(path)
    return out


def test_the_documentation_files_are_there() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in DOCS}
    assert {"README.md", "CONTRIBUTING.md", "docs/donnees.md", "docs/deploiement.md"} <= names
    assert all(p.exists() for p in DOCS)


@pytest.mark.parametrize("markdown", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(markdown: Path) -> None:
    assert broken_links(markdown) == []


@pytest.mark.parametrize("markdown", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_file_named_exists(markdown: Path) -> None:
    assert missing_files(markdown) == [], "moved or renamed: update the documentation"


def test_the_readme_stays_a_front_door() -> None:
    """What the dashboard is, the two commands, the pages, where to read more: the rest is in docs/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200, "README.md over 200 lines: move the detail to docs/"
    assert "bash scripts/run.sh" in readme and "bash scripts/test.sh" in readme


def test_the_readme_links_every_page_of_docs() -> None:
    """A page of docs/ that nothing links to is a page nobody finds."""
    readme = _prose((ROOT / "README.md").read_text(encoding="utf-8"))
    linked = {t.partition("#")[0] for t in _LINK.findall(readme)}
    for page in (ROOT / "docs").glob("*.md"):
        assert f"docs/{page.name}" in linked, f"README.md does not link docs/{page.name}"


def test_a_broken_link_or_anchor_is_reported(tmp_path: Path) -> None:
    """The checker can fail: a missing file, a missing anchor, and neither for good links."""
    (tmp_path / "other.md").write_text("# Un titre : accentué, l'exemple\n\n## Un titre : accentué, l'exemple\n")
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# Haut de page\n\n"
        "[bon](other.md#un-titre--accentué-lexemple) [doublon](other.md#un-titre--accentué-lexemple-1) "
        "[ici](#haut-de-page) [web](https://example.org/absent.md) `[code](absent.md)`\n\n"
        "[absent](absent.md) [ancre](other.md#pas-de-titre) [locale](#nulle-part)\n"
    )
    problems = broken_links(doc)
    assert len(problems) == 3, problems
    assert problems[0].startswith("absent.md: ")
    assert "#pas-de-titre" in problems[1] and "#nulle-part" in problems[2]


def test_a_file_named_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("`territorial/ui/router.py`, `cartography/maps.py`, `pages/ma_page.py`, `ui/absent.py`\n")
    assert missing_files(doc) == ["ui/absent.py"]
