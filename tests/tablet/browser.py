"""Playwright helpers: Debian's Chromium, headless; axe-core checks; screenshots of every screen."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "tablet"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]


@contextmanager
def tablet_page(url: str, width: int = 1280, height: int = 800, microphone_wav: Path | None = None):
    """`microphone_wav`: Chromium's fake microphone plays this file once (getUserMedia is allowed)."""
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS)
    if microphone_wav is not None:
        args += ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 f"--use-file-for-fake-audio-capture={microphone_wav}%noloop",
                 "--autoplay-policy=no-user-gesture-required"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.dialogs = dialogs
            page.goto(url)
            yield page
        finally:
            browser.close()


def wait_screen(page, screen: str, timeout: float = 15000) -> None:
    page.wait_for_selector(f"body[data-screen='{screen}']", timeout=timeout)


def tap(page, button: str, value: str | None = None) -> None:
    selector = f"[data-button='{button}']" + (f"[data-value='{value}']" if value is not None else "")
    page.click(selector)


def type_on_keyboard(page, text: str) -> None:
    for ch in text:
        if ch == " ":
            page.click(".key-wide")
        else:
            page.click(f".key[data-key='{ch.lower()}']")


def check_accessibility(page) -> list:
    """axe-core (bundled with axe-playwright-python, offline): WCAG 2.1 A and AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                             "wcag21aa"]}})
    return results.response["violations"]


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
