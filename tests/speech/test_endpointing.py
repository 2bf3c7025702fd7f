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


def test_the_pipeline_is_patient_only_while_a_booking_code_or_a_name_is_expected(pipeline):
    from robot.engine.expectations import build

    pipeline.set_expectation(build("booking_code", {}, "nl"))
    assert pipeline.endpointer.patient
    pipeline.set_expectation(build("name", {"names": ["Jan de Vries"]}, "nl"))
    assert pipeline.endpointer.patient
    pipeline.set_expectation(build("confirm", {}, "nl"))
    assert not pipeline.endpointer.patient
    pipeline.set_expectation(None)


@pytest.mark.parametrize("transcript, lang, unfinished", [
    ("Ik heb...", "nl", True), ("Mijn naam is", "nl", True), ("Ik heb een afspraak, uh", "nl", True),
    ("De V van Victor.", "nl", True), ("B as in Bernard", "en", True), ("My name is", "en", True),
    ("Ik heb een afspraak.", "nl", False), ("Dat is het.", "nl", False), ("Yes, that's right.", "en", False),
    ("", "nl", False)])
def test_a_turn_does_not_end_on_an_article_a_filler_or_a_spelled_letter(transcript, lang, unfinished):
    from robot.speech.unfinished import sounds_unfinished

    assert sounds_unfinished(transcript, lang) is unfinished


def _with_pause(parts: list[str], lang: str, pause_s: float) -> bytes:
    """The parts with `pause_s` of silence between them (espeak-ng's own trailing silence cut off)."""
    gap = bytes(int(pause_s * 16000) * 2)
    return gap.join(voiced_only(clip(text, lang, lead_s=0, tail_s=0)) for text in parts)


def voiced_only(pcm: bytes) -> bytes:
    audio = to_float(pcm)
    return pcm[:2 * (int(np.flatnonzero(np.abs(audio) > 0.02)[-1]) + 800)]  # + 50 ms of the sound dying away


@pytest.mark.parametrize("parts, lang, state, meant", [
    (["ik heb", "een afspraak om tien uur"], "nl", None, "check_in"),
    (["my name is", "Emily Clarke"], "en", "name", "Emily Clarke")])
def test_a_visitor_who_pauses_mid_sentence_is_heard_to_the_end_as_one_turn(pipeline, parts, lang, state, meant):
    from robot.engine.expectations import build
    from robot.speech.types import Recognised, SpeechEnded

    pipeline.set_expectation(build(state, {"names": ["Emily Clarke", "Jan de Vries"]}, lang))
    pipeline.set_language(lang)
    try:
        events = pipeline.recognise_pcm(bytes(8000) + _with_pause(parts, lang, 0.8), trailing_silence_s=2.0)
    finally:
        pipeline.set_expectation(None)
    assert sum(isinstance(e, SpeechEnded) for e in events) == 1
    heard = [e.utterance for e in events if isinstance(e, Recognised)]
    assert len(heard) == 1
    # the whole sentence was understood ("ik heb" alone means nothing, "my name is" names nobody)
    assert meant in (heard[0].intent, heard[0].entities.get("person_name"))


def test_the_time_to_answer_counts_from_the_end_of_the_voice_not_from_the_end_of_the_turn(pipeline):
    """The silence Elvie waits to be sure the turn is over is part of the visitor's wait."""
    from robot.speech.types import Recognised, SpeechEnded

    pipeline.set_expectation(None)
    pipeline.set_language("nl")
    pipeline._start_listening()
    pcm = clip("ik heb een afspraak om tien uur", "nl", lead_s=0.5, tail_s=2.0)
    frames = [pcm[i:i + 2730] for i in range(0, len(pcm), 2730)]
    events, arrived = [], 100.0
    for frame in frames:  # as a microphone delivers them: 85 ms apart
        arrived += len(frame) / 32000
        events += pipeline.process(frame, arrived=arrived)
    ended = next(e for e in events if isinstance(e, SpeechEnded))
    recognised = next(e for e in events if isinstance(e, Recognised))
    voice_end = 100.0 + (len(pcm) - int(2.0 * 16000) * 2) / 32000  # where the clip's own silence begins
    assert recognised.ended_at == ended.voice_ended
    # espeak's clip ends in a little silence of its own: the voice ends at most ~0.3 s before the padding
    assert voice_end - 0.35 <= ended.voice_ended <= voice_end + 0.05
    assert recognised.utterance.timings["end_of_turn_ms"] >= 150  # at least the short silence
