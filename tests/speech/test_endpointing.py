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


@pytest.fixture(scope="module")
def end_of_turn():
    from robot.speech.end_of_turn import EndOfTurn

    return EndOfTurn()


def _where_it_ends(endpointer: Endpointer, stream: np.ndarray) -> list[float]:
    """Feed the stream in microphone-sized frames; the times (s, in the stream) at which turns end."""
    ends = []
    for start in range(0, stream.size, 1365):
        _, segments = endpointer.feed(stream[start:start + 1365])
        ends += [(start + 1365) / 16000] * len(segments)
    return ends


def _code_in_groups(pause_s: float) -> np.ndarray:
    gap = np.zeros(int(pause_s * 16000), dtype=np.float32)
    groups = [to_float(clip(text, "nl", lead_s=0, tail_s=0)) for text in ("Q M", "zeven drie", "nul drie")]
    return np.concatenate([np.zeros(8000, dtype=np.float32), groups[0], gap, groups[1], gap, groups[2],
                           np.zeros(40000, dtype=np.float32)])


def test_a_booking_code_read_in_groups_is_one_turn(vad, end_of_turn):
    """Asked for a code, Elvie lets the visitor pause between groups (0.8 s) without cutting them off."""
    endpointer = Endpointer(vad, EndpointSettings(), end_of_turn)
    endpointer.patient = True  # what the pipeline sets while a booking code is expected
    assert len(_where_it_ends(endpointer, _code_in_groups(0.8))) == 1
    impatient = Endpointer(vad, EndpointSettings())  # a fixed half-second silence cuts it into pieces
    assert len(_where_it_ends(impatient, _code_in_groups(0.8))) > 1


class Judged:
    """An end-of-turn model with a fixed view (the real one's views are measured in benchmarks/acoustics.py)."""

    def __init__(self, probability: float):
        self.probability = probability
        self.asked = 0

    def complete(self, audio: np.ndarray) -> float:
        self.asked += 1
        return self.probability


@pytest.mark.parametrize("probability, waits_s", [(0.9, 0.2), (0.1, EndpointSettings().max_silence_s)])
def test_a_complete_turn_ends_at_the_short_silence_an_incomplete_one_waits(vad, probability, waits_s):
    speech = to_float(clip("ik heb een afspraak om tien uur", "nl", lead_s=0.5, tail_s=3.0))
    silence_only = _where_it_ends(Endpointer(vad, EndpointSettings()), speech)[0]
    model = Judged(probability)
    judged = _where_it_ends(Endpointer(vad, EndpointSettings(), model), speech)
    assert len(judged) == 1 and model.asked in (1, 2)
    # (silence_only ends 0.5 s into the pause; frames are 85 ms)
    assert abs(judged[0] - (silence_only - 0.5 + waits_s)) < 0.12


def test_the_real_model_ends_most_finished_sentences_sooner(vad, end_of_turn):
    sentences = ["ik heb een afspraak", "ja dat klopt", "nee", "mijn naam is Jan de Vries", "dank je wel",
                 "tot ziens"]
    sooner = 0
    for text in sentences:
        speech = to_float(clip(text, "nl", variant="f2", lead_s=0.5, tail_s=2.0))
        with_model = _where_it_ends(Endpointer(vad, EndpointSettings(), end_of_turn), speech)
        silence_only = _where_it_ends(Endpointer(vad, EndpointSettings()), speech)
        sooner += with_model[0] <= silence_only[0] - 0.2
    assert sooner >= len(sentences) // 2


def test_the_pipeline_is_patient_only_while_a_booking_code_is_expected(pipeline):
    from robot.engine.expectations import build

    pipeline.set_expectation(build("booking_code", {}, "nl"))
    assert pipeline.endpointer.patient
    pipeline.set_expectation(build("confirm", {}, "nl"))
    assert not pipeline.endpointer.patient
    pipeline.set_expectation(None)
