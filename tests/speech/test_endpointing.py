"""Endpointing on espeak-ng speech with the real Silero VAD: where utterances start and end, and
what the echo tail after Elvie speaks may and may not do."""
from __future__ import annotations

import numpy as np
import pytest

from robot.speech.audio import to_float
from robot.speech.vad import EndpointSettings, Endpointer, SileroVad

from .conftest import clip


@pytest.fixture(scope="module")
def vad():
    return SileroVad()


def voiced_start(audio: np.ndarray) -> int:
    """Index of the first clearly audible sample."""
    return int(np.argmax(np.abs(audio) > 0.02))


def start_in_stream(stream: np.ndarray, segment: np.ndarray) -> int:
    """Where in the stream the segment's audio (an exact slice of it) begins."""
    j = voiced_start(segment)
    for i in np.flatnonzero(stream == segment[j]):
        start = int(i) - j
        if start >= 0 and np.array_equal(stream[start:start + segment.size], segment):
            return start
    raise AssertionError("the segment is not a slice of the stream")


def test_an_utterance_keeps_its_first_syllable(vad):
    speech = to_float(clip("ja dat klopt", "nl", lead_s=0.5, tail_s=1.0))
    endpointer = Endpointer(vad, EndpointSettings())
    _, segments = endpointer.feed(speech)
    assert len(segments) == 1
    # the segment begins before the first sound (the pre-roll), so nothing of the first word is lost
    assert start_in_stream(speech, segments[0].audio) < voiced_start(speech)


def test_an_answer_that_starts_in_the_echo_tail_keeps_its_onset(vad):
    """A visitor answers while Elvie's voice dies away: the tail fills the pre-roll only."""
    speech = to_float(clip("ja dat klopt", "nl", lead_s=0.0, tail_s=1.0))
    onset = voiced_start(speech)
    split = onset + int(0.15 * 16000)  # the first 150 ms of the answer fall in the tail
    endpointer = Endpointer(vad, EndpointSettings())
    started, segments = endpointer.feed(speech[:split], may_start=False)
    assert not started and not segments
    _, segments = endpointer.feed(speech[split:])
    assert len(segments) == 1
    # the segment reaches back to the start of the answer, inside the tail
    assert start_in_stream(speech, segments[0].audio) <= onset


def test_the_echo_tail_alone_never_starts_an_utterance(vad):
    echo = to_float(clip("dank u wel, tot ziens", "nl", lead_s=0.0, tail_s=0.0))
    endpointer = Endpointer(vad, EndpointSettings())
    started, segments = endpointer.feed(echo, may_start=False)
    assert not started and not segments
    started, segments = endpointer.feed(np.zeros(16000, dtype=np.float32))
    assert not started and not segments and endpointer.flush() == []
