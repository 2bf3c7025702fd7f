"""ALSpeechRecognition on the virtual microphone, with Elvie's own recogniser (Whisper + Silero VAD)."""
from __future__ import annotations

import time

import pytest

from robot.speech.tts import espeak_clip


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_spoken_word_of_the_vocabulary_is_recognised(pepper, session):
    asr, memory = session.service("ALSpeechRecognition"), session.service("ALMemory")
    asr.setLanguage("English")
    asr.setVocabulary(["yes", "no", "hello"], False)
    words, detected = [], []
    word_sub, speech_sub = memory.subscriber("WordRecognized"), memory.subscriber("SpeechDetected")
    word_sub.signal.connect(words.append)
    speech_sub.signal.connect(detected.append)
    asr.subscribe("Test_ASR")
    try:
        with pytest.raises(RuntimeError, match="pause"):
            asr.setVocabulary(["maybe"], False)
        pepper.microphone.feed(espeak_clip("hello", "en"))
        assert wait_for(lambda: words, 30), "nothing recognised"
        assert words[0][0] == "hello"
        assert 0.0 < words[0][1] <= 1.0
        assert 1 in detected
        assert memory.getData("WordRecognized")[0] == "hello"
        # paused: the microphone is not listened to
        asr.pause(True)
        asr.setVocabulary(["yes", "no"], False)
        words.clear()
        pepper.microphone.feed(espeak_clip("yes", "en"))
        time.sleep(2.5)
        assert words == []
        asr.pause(False)
        pepper.microphone.feed(espeak_clip("no", "en"))
        assert wait_for(lambda: words, 30)
        assert words[0][0] == "no"
    finally:
        asr.unsubscribe("Test_ASR")
    assert pepper.state.read(lambda s: s.recognition["running"]) is False
