"""Cumulative layout shift in Chromium, counted as Lighthouse does, Streamlit's frame apart.

:data:`CLS_OBSERVER` is installed before the page loads (``page.add_init_script``); it sums the
``layout-shift`` entries without recent input into ``window.__cls``: ``frame`` for the shifts of
Streamlit's own frame only (``stMain``, its wrapper, ``stMainBlockContainer``, the sidebar and
its content), ``app`` for every other one.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

#: Core Web Vitals' « good » (Lighthouse), at a laptop's and a phone's size; the pages checked.
MAX_CLS = 0.1
SIZES = {"ordinateur": (1440, 900), "telephone": (390, 844)}
PAGES = [
    "/",
    "/carte",
    "/segments",
    "/fiche?territoire=45085",
    "/donnees",
    "/historique",
    "/participer",
    "/accessibilite",
]

#: The projected pages (Atelier, Salle, any page with ?mode=atelier): their style hides the sidebar,
#: enlarges the type and narrows the margins; it must be there before anything is drawn.
PROJECTED = ["/atelier", "/salle", "/carte?mode=atelier"]

#: Installed before the page loads: sums the layout shifts, Streamlit's frame apart.
CLS_OBSERVER = """(() => {
  window.__cls = {app: 0, frame: 0, shifts: []};
  const isFrame = (node) => {
    if (!node || node.nodeType !== 1) return false;
    const id = node.getAttribute("data-testid") || "";
    return ["stMain", "stMainBlockContainer", "stSidebar", "stSidebarUserContent"].includes(id)
      || node.querySelector(":scope > [data-testid=stMain]") !== null
      || node.closest("[data-testid=stSidebar]") !== null;
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      const frame = entry.sources.length > 0 && entry.sources.every((s) => isFrame(s.node));
      window.__cls[frame ? "frame" : "app"] += entry.value;
      window.__cls.shifts.push({value: entry.value, frame, sources: entry.sources.map((s) =>
        s.node && s.node.nodeType === 1 ? (s.node.getAttribute("data-testid") || s.node.tagName) : "#text")});
    }
  }).observe({type: "layout-shift", buffered: true});
})();"""


def report(page: Page, label: str) -> dict[str, Any]:
    """The page's layout shifts so far (``app``, ``frame``, ``shifts``), printed for the test's log."""
    cls: dict[str, Any] = page.evaluate("window.__cls")
    print(f"\nCLS {label} : app {cls['app']:.3f}, cadre de Streamlit {cls['frame']:.3f}")
    for shift in cls["shifts"]:
        if shift["value"] >= 0.005:
            print(f"  {shift['value']:.3f} {'cadre' if shift['frame'] else 'app'} {shift['sources']}")
    return cls
