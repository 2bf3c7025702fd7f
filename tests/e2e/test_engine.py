"""The engine against the real stack: sessions are wiped, idle visitors are forgotten, faults are survived."""
from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import aiohttp
import pytest

from robot.engine.settings import EngineSettings
from robot.harness import LocalElvie

pytestmark = pytest.mark.slow


def run(stack, coroutine_factory, timeout=180):
    return stack["loop"].run(coroutine_factory(), timeout)


def test_goodbye_wipes_the_visitor(stack):
    async def scenario():
        async with LocalElvie(stack["settings"], EngineSettings(goodbye_screen_s=0.5)) as elvie:
            await elvie.seed_qmatic("tests/conversations/fixtures/today.yml")
            await elvie.say("ik heb een afspraak")
            await elvie.say("Fatima el Amrani")
            first = elvie.engine.conversation.id
            result = await elvie.say("tot ziens")
            assert result.session_ended and result.screen == "goodbye"
            await asyncio.sleep(1.5)
            tracker = await elvie.engine.dialogue._request("GET", f"/conversations/{first}/tracker")
            events = [e for e in tracker.get("events") or [] if e.get("event") not in ("session_started", "action")]
            assert not events, "the finished conversation must leave nothing behind"
            assert elvie.engine.conversation.id != first
            view = elvie.engine.tablet.view
            assert (view.screen, view.subtitle, view.heard, view.data) == ("welcome", "", "", {})
    run(stack, scenario)


def test_idle_visitor_gets_a_warning_then_a_fresh_start(stack):
    async def scenario():
        settings = EngineSettings(idle_reset_s=4.0, idle_warning_s=2.5)
        async with LocalElvie(stack["settings"], settings) as elvie:
            await elvie.say("hallo")
            first = elvie.engine.conversation.id
            await asyncio.sleep(2.5)
            assert elvie.engine.tablet.view.warning == "timeout"
            await elvie.touch("continue")
            assert elvie.engine.tablet.view.warning == ""
            await asyncio.sleep(5.5)
            assert elvie.engine.conversation.id != first and elvie.engine.tablet.view.screen == "welcome"
    run(stack, scenario)


def test_a_person_arriving_is_greeted_once(stack):
    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            result = await elvie.sensor("person_arrives")
            assert result["responses"] == ["utter_greet_arrival"]
            assert "Hello" in " ".join(result["say"]) and "Hallo" in " ".join(result["say"])
            again = await elvie.sensor("person_arrives", wait_s=1.5)
            assert again["say"] == []
            snapshot = elvie.robot.snapshot()
            assert snapshot["engagement_mode"] == "FullyEngaged" and snapshot["tracking_mode"] == "Head"
            assert snapshot["base_moves"] == []
    run(stack, scenario)


def test_tablet_state_streams_subtitles_and_what_was_heard(stack):
    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            await elvie.say("Hello")
            async with aiohttp.ClientSession() as http:
                async with http.get(elvie.tablet_url.replace("/tablet/", "/api/tablet/state")) as response:
                    view = await response.json()
                async with http.get(elvie.tablet_url.replace("/tablet/", "/api/tablet/events")) as response:
                    line = await response.content.readline()
            assert view["lang"] == "en" and view["screen"] == "welcome" and view["heard"] == "Hello"
            assert "Elvie" in view["subtitle"] and view["labels"]["btn_help"] == "Help from a person"
            assert json.loads(line.decode().removeprefix("data: "))["version"] == view["version"]
    run(stack, scenario)


def test_dialogue_down_gets_an_apology_not_a_crash(stack):
    async def direct():
        async with LocalElvie(stack["settings"]) as elvie:
            elvie.engine.dialogue.url = "http://127.0.0.1:1"
            result = await elvie.say("hallo")
            assert result.error == "dialogue_unavailable"
            assert result.responses == ["utter_dialogue_unavailable"] and result.say
            assert result.screen == "error"
            elvie.engine.dialogue.url = elvie.stack.rasa
            assert (await elvie.say("hallo")).intent == "greet"
    run(stack, direct)


def test_elvie_does_not_speak_over_a_touch(stack):
    async def scenario():
        async with LocalElvie(stack["settings"], time_scale=1.0) as elvie:
            talk = asyncio.ensure_future(elvie.say("Hallo Elvie"))
            await asyncio.sleep(1.0)
            touched = await elvie.touch("check_in")
            await talk
            assert touched["screen"] == "ask_name"
            spoken = elvie.robot.snapshot()["spoken"]
            assert spoken[0]["ended"] - spoken[0]["started"] < 3.0  # the greeting was cut short
    run(stack, scenario)
