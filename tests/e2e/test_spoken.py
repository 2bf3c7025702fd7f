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
