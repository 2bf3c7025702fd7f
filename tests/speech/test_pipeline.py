"""Spoken clips through the real pipeline (Silero VAD, Whisper, expected phrases)."""
from __future__ import annotations

import time
from contextlib import contextmanager

import numpy as np
import pytest

from robot.engine.expectations import build
from robot.speech.types import NotHeard, Recognised, SpeechEnded, SpeechStarted

from .conftest import clip


def hear(pipeline, pcm, expecting=None, lang=None, details=None):
    pipeline.set_expectation(build(expecting, details, lang))
    pipeline.set_language(lang)
    events = pipeline.recognise_pcm(pcm, trailing_silence_s=0.0)
    return next((e for e in events if isinstance(e, (Recognised, NotHeard))), None), events


@pytest.mark.parametrize("text, lang, expecting, intent", [
    ("ja dat klopt", "nl", "confirm", "affirm"),
    ("nee dat klopt niet", "nl", "confirm", "deny"),
    ("yes that's right", "en", "confirm", "affirm"),
    ("no", "en", "confirm", "deny"),
    ("ik heb een afspraak", "nl", None, "check_in"),
    ("I have an appointment", "en", None, "check_in"),
])
def test_clips_give_the_expected_intent_and_language(pipeline, text, lang, expecting, intent):
    heard, events = hear(pipeline, clip(text, lang), expecting, lang if expecting else None)
    assert isinstance(heard, Recognised), events
    assert heard.utterance.intent == intent and heard.utterance.lang == lang
    assert any(isinstance(e, SpeechStarted) for e in events) and any(isinstance(e, SpeechEnded) for e in events)


def test_free_english_speech_is_transcribed(pipeline):
    heard, _ = hear(pipeline, clip("where is the toilet please", "en"), None, "en")
    assert isinstance(heard, Recognised) and heard.utterance.intent is None
    assert "toilet" in heard.utterance.text.lower()


def test_a_name_from_todays_list_is_recognised(pipeline):
    names = ["Fatima el Amrani", "Jan de Vries", "Mehmet Yilmaz", "Emily Clarke"]
    heard, _ = hear(pipeline, clip("my name is Emily Clarke", "en"), "name", "en", {"names": names})
    assert isinstance(heard, Recognised)
    assert heard.utterance.entities.get("person_name") == "Emily Clarke"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_noise_is_not_turned_into_a_yes(pipeline, seed):
    rng = np.random.default_rng(seed)
    babble = (rng.normal(0, 2500, 16000 * 3) * np.sin(np.linspace(0, 40, 16000 * 3)) ** 2).astype("<i2").tobytes()
    heard, _ = hear(pipeline, babble, "confirm", "nl")
    assert not (isinstance(heard, Recognised) and heard.utterance.intent == "affirm")


def test_silence_gives_nothing(pipeline):
    heard, events = hear(pipeline, bytes(16000 * 2 * 2), "confirm", "nl")
    assert heard is None and events == []


def test_quiet_speech_is_too_quiet(pipeline):
    loud = np.frombuffer(clip("ik heb een afspraak", "nl"), dtype="<i2").astype(np.float32)
    quiet = (loud * 0.004).astype("<i2").tobytes()
    heard, events = hear(pipeline, quiet, None, "nl")
    assert isinstance(heard, NotHeard) and heard.reason == "too_quiet" or heard is None
    if heard is None:  # so quiet that the VAD heard no speech at all: also no words
        assert not any(isinstance(e, Recognised) for e in events)


@contextmanager
def listening_for_yes(pipeline):
    """The running pipeline after Elvie asked a Dutch yes/no question; yields the events it reports."""
    heard: list = []
    pipeline.on_event = heard.append
    pipeline.start()
    try:
        pipeline.set_expectation(build("confirm", None, "nl"))
        pipeline.set_language("nl")
        yield heard
    finally:
        pipeline.stop()
        pipeline.on_event = lambda e: None


def feed_in_buffers(pipeline, pcm: bytes) -> None:
    for start in range(0, len(pcm), 2730):  # the microphone's ~85 ms buffers
        pipeline.feed(pcm[start:start + 2730])


def wait_for(heard: list, kinds: tuple, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not any(isinstance(e, kinds) for e in heard):
        time.sleep(0.1)


def test_elvie_does_not_hear_herself_while_muted(pipeline):
    """Half-duplex: audio fed while muted (Elvie speaking) is dropped."""
    with listening_for_yes(pipeline) as heard:
        pipeline.mute()
        assert pipeline.muted_for() == float("inf")
        speech = clip("ja dat klopt", "nl")
        feed_in_buffers(pipeline, speech)
        pipeline.unmute(tail_s=0.2)
        assert 0.1 < pipeline.muted_for() <= 0.2  # what a scripted visitor waits for before speaking
        time.sleep(2.0)
        assert pipeline.muted_for() == 0.0
        assert not any(isinstance(e, (Recognised, SpeechStarted)) for e in heard)
        feed_in_buffers(pipeline, speech)  # and when she is done, she listens again
        wait_for(heard, (Recognised,))
        assert any(isinstance(e, Recognised) and e.utterance.intent == "affirm" for e in heard)


def test_a_quick_yes_while_her_voice_dies_away_is_heard(pipeline):
    """The visitor says "ja" the moment Elvie stops: its start falls in the echo tail, yet it is heard."""
    with listening_for_yes(pipeline) as heard:
        pipeline.mute()
        pipeline.unmute(tail_s=0.3)
        speech = clip("ja", "nl", lead_s=0.0, tail_s=2.0)  # the microphone goes on after the word
        samples = np.frombuffer(speech, dtype="<i2")
        split = int(np.argmax(np.abs(samples) > 600)) + int(0.1 * 16000)  # its first 100 ms in the tail
        pipeline.feed(speech[:split * 2])
        time.sleep(0.35)
        feed_in_buffers(pipeline, speech[split * 2:])
        wait_for(heard, (Recognised, NotHeard))
        assert any(isinstance(e, Recognised) and e.utterance.intent == "affirm" for e in heard), heard
