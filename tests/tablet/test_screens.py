"""Every tablet screen in both languages, in real headless Chromium: renders, works by touch, passes axe.

The real engine web server and tablet state are used; the dialogue is replaced by a recorder of
taps, so each screen can be shown directly (the full touch-only check-in runs in tests/e2e).
"""
from __future__ import annotations

import asyncio
import threading

import pytest
from aiohttp import web

from dialogue.content.model import SCREENS
from dialogue.content.store import ContentStore
from robot.engine.inputs import TouchInput
from robot.engine.web import create_app
from robot.tablet.access import TabletAccess
from robot.tablet.state import TabletState

from .browser import check_accessibility, screenshot, tablet_page, tap, type_on_keyboard, wait_screen

pytestmark = pytest.mark.browser

SCREEN_DATA = {
    "candidates": {"candidates": [{"index": 0, "time": "09:30", "service": "Paspoort aanvragen"},
                                  {"index": 1, "time": "14:15", "service": "Rijbewijs aanvragen"}]},
    "confirm_appointment": {"time": "09:30", "service": "het aanvragen van een paspoort", "area": "servicecentrum"},
    "document": {"document": "een recente pasfoto", "key": "pasfoto", "step": 2, "total": 2},
    "missing_document": {"document": "een recente pasfoto", "rule": "new_appointment",
                         "advice": "Een pasfoto laten maken kan bij de fotograaf."},
    "ticket": {"ticket": "A012", "waiting": "Gaat u zitten in de wachtruimte achter mij.", "area": "servicecentrum"},
    "walk_in_services": {"services": [{"key": "uittreksel_brp", "name": "een uittreksel uit de BRP"},
                                      {"key": "ophalen", "name": "het ophalen van een paspoort"}]},
    "wrong_location": {"location": "Servicepunt Noord", "address": "Noorderplein 12, 1031 AB"},
}


class Recorder:
    """Stands in for the engine behind the web API: records taps, never talks."""

    def __init__(self, tablet: TabletState, content: ContentStore):
        self.tablet, self.content, self.robot_connected = tablet, content, True
        self.touches: list[TouchInput] = []

    def submit(self, item):
        self.touches.append(item)
        future = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future


@pytest.fixture(scope="module")
def server():
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    content = ContentStore()
    holder = {}

    async def start():
        tablet = TabletState()
        engine = Recorder(tablet, content)
        access = TabletAccess()
        runner = web.AppRunner(create_app(engine, "token", access=access))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        # as the robot's tablet is given it: with the secret
        holder.update(engine=engine, runner=runner,
                      url=access.url(f"http://127.0.0.1:{runner.addresses[0][1]}/tablet/"))
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    holder["show"] = lambda **view: asyncio.run_coroutine_threadsafe(_update(holder["engine"].tablet, view), loop).result(5)
    try:
        yield holder
    finally:
        asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(10)
        asyncio.run_coroutine_threadsafe(_cancel_all(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        content.close()


async def _cancel_all():
    """Open event streams still wait for news: end them before the loop stops."""
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _update(tablet, view):
    tablet.update(**view)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_screen_renders_and_passes_axe(server, lang):
    failures = {}
    with tablet_page(server["url"]) as page:
        for screen in SCREENS:
            server["show"](screen=screen, lang=lang, data=SCREEN_DATA.get(screen, {}),
                           subtitle="Elvie zegt iets." if lang == "nl" else "Elvie says something.",
                           heard="ik heb een afspraak" if screen == "ask_name" else "", heard_source="speech",
                           indicator="listening", warning="")
            wait_screen(page, screen)
            assert page.get_attribute("html", "lang") == lang
            assert page.is_visible("[data-button='help']"), f"help must always be visible ({screen})"
            violations = check_accessibility(page)
            if violations:
                failures[screen] = [(v["id"], v["help"]) for v in violations]
            screenshot(page, f"{lang}_{screen}")
    assert not failures, failures


def test_taps_reach_the_engine_with_their_values(server):
    engine = server["engine"]
    with tablet_page(server["url"]) as page:
        server["show"](screen="candidates", lang="nl", data=SCREEN_DATA["candidates"], subtitle="", heard="")
        wait_screen(page, "candidates")
        # the touch list shows times and services, never a name
        assert "14:15" in page.inner_text("[data-button='candidate'][data-value='1']")
        assert "Rijbewijs aanvragen" in page.inner_text("[data-button='candidate'][data-value='1']")
        tap(page, "candidate", "1")
        server["show"](screen="ask_name", lang="nl", data={}, subtitle="")
        wait_screen(page, "ask_name")
        tap(page, "open_type_name")
        wait_screen(page, "type_name")
        type_on_keyboard(page, "jan de vries")
        tap(page, "submit")
        page.wait_for_timeout(300)
    touches = [(t.button, t.value) for t in engine.touches]
    assert ("candidate", "1") in touches and ("name", "jan de vries") in touches


def test_typed_markup_stays_text(server):
    engine = server["engine"]
    with tablet_page(server["url"]) as page:
        server["show"](screen="ask_name", lang="en", data={}, subtitle="", heard="<script>alert(1)</script><b>x</b>",
                       heard_source="typed")
        wait_screen(page, "ask_name")
        assert page.inner_text(".heard-text") == "<script>alert(1)</script><b>x</b>"
        assert page.query_selector("#heard b") is None and not page.dialogs


def test_a_reload_resumes_the_current_screen(server):
    with tablet_page(server["url"]) as page:
        server["show"](screen="ticket", lang="en", data=SCREEN_DATA["ticket"], subtitle="You're checked in.")
        wait_screen(page, "ticket")
        page.reload()
        wait_screen(page, "ticket")
        assert page.inner_text(".ticket") == "A012"


def test_the_timeout_warning_asks_before_anything_times_out(server):
    engine = server["engine"]
    with tablet_page(server["url"]) as page:
        server["show"](screen="document", lang="nl", data=SCREEN_DATA["document"], warning="timeout")
        page.wait_for_selector("#warning:not([hidden])")
        assert "Bent u er nog?" in page.inner_text("#warning-text")
        assert not check_accessibility(page)
        screenshot(page, "nl_timeout_warning")
        tap(page, "continue")
        page.wait_for_timeout(300)
    assert engine.touches[-1].button == "continue"


def test_the_app_is_es5(server):
    """Pepper's NAOqi 2.5 WebView runs ES5: no let/const, arrow functions, template strings, fetch."""
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "robot" / "tablet" / "static" / "app.js").read_text()
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.S)
    for pattern in (r"\blet\s", r"\bconst\s", r"=>", r"`", r"\bfetch\(", r"\bPromise\b", r"\bclass\s"):
        assert not re.search(pattern, code), pattern
