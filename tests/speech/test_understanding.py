"""The decisions in Understanding (language, accept or transcribe), on given phrase scores and transcripts.

The recogniser here is a stand-in that returns fixed scores and transcripts, so each rule is tested on
exactly the evidence it has to weigh; the real Whisper path is tested in test_pipeline.py.
"""
from __future__ import annotations

import numpy as np

from robot.engine.expectations import build
from robot.speech.types import NotHeard, Utterance
from robot.speech.understanding import Understanding
from robot.speech.whisper_engine import Encoded, Scored, Transcript


class GivenRecogniser:
    languages = ("nl", "en")

    def __init__(self, scores: dict[str, float], transcripts: dict[str, tuple[str, float]]):
        self.scores = scores  # phrase text -> score (unlisted phrases fit badly)
        self.transcripts = transcripts  # language -> (text, mean log-probability)
        self.transcribed: list[str] = []

    def score(self, encoded, candidates, good_enough=None):
        scored = [Scored(c, self.scores.get(c.text, -4.5)) for c in candidates]
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def transcribe(self, encoded, lang, prompt=None):
        self.transcribed.append(lang)
        text, logprob = self.transcripts.get(lang, ("", -9.0))
        return Transcript(text=text, lang=lang, avg_logprob=logprob, no_speech_prob=0.01)


ENCODED = Encoded(output=None, frames=200, seconds=2.0)


def understand(recogniser, conversation_lang=None):
    return Understanding(recogniser).understand(np.zeros(32000, dtype=np.float32), -20.0,
                                                build(None, None, conversation_lang), conversation_lang,
                                                encoded=ENCODED)


def test_weak_dutch_first_words_are_not_taken_for_confident_english():
    """Whisper is more sure of itself in English whatever it hears: Dutch phrases that fit better
    keep the turn Dutch ("sorry, I didn't catch that" in Dutch) rather than an English answer to nonsense."""
    recogniser = GivenRecogniser({"ik wil een medewerker spreken": -2.5, "I want to talk to a person": -3.4},
                                 {"nl": ("Dit is een mega merkertzeker.", -1.7), "en": ("It will make a map.", -0.9)})
    heard = understand(recogniser)
    assert recogniser.transcribed == ["nl", "en"]  # the other language was tried
    assert isinstance(heard, NotHeard) and heard.reason == "no_words"


def test_english_first_words_switch_when_the_english_transcript_is_clearly_better():
    recogniser = GivenRecogniser({"I want to talk to a person": -2.6, "ik wil een medewerker spreken": -2.5},
                                 {"nl": ("Ik wil de persoon.", -1.8), "en": ("I want to talk to someone.", -0.4)})
    heard = understand(recogniser)
    assert recogniser.transcribed[:2] == ["nl", "en"]  # Dutch first (its phrase fit a little better)
    assert isinstance(heard, Utterance) and heard.lang == "en" and "someone" in heard.text


def test_a_clear_phrase_is_accepted_without_transcribing():
    recogniser = GivenRecogniser({"ik heb een afspraak": -0.3}, {})
    heard = understand(recogniser)
    assert isinstance(heard, Utterance) and heard.intent == "check_in" and heard.lang == "nl"
    assert recogniser.transcribed == []


def test_the_conversation_language_holds_unless_the_other_clearly_fits():
    recogniser = GivenRecogniser({"hello": -1.2, "hallo": -1.6}, {"nl": ("Hallo.", -0.5), "en": ("Hello.", -0.3)})
    heard = understand(recogniser, conversation_lang="nl")
    assert isinstance(heard, Utterance) and heard.lang == "nl"
