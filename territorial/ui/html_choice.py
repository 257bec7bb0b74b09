"""HTML whose buttons choose something: a click reruns the page with the button's ``data-`` values.

The Segments page's heat map is an HTML table whose cells are buttons
(:func:`territorial.content.heatmap_table.heatmap_table`); a Vega-Lite chart did the same with
775 KB of chart code to load before the map beside it could be drawn (docs/performances.md).
This is a Streamlit component (``st.components.v2``, documented): a few lines of our own
JavaScript, in the page itself (no iframe), that put the HTML in place and send the clicked
button's ``data-`` attributes back as a trigger value (one run, then ``None``).

The HTML is ours: made by :mod:`territorial.content` with every text and attribute escaped
(tests/test_heatmap_table.py), never a text from data as is. The script is constant.
"""

from __future__ import annotations

import streamlit as st

#: The trigger's name: ``result.choix`` is the clicked button's ``dataset`` during the run it starts.
TRIGGER = "choix"

#: Puts the HTML in a block of its own (the component's root is left alone), once per new HTML;
#: one click listener; the focus goes back to the same button after the rerun (keyboard users
#: keep their place).
_JS = """
export default function ({ data, parentElement, setTriggerValue }) {
  let box = parentElement.querySelector(":scope > div.choix-html");
  if (!box) {
    box = document.createElement("div");
    box.className = "choix-html";
    box.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (button && box.contains(button)) setTriggerValue("TRIGGER", { ...button.dataset });
    });
    parentElement.appendChild(box);
  }
  if (box.shown === data) return;
  const focused = box.contains(document.activeElement) ? JSON.stringify({ ...document.activeElement.dataset }) : null;
  box.innerHTML = data;
  box.shown = data;
  if (focused) {
    const again = [...box.querySelectorAll("button")].find((b) => JSON.stringify({ ...b.dataset }) === focused);
    if (again) again.focus();
  }
}
""".replace("TRIGGER", TRIGGER)

_component = st.components.v2.component("territoires.choix_html", js=_JS, isolate_styles=False)


def _rerun() -> None:
    """A click reruns the page (the callback that makes the trigger a widget's)."""


def clicked(key: str) -> dict[str, str] | None:
    """The ``data-`` attributes of the button of :func:`show` (``key``) whose click started this run
    (``data-segment="S1"`` → ``{"segment": "S1"}``), otherwise ``None``. Readable before the
    HTML is shown again, so that the HTML can show the choice."""
    value = (st.session_state.get(key) or {}).get(TRIGGER)
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else None


def show(html: str, *, key: str) -> None:
    """Show ``html``, ours and escaped; a click on one of its buttons reruns the page (:func:`clicked`)."""
    _component(key=key, data=html, on_choix_change=_rerun)  # on_<TRIGGER>_change
