"""Spoken turns through the whole stack: audio into the virtual Pepper's microphone, over qi to the
engine's ear, to the dialogue; and Elvie never transcribes her own voice."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from robot.harness import LocalElvie
from robot.speech.audio import write_wav
from robot.speech.tts import espeak_clip

pytestmark = pytest.mark.slow


def test_a_scripted_visitor_speaks(tmp_path, converse_env):
    # The third clip is a bare "ja" right after Elvie's question: the scripted visitor waits until she
    # is done (and her echo tail is over), so not even a short word is lost to the half-duplex mute.
    write_wav(tmp_path / "hallo.wav", bytes(8000) + espeak_clip("goedemorgen", "nl") + bytes(8000))
    write_wav(tmp_path / "afspraak.wav", bytes(8000) + espeak_clip("ik heb een afspraak", "nl") + bytes(8000))
    write_wav(tmp_path / "ja.wav", espeak_clip("ja", "nl") + bytes(8000))
    script = tmp_path / "spoken.yml"
    script.write_text("""name: a spoken visit
qmatic: %s
turns:
  - audio: hallo.wav
    expect: {intent: greet, lang: nl, screen: welcome}
  - audio: afspraak.wav
    expect: {intent: check_in, lang: nl, screen: ask_name}
  - say: Fatima el Amrani
    expect: {screen: confirm_appointment}
  - audio: ja.wav
    expect: {intent: affirm, lang: nl}
""" % Path("tests/conversations/fixtures/today.yml").resolve())
    run = subprocess.run([sys.executable, "-m", "robot.cli", "converse", "--script", str(script), "--json"],
                         capture_output=True, text=True, env=converse_env, timeout=300)
    turns = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert [t["input"] for t in turns] == ["audio", "audio", "say", "audio"]
    timings = turns[0]["timings_ms"]
    assert timings["end_of_speech_to_first_word"] > 0
    # the recognition stages are reported with the turn (what a developer looks at when a turn is slow)
    assert 0 < timings["speech_recognition"] < timings["end_of_speech_to_first_word"]
    assert timings["speech_encode"] > 0 and timings["speech_score"] > 0


def test_elvie_does_not_hear_herself(stack):
    """With the simulator's echo on, Elvie's greeting reaches her own microphone: it must not become a turn."""
    async def scenario():
        settings = replace(stack["settings"], speech=True, simulator_echo=True)
        async with LocalElvie(settings, time_scale=1.0) as elvie:
            greeting = await elvie.sensor("person_arrives", wait_s=10)
            assert greeting["say"], "Elvie greets the visitor (and hears her own voice)"
            follow_up = await elvie.next_result(4.0, kind="audio")
            assert follow_up["input"] == "audio" and follow_up["say"] == [], follow_up
            assert elvie.engine.conversation.visitor_turns == 0
    stack["loop"].run(scenario(), timeout=120)


def test_a_surname_said_alone_finds_the_appointment(tmp_path, converse_env):
    """Asked for her name, the visitor says only her surname: the appointment is found."""
    write_wav(tmp_path / "hello.wav", bytes(8000) + espeak_clip("good morning", "en") + bytes(8000))
    write_wav(tmp_path / "appointment.wav", bytes(8000) + espeak_clip("I have an appointment", "en") + bytes(8000))
    write_wav(tmp_path / "clarke.wav", bytes(8000) + espeak_clip("Clarke", "en") + bytes(8000))
    script = tmp_path / "surname.yml"
    script.write_text("""name: a surname alone
qmatic: %s
turns:
  - audio: hello.wav
    expect: {intent: greet, lang: en}
  - audio: appointment.wav
    expect: {intent: check_in, lang: en, screen: ask_name}
  - audio: clarke.wav
    expect: {lang: en, screen: confirm_appointment}
""" % Path("tests/conversations/fixtures/today.yml").resolve())
    run = subprocess.run([sys.executable, "-m", "robot.cli", "converse", "--script", str(script), "--json"],
                         capture_output=True, text=True, env=converse_env, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]


def test_a_misjudged_language_is_undone_by_the_next_sentence(stack):
    """One utterance judged English in a Dutch conversation gets one English answer; the next Dutch
    sentence brings Elvie back to Dutch at once (never two wrong-language turns in a row)."""
    from robot.engine.inputs import TextInput

    dutch = {"phrases": "nl", "transcript": None, "words": "nl"}
    english = {"phrases": "en", "transcript": "en", "words": "en"}

    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            first = await elvie.engine.handle(TextInput("goedemorgen", source="speech", language_votes=dutch))
            second = await elvie.engine.handle(TextInput("ik heb een afspraak", source="speech", intent="check_in",
                                                         language_votes=dutch))
            assert first.lang == second.lang == "nl" and second.screen == "ask_name"
            misjudged = await elvie.engine.handle(TextInput("I have a question about my appointment", source="speech",
                                                            language_votes=english))
            assert misjudged.lang == "en"
            back = await elvie.engine.handle(TextInput("ik wil een medewerker spreken", source="speech",
                                                       intent="request_human", language_votes={"phrases": "nl"}))
            assert back.lang == "nl", back
            assert elvie.engine.tablet.view.lang == "nl"
    stack["loop"].run(scenario(), timeout=180)


def test_elvie_says_she_cannot_hear_only_when_it_was_too_quiet(stack):
    """Too quiet: "I can't hear you well". Heard at a good level but no words she could place: "Sorry,
    I didn't understand", with an example of what to say. Each only when it is true."""
    from robot.engine.inputs import NotHeardInput, TextInput

    async def scenario():
        async with LocalElvie(stack["settings"]) as elvie:
            await elvie.engine.handle(TextInput("goedemorgen", source="speech", language_votes={"words": "nl"}))
            quiet = await elvie.engine.handle(NotHeardInput(reason="too_quiet"))
            await elvie.engine.end_conversation(reason="next visitor")
            await elvie.engine.handle(TextInput("goedemorgen", source="speech", language_votes={"words": "nl"}))
            unclear = await elvie.engine.handle(NotHeardInput(reason="no_words"))
            assert quiet.responses == ["utter_cant_hear"] and "horen" in quiet.say[0]
            assert unclear.responses == ["utter_not_understood"], unclear
            assert "begreep" in unclear.say[0] or "begrepen" in unclear.say[0], unclear
    stack["loop"].run(scenario(), timeout=180)
