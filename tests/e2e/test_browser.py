"""Real headless Chromium against the full stack: the simulator's desktop UI through a greeting, and a
complete check-in by touch only on the tablet, in Dutch and in English, with axe-core on every screen."""
from __future__ import annotations

import pytest

from robot.harness import LocalElvie
from tests.tablet.browser import check_accessibility, screenshot, tablet_page, tap, type_on_keyboard, wait_screen

pytestmark = [pytest.mark.slow, pytest.mark.browser]
FIXTURE = "tests/conversations/fixtures/today.yml"


@pytest.fixture
def elvie(stack):
    local = LocalElvie(stack["settings"], time_scale=0.02)
    stack["loop"].run(local.__aenter__())
    stack["loop"].run(local.seed_qmatic(FIXTURE))
    try:
        yield local
    finally:
        stack["loop"].run(local.close())


def test_desktop_ui_drives_a_greeting(elvie):
    ui = f"http://127.0.0.1:{elvie.settings.simulator_ui_port}/"
    with tablet_page(ui, width=1600, height=1000) as page:
        page.wait_for_selector("#connection:has-text('connected')")
        page.wait_for_selector("#tablet[src*='/tablet/']", state="attached")
        page.fill("#say", "Hallo Elvie")
        page.click("#say-form button")
        page.wait_for_selector("#bubble:has-text('Elvie')", timeout=20000)
        page.wait_for_selector("#log li.elvie")
        assert "Hallo Elvie" in page.inner_text("#log")
        page.click("[data-sensor='head_middle']")
        assert page.inner_text("#tracking").startswith("Head")
        page.wait_for_timeout(500)
        screenshot(page, "desktop_ui_greeting")
    assert elvie.robot.snapshot()["spoken"][0]["service"] == "ALAnimatedSpeech"


def test_the_browser_microphone_reaches_elvie(stack, tmp_path):
    """The desktop UI's microphone button: what the (fake) browser microphone hears becomes a spoken turn."""
    from dataclasses import replace

    from robot.speech.audio import write_wav
    from robot.speech.tts import espeak_clip

    wav = tmp_path / "goedemorgen.wav"
    write_wav(wav, bytes(32000) + espeak_clip("goedemorgen", "nl") + bytes(48000))
    local = LocalElvie(replace(stack["settings"], speech=True), time_scale=0.02)
    stack["loop"].run(local.__aenter__())
    try:
        ui = f"http://127.0.0.1:{local.settings.simulator_ui_port}/"
        with tablet_page(ui, width=1600, height=1000, microphone_wav=wav) as page:
            page.wait_for_selector("#connection:has-text('connected')")
            page.click("#mic")
            page.wait_for_selector("#mic.on")
            result = stack["loop"].run(local.next_result(30, kind="audio"))
            page.click("#mic")  # and off again
            assert not page.query_selector("#mic.on")
        assert result["input"] == "audio" and result["heard"], result
        assert result["intent"] == "greet" and result["lang"] == "nl", result
        assert result["say"] and "Elvie" in result["say"][0]
    finally:
        stack["loop"].run(local.close())


@pytest.mark.parametrize("lang, name", [("nl", "Emily Clarke"), ("en", "Emily Clarke")])
def test_complete_check_in_by_touch_only(elvie, lang, name):
    """Deaf and hard-of-hearing visitors can do everything by touch."""
    violations: dict[str, list] = {}

    def visit(page, screen):
        wait_screen(page, screen)
        found = check_accessibility(page)
        if found:
            violations[screen] = [v["id"] for v in found]
        screenshot(page, f"touch_{lang}_{screen}")

    with tablet_page(elvie.tablet_url) as page:
        visit(page, "welcome")
        if lang == "en":
            tap(page, "language")
            # Selector waits, not wait_for_function: the tablet's CSP forbids evaluating strings.
            page.wait_for_selector("html[lang='en']", state="attached")
        tap(page, "check_in")
        visit(page, "ask_name")
        tap(page, "open_type_name")
        visit(page, "type_name")
        type_on_keyboard(page, name)
        tap(page, "submit")
        visit(page, "confirm_appointment")
        confirm = page.inner_text("#screen")
        assert ("driving licence" if lang == "en" else "rijbewijs") in confirm.lower()  # her appointment
        assert ":" in page.inner_text(".card-time")
        for other in ("Fatima", "Mehmet", "Katarzyna", "Shanti", "Jan", "Johan"):  # other visitors of the day
            assert other not in confirm
        tap(page, "yes")
        visit(page, "document")
        tap(page, "have_it")
        page.wait_for_selector(".step:has-text('2')")
        tap(page, "have_it")
        visit(page, "ticket")
        assert page.inner_text(".ticket") == "R001"
        assert page.get_attribute("html", "lang") == lang
    assert not violations, violations
