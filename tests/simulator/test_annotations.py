"""NAOqi's speech annotations: parsed into steps, never spoken, and performed in time."""
from __future__ import annotations

import time

from simulator.services import annotations

from .conftest import advance_until, in_background

EVERY_ANNOTATION = ("^start(animations/Stand/Gestures/Hey_1) Hello ^wait(animations/Stand/Gestures/Hey_1) "
                    "^run(animations/Stand/Gestures/Yes_1) ^stop(animations/Stand/Gestures/Yes_1) "
                    "^mode(disabled) ^call(ALLeds.fadeRGB(\"FaceLeds\", \"red\", 0.0)) "
                    "^pCall(ALLeds.fadeRGB(\"ChestLeds\", \"blue\", 0.0)) ^startTag(hello) ^stopTag(hello) "
                    "^waitTag(hello) ^runTag(yes) my \\pau=300\\ \\rspd=80\\ friend \\vct=120\\ \\rst\\ \\vol=50\\ !")


def test_every_annotation_is_parsed_and_none_is_spoken():
    steps = annotations.parse(EVERY_ANNOTATION)
    kinds = [s.kind for s in steps]
    for kind in ("start", "wait", "run", "stop", "mode", "call", "pCall", "startTag", "stopTag", "waitTag",
                 "runTag", "pau", "rspd", "vct", "rst", "vol"):
        assert kind in kinds, kind
    assert annotations.spoken_text(EVERY_ANNOTATION) == "Hello my friend !"
    assert annotations.parse_call('ALLeds.fadeRGB("FaceLeds", "red", 0.5)') == ("ALLeds", "fadeRGB",
                                                                               ["FaceLeds", "red", 0.5])
    assert annotations.started_animations(EVERY_ANNOTATION) == [
        "animations/Stand/Gestures/Hey_1", "animations/Stand/Gestures/Yes_1", "animations/Stand/Gestures/Hey_1",
        "animations/Stand/Gestures/Yes_1"]


def test_a_pause_takes_its_time_and_plain_tts_does_not_animate(pepper, session, clock):
    tts = session.service("ALTextToSpeech")
    thread, _ = in_background(tts.say, "^start(animations/Stand/Gestures/Hey_1) one \\pau=3000\\ two")
    time.sleep(0.1)
    clock.advance(2.0)
    time.sleep(0.05)
    assert thread.is_alive()  # 2 s in: still inside the 3 s pause
    assert advance_until(clock, lambda: not thread.is_alive())
    spoken = pepper.state.read(lambda s: s.spoken[-1])
    assert spoken.text == "one two" and spoken.gestures == []
    assert spoken.ended - spoken.started >= 3.0


def test_animated_speech_calls_services_and_shows_its_gestures(pepper, session, clock):
    speech = session.service("ALAnimatedSpeech")
    thread, _ = in_background(speech.say, EVERY_ANNOTATION)
    assert advance_until(clock, lambda: not thread.is_alive())
    leds = pepper.state.read(lambda s: dict(s.leds))
    assert leds["FaceLeds"] == "#ff0000"
    time.sleep(0.2)  # ^pCall runs in parallel
    assert pepper.state.read(lambda s: s.leds["ChestLeds"]) == "#0000ff"
    gestures = pepper.state.read(lambda s: list(s.gestures))
    assert gestures[:2] == ["animations/Stand/Gestures/Hey_1", "animations/Stand/Gestures/Yes_1"]
