"""How Plansicht drives a browser: Debian's Chromium through Playwright, and axe-core from npm.

Shared by the browser tests and ``scripts/screenshots.py`` so both see the site the same way.
Playwright never downloads a browser here; the one the system provides is used.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def missing() -> str | None:
    """Why the browser tools cannot run, in words that say what to do; None if they can."""
    if not CHROMIUM.exists():
        return (
            f"Chromium is missing at {CHROMIUM}. Install Debian's package: "
            "apt-get install chromium (Playwright must not download its own browser)."
        )
    if not AXE.exists():
        return f"axe-core is missing at {AXE}: run make assets."
    return None


def launch(playwright):
    """Headless Chromium from the system, as the tests and the screenshots use it."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
