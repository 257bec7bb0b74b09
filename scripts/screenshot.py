"""Take a screenshot of a page of a running dashboard with headless Chromium.

Usage: python scripts/screenshot.py URL OUT.png [WIDTHxHEIGHT] [--full]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from territorial.harness.chromium import CHROMIUM_ARGS as ARGS
from territorial.harness.chromium import CHROMIUM_PATH as CHROMIUM


def main() -> None:
    url, out = sys.argv[1], sys.argv[2]
    size = next((a for a in sys.argv[3:] if "x" in a and not a.startswith("--")), "1440x1000")
    width, height = (int(v) for v in size.split("x"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        page.wait_for_selector("[data-testid='stMain']", timeout=60_000)
        page.wait_for_timeout(2_000)
        try:
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
        except Exception:  # noqa: BLE001 - screenshot anyway
            pass
        for frame in page.frames:
            try:
                frame.wait_for_selector("path.territoire", timeout=3_000)
            except Exception:  # noqa: BLE001 - not every frame is a map
                pass
        page.wait_for_timeout(1_000)
        page.screenshot(path=out, full_page="--full" in sys.argv)
        browser.close()


if __name__ == "__main__":
    main()
