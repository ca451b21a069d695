"""Open an HTML file in headless Chromium: its DOM after scripts ran, a screenshot, every
request the page itself made (read from Chromium's net log) and its script errors, so a test
or a person can check that a report renders and stays offline.

    python -m src.utils.browser reports/forecast_2026.html --screenshot /tmp/forecast.png --size 1280,1500

Chromium itself phones home (component updates, sync) whatever the flags; those requests are
told apart from the page's by their network isolation key: the page's carry its file:// origin.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps"]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:")
SCRIPT_BUDGET_MS = 3000            # virtual time the page's scripts get before the DOM is read


@dataclass
class PageVisit:
    dom: str                        # document after scripts ran
    external_requests: list[str]    # URLs the page asked a network for (should be empty)
    screenshot: Path | None
    script_errors: list[str]        # uncaught errors and console.error lines of the page's scripts


def script_errors(stderr: str) -> list[str]:
    """Console lines Chromium logged (--enable-logging=stderr) that are errors, not warnings."""
    lines = [line for line in stderr.splitlines() if ":CONSOLE" in line]
    return [line for line in lines if "Uncaught" in line or ":ERROR:CONSOLE" in line]


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def page_requests(net_log: Path) -> list[str]:
    """URLs requested by the page (origin file://) that are not local."""
    log = json.loads(net_log.read_text())
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        from_page = str(params.get("network_isolation_key", "")).startswith("file://")
        if from_page and not params["url"].startswith(LOCAL_SCHEMES):
            urls.append(params["url"])
    return urls


def visit(page: Path, screenshot: Path | None = None, size: tuple[int, int] = (1500, 1400),
          fragment: str = "", timeout_s: float = 120.0) -> PageVisit:
    """Load `page` (plus `#fragment`) headless; raise RuntimeError when no browser is installed."""
    browser = find_browser()
    if browser is None:
        raise RuntimeError("no Chromium found (apt-get install chromium)")
    url = Path(page).resolve().as_uri() + (f"#{fragment}" if fragment else "")
    with tempfile.TemporaryDirectory(prefix="browser-") as tmp:
        net_log = Path(tmp) / "net.json"
        common = [browser, *FLAGS, f"--user-data-dir={tmp}/profile", f"--window-size={size[0]},{size[1]}",
                  f"--virtual-time-budget={SCRIPT_BUDGET_MS}"]
        done = subprocess.run([*common, f"--log-net-log={net_log}", "--enable-logging=stderr", "--v=0",
                               "--dump-dom", url], capture_output=True, text=True, timeout=timeout_s, check=True)
        requests = page_requests(net_log)
        if screenshot is not None:
            subprocess.run([*common, f"--screenshot={Path(screenshot).resolve()}", url], capture_output=True,
                           timeout=timeout_s, check=True)
    return PageVisit(done.stdout, requests, screenshot, script_errors(done.stderr))


# one line of script added to a copy of the page: the width its content needs, read from the DOM
_WIDTH_PROBE = ('<script>document.body.setAttribute("data-scroll-width", '
                'document.documentElement.scrollWidth)</script>')


def page_width(page: Path, window_width: int, timeout_s: float = 120.0) -> int:
    """Pixels the page's content needs in a `window_width` window (> window_width: it scrolls
    sideways). Measured on a copy with _WIDTH_PROBE; the page itself is not changed."""
    with tempfile.TemporaryDirectory(prefix="width-") as tmp:
        copy = Path(tmp) / Path(page).name
        copy.write_text(Path(page).read_text().replace("</body>", _WIDTH_PROBE + "</body>", 1))
        dom = visit(copy, size=(window_width, 900), timeout_s=timeout_s).dom
    found = re.search(r'data-scroll-width="(\d+)"', dom)
    if found is None:
        raise RuntimeError(f"{page}: the width probe did not run (no </body>?)")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("--screenshot", type=Path, default=None)
    parser.add_argument("--size", default="1500,1400", help="window width,height in pixels")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.split(","))
    result = visit(args.page, args.screenshot, (width, height))
    print(f"{args.page}: rendered ({len(result.dom):,} characters of DOM); "
          f"external requests: {result.external_requests or 'none'}; "
          f"script errors: {result.script_errors or 'none'}")
    if args.screenshot:
        print(f"screenshot: {args.screenshot}")
    try:
        needed = page_width(args.page, width)
        print(f"content width at a {width} px window: {needed} px"
              + (" (scrolls sideways)" if needed > width else ""))
    except RuntimeError as exc:      # a page whose copy cannot run the probe (relative scripts)
        print(f"content width: not measured ({exc})")
    return 1 if result.external_requests or result.script_errors else 0


if __name__ == "__main__":
    sys.exit(main())
