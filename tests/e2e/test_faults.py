"""Faults in Qmatic, bad visitor input: Elvie apologises quickly, offers reception, never crashes,
never loses or doubles a check-in."""
from __future__ import annotations

import asyncio
import time

import pytest

from robot.engine.settings import EngineSettings
from robot.harness import LocalElvie

pytestmark = pytest.mark.slow
FIXTURE = "tests/conversations/fixtures/today.yml"


def run(stack, factory, timeout=300):
    return stack["loop"].run(factory(), timeout)


@pytest.mark.parametrize("fault", [
    {"endpoint": "appointments", "kind": "http_500"},
    {"endpoint": "appointments", "kind": "http_503"},
    {"endpoint": "appointments", "kind": "timeout", "seconds": 10},
    {"endpoint": "appointments", "kind": "refuse"},
    {"endpoint": "appointments", "kind": "malformed_json"},
    {"endpoint": "appointments", "kind": "auth_failure"},
])
def test_qmatic_faults_get_an_apology_within_3_seconds(stack, fault):
    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            await elvie.seed_qmatic(FIXTURE)
            await elvie.qmatic_admin("POST", "faults", fault)
            asked = await elvie.say("ik heb een afspraak")
            assert asked.screen == "ask_name"  # asking the name never waits for Qmatic
            await asyncio.sleep(1.1)  # (a name not in Elvie's 15 s cache of today's list makes her ask Qmatic)
            started = time.monotonic()
            result = await elvie.say("Wilhelmina Zwanenburg")
            elapsed = time.monotonic() - started
            await elvie.qmatic_admin("DELETE", "faults")
            assert result.responses == ["utter_qmatic_unavailable"], result
            assert len(result.meanwhile) <= 1  # a lookup that takes long (retries, a timeout): "one moment" first
            assert result.handover and "receptie" in result.say[0]
            assert result.timings_ms["first_word"] < 3000 and elapsed < 4.0
            assert result.error is None
    run(stack, scenario)


def test_slow_qmatic_still_works(stack):
    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            await elvie.seed_qmatic(FIXTURE)
            await elvie.qmatic_admin("POST", "faults", {"endpoint": "*", "kind": "latency", "ms": 600})
            await elvie.say("ik heb een afspraak")
            result = await elvie.say("Fatima el Amrani")
            assert result.screen == "confirm_appointment"
    run(stack, scenario)


@pytest.mark.parametrize("ms, one_moment", [(900, True), (150, False)])  # (Qmatic times out at 1 s)
def test_a_slow_check_in_gets_one_moment_once_and_then_the_ticket(stack, ms, one_moment):
    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            await elvie.seed_qmatic(FIXTURE)
            await elvie.say("ik heb een afspraak")
            await elvie.say("Fatima el Amrani")
            await elvie.say("ja")  # the appointment; then two documents
            await elvie.say("ja")
            await elvie.qmatic_admin("POST", "faults", {"endpoint": "*", "kind": "latency", "ms": ms})
            result = await elvie.say("ja")  # the check-in itself is always a call to Qmatic
            await elvie.qmatic_admin("DELETE", "faults")
            assert result.ticket, (result.responses, result.say, result.qmatic)
            assert result.meanwhile == (["Een moment, ik zoek het voor u op."] if one_moment else [])
            if one_moment:
                assert result.timings_ms["first_word"] < result.timings_ms["dialogue"]  # before the answer was there
    run(stack, scenario)


@pytest.mark.parametrize("commit", [True, False])
def test_a_check_in_that_times_out_is_neither_lost_nor_doubled(stack, commit):
    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            await elvie.seed_qmatic(FIXTURE)
            for text in ("ik heb een afspraak", "Piotr Kowalczyk", "ja"):
                await elvie.say(text)
            await elvie.qmatic_admin("POST", "faults", {"endpoint": "arrive", "kind": "timeout", "seconds": 4,
                                                        "commit": commit, "times": 1})
            result = await elvie.say("ja")  # the last document: now the check-in
            state = await elvie.qmatic_admin("GET", "state")
            visits = [v for v in state["visits"] if v["appointmentId"] == 2010]
            if commit:  # the visit exists: the visitor must get its number
                assert len(visits) == 1 and result.ticket == visits[0]["ticketId"], result
            else:  # no visit was made: the visitor is sent to reception, no number is invented
                assert visits == [] and result.ticket is None and result.handover
            assert result.timings_ms["first_word"] < 3500
    run(stack, scenario)


def test_second_arrival_is_recognised(stack):
    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            await elvie.seed_qmatic(FIXTURE)
            for text in ("mijn code is QM2010", "ja", "ja"):
                result = await elvie.say(text)
            assert result.ticket == "W001"
            await elvie.engine.end_conversation("test")
            again = [await elvie.say(t) for t in ("mijn code is QM2010",)][-1]
            assert again.responses == ["utter_already_checked_in_no_ticket"]
            state = await elvie.qmatic_admin("GET", "state")
            assert len([v for v in state["visits"] if v["appointmentId"] == 2010]) == 1
    run(stack, scenario)


BAD_TEXT = ["a" * 5000, "😀🎉🤖 hallo 👋", "hallo\x00\x07\x1b[31m elvie\r\n\t", "<script>alert('x')</script>",
            "Robert'); DROP TABLE visits;--", "مرحبا أريد موعد", "Здравствуйте", "{\"intent\": \"affirm\"}",
            "/affirm", "/EXTERNAL_rough_handling", "   ", "{{reception}} %s %(name)s"]


def test_bad_visitor_text_never_crashes(stack):
    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            await elvie.seed_qmatic(FIXTURE)
            for text in BAD_TEXT:
                result = await elvie.say(text)
                assert result.error is None, (text, result)
                if text.strip():
                    assert result.say, f"Elvie should answer {text[:20]!r}"
                    assert result.intent != "EXTERNAL_rough_handling", "typed text must not trigger intents"
                    assert len(elvie.engine.tablet.view.heard) <= 300
            typed = await elvie.touch("name", "<script>alert(1)</script>")
            assert typed["error"] is None and typed["say"]
    run(stack, scenario)


def test_a_broken_microphone_is_survived(stack):
    async def scenario():
        from dataclasses import replace

        async with LocalElvie(replace(stack["settings"], speech=True)) as elvie:
            ear = elvie.running.ear
            for garbage in (b"", b"\x01", bytes(range(256)) * 3, b"\xff" * 2731):
                ear.feed(garbage)
            await elvie.audio(bytes(16000 * 2), wait_s=2)  # silence: nothing happens
            result = await elvie.say("hallo")
            assert result.intent == "greet"
    run(stack, scenario)
