"""What a person reads from the Markdown the pages write, and whether it holds live syntax.

Streamlit renders ``st.markdown`` and friends with CommonMark + GFM: a backslash before
ASCII punctuation shows the character, two spaces before a line break are a hard break,
and bare ``https://…``, ``www.…`` and ``a@b.fr`` become links (even escaped: only the word
joiner of :func:`territorial.core.fmt.escape_markdown` stops them). AppTest gives the Markdown
source; these helpers read it as the browser would, for text that went through the helper.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

from territorial.core.fmt import WORD_JOINER

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
#: Markdown that would render as something else than text, outside a backslash escape.
_LIVE = {
    "link or image": re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\("),
    "HTML or autolink": re.compile(r"(?<!\\)<[A-Za-z/!?]"),
    "entity": re.compile(r"(?<!\\)&(#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE),
}
#: GFM autolink literals as remark finds them in the text (after the escapes are resolved).
_AUTOLINK = {
    "bare web address": re.compile(r"(https?://|www\.)[-.\w]", re.IGNORECASE),
    "bare e-mail address": re.compile(r"[-.\w+]@[-\w]+\.[-\w]"),
}


def shown(markdown: str) -> str:
    """The text a person reads (escapes resolved, hard breaks as line breaks, no word joiner)."""
    return _ESCAPE.sub(r"\1", markdown.replace("  \n", "\n")).replace(WORD_JOINER, "")


def live_syntax(markdown: str) -> list[str]:
    """What in ``markdown`` would render as a link, an image, HTML or an entity (empty if none)."""
    found = [f"{name}: {m.group()!r}" for name, rx in _LIVE.items() for m in rx.finditer(markdown)]
    text = _ESCAPE.sub(r"\1", markdown)  # remark looks for autolinks after resolving escapes
    found += [f"{name}: {m.group()!r}" for name, rx in _AUTOLINK.items() for m in rx.finditer(text)]
    return found


#: Elements whose ``body`` is not Markdown (shown as text, or HTML checked apart).
_NOT_MARKDOWN = {"html", "code", "text", "json", "exception", "dataframe", "arrow_data_frame", "table"}
#: The app's own links: a fiche, by a code that follows the one rule.
_OWN_LINK = re.compile(r"\]\(fiche\?territoire=[0-9A-Z_-]{1,40}\)")


def rendered(at) -> list[tuple[str, str]]:
    """(element type, Markdown) of every text the run wrote that Streamlit renders as Markdown:
    bodies of markdown, captions, titles, alerts, metrics, and every label and tooltip."""
    out = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        for field, value in proto.ListFields():
            if not isinstance(value, str) or not value:
                continue
            if field.name in ("label", "help") or (field.name == "body" and kind not in _NOT_MARKDOWN):
                out.append((f"{kind}.{field.name}", value))
    return out


def html_bodies(at) -> list[str]:
    """The HTML the run wrote with ``st.html`` (but the app's own fixed head script, which holds no data)."""
    from territorial.ui.layout import HEAD_HTML

    return [h.value for h in at.html if h.value != HEAD_HTML]


#: The app's own drawings (the fiche's timeline): an SVG as an image, whose texts come from data.
_OWN_SVG_IMAGE = re.compile(
    r'<img class="[\w-]+" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" '
    r'width="[\d.]+" height="[\d.]+" alt="[^"<>]*">'
)
#: SVG elements that could link or hold HTML: none may come from the data.
_SVG_LIVE = {"script", "a", "foreignObject", "iframe", "image"}


def _svg_problems(encoded: str) -> list[str]:
    """An image of the app's that is not well-formed SVG, or holds a live element."""
    try:
        root = ET.fromstring(base64.b64decode(encoded))
    except ET.ParseError as exc:
        return [f"svg mal formé : {exc}"]
    return [f"svg: <{tag}>" for e in root.iter() if (tag := e.tag.rsplit("}", 1)[-1]) in _SVG_LIVE]


def unsafe(at) -> list[str]:
    """Everything of a run that would render as a link (other than the app's own fiche links),
    an image (other than the app's own drawings, whose SVG is checked), HTML or an entity:
    empty when the run is safe."""
    found = [f"{kind}: {problem}" for kind, text in rendered(at) for problem in live_syntax(_OWN_LINK.sub("]", text))]
    for body in html_bodies(at):
        for encoded in _OWN_SVG_IMAGE.findall(body):
            found += _svg_problems(encoded)
        body = _OWN_SVG_IMAGE.sub("", body)
        found += [f"html: {tag}" for tag in re.findall(r"<(?:a|img|script|iframe|object|embed)\b[^>]*", body, re.I)]
    return found
