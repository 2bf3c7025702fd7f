"""The decisions in Understanding (accept, open vocabulary, transcribe, "not heard", language votes), on
given phrase scores and transcripts.

The recogniser here is a stand-in that returns fixed scores and transcripts, so each rule is tested on
exactly the evidence it has to weigh; the real Whisper path is tested in test_pipeline.py and
test_spoken_generalisation.py.
"""
from __future__ import annotations

import numpy as np
import pytest

from robot.engine.expectations import build
from robot.speech.types import NotHeard, Utterance
from robot.speech.understanding import Understanding
from robot.speech.whisper_engine import Encoded, Scored, Transcript


class GivenRecogniser:
    languages = ("nl", "en")

    def __init__(self, scores: dict[str, float], transcripts: dict[str, tuple[str, float]], unlisted: float = -4.5):
        self.scores = scores  # phrase text -> score (unlisted phrases fit badly)
        self.unlisted = unlisted
        self.transcripts = transcripts  # language -> (text, mean log-probability)
        self.transcribed: list[str] = []
        self.asked: list[str] = []

    def score(self, encoded, candidates, good_enough=None):
        self.asked += [c.text for c in candidates]
        scored = [Scored(c, self.scores.get(c.text, self.unlisted)) for c in candidates]
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def transcribe(self, encoded, lang, prompt=None):
        self.transcribed.append(lang)
        text, logprob = self.transcripts.get(lang, ("", -9.0))
        return Transcript(text=text, lang=lang, avg_logprob=logprob, no_speech_prob=0.01)


ENCODED = Encoded(output=None, frames=200, seconds=2.0)
_UNDERSTANDING: dict = {}


def understand(recogniser, conversation_lang=None, expecting=None, details=None, level=-20.0):
    if "index" not in _UNDERSTANDING:  # the phrase index is built once (0.3 s)
        _UNDERSTANDING["index"] = Understanding(GivenRecogniser({}, {})).index
    understanding = Understanding(recogniser, index=_UNDERSTANDING["index"])
    return understanding.understand(np.zeros(32000, dtype=np.float32), level,
                                    build(expecting, details, conversation_lang), conversation_lang, encoded=ENCODED)


def test_a_clear_phrase_is_accepted_without_transcribing():
    recogniser = GivenRecogniser({"ik heb een afspraak": -0.3}, {})
    heard = understand(recogniser)
    assert isinstance(heard, Utterance) and heard.intent == "check_in" and heard.lang == "nl"
    assert recogniser.transcribed == []


@pytest.mark.parametrize("expecting", [None, "has_appointment", "confirm", "document", "name", "booking_code",
                                       "candidate", "walk_in_service"])
def test_a_short_nee_with_a_weak_transcript_is_a_no_in_every_state(expecting):
    """Whisper writes espeak's "nee" as "Lij." with a low log-probability: that must never be "not heard"."""
    recogniser = GivenRecogniser({"nee": -1.9, "no": -3.2}, {"nl": ("Lij.", -1.6)})
    heard = understand(recogniser, "nl", expecting, {"names": ["Jan de Vries"], "times": ["10:00"]})
    assert isinstance(heard, Utterance) and heard.intent == "deny" and heard.lang == "nl"


def test_a_sentence_nobody_expected_is_found_among_every_intents_examples():
    """Open vocabulary: the garbled transcript picks the example sentence, the audio confirms it."""
    recogniser = GivenRecogniser({"ik heb om tien uur een afspraak": -1.4}, {"nl": ("Ik heb om din u een afstrak.", -1.2)})
    heard = understand(recogniser, "nl", "confirm")
    assert isinstance(heard, Utterance) and heard.intent == "check_in"
    assert "ik heb om tien uur een afspraak" in recogniser.asked  # retrieved, not expected in this state


def test_a_goodbye_the_transcript_also_says_is_accepted_on_a_modest_fit():
    recogniser = GivenRecogniser({"tot ziens": -2.6, "tot zien": -2.7}, {"nl": ("Tot zin.", -1.5)})
    heard = understand(recogniser, "nl", "document")
    assert isinstance(heard, Utterance) and heard.intent == "goodbye"


def test_retrieved_sentences_never_carry_the_examples_entities():
    recogniser = GivenRecogniser({"ik heb om tien uur een afspraak": -0.5}, {"nl": ("Ik heb om tien uur een afspraak.", -0.3)})
    heard = understand(recogniser, "nl", "confirm")
    assert heard.intent == "check_in" and heard.entities == {}


def test_unrelated_speech_goes_to_the_dialogue_as_words_not_as_a_forced_intent():
    recogniser = GivenRecogniser({}, {"en": ("Where is the toilet, please?", -0.4)})
    heard = understand(recogniser, "en")
    assert isinstance(heard, Utterance) and heard.intent is None and "toilet" in heard.text


def test_out_of_scope_examples_are_rivals_but_never_the_answer():
    recogniser = GivenRecogniser({"what's the weather like": -0.6}, {"en": ("What's the weather like?", -0.3)})
    heard = understand(recogniser, "en")
    assert isinstance(heard, Utterance) and heard.intent is None and "weather" in heard.text


def test_no_words_anywhere_is_not_understood_and_too_quiet_is_not_heard():
    heard = understand(GivenRecogniser({}, {}), "nl", "confirm")
    assert isinstance(heard, NotHeard) and heard.reason == "no_words"
    heard = understand(GivenRecogniser({"ja": -0.2}, {}), "nl", "confirm", level=-60.0)
    assert isinstance(heard, NotHeard) and heard.reason == "too_quiet"


def test_english_in_a_dutch_conversation_votes_english_from_the_transcripts():
    recogniser = GivenRecogniser({"i want to speak to a person": -1.0},
                                 {"nl": ("Aai wont toe tok toe e persen.", -1.5),
                                  "en": ("I want to talk to a person.", -0.3)})
    heard = understand(recogniser, "nl", "confirm")
    assert recogniser.transcribed == ["nl", "en"]  # the Dutch transcript fit poorly: English was tried
    assert heard.intent == "request_human" and heard.lang == "en"
    assert heard.language_votes["transcript"] == "en"
    assert heard.language_votes["phrases"] is None  # retrieved sentences (found through a transcript) do not vote


def test_english_written_when_whisper_was_told_dutch_is_a_vote_for_english():
    recogniser = GivenRecogniser({}, {"nl": ("I need reception for my passport.", -0.6),
                                      "en": ("I need reception for my passport.", -0.2)})
    heard = understand(recogniser, "nl", "confirm")
    assert heard.language_votes["words"] == "en" and heard.language_votes["transcript"] == "en"
    assert heard.lang == "en"


def test_dutch_transcribed_in_english_does_not_vote_english_without_a_clear_lead():
    """Whisper writes fluent English for Dutch speech ("Briefly, house." for "de brief ligt thuis")."""
    recogniser = GivenRecogniser({}, {"nl": ("De briefleg als.", -1.64), "en": ("Briefly, house.", -0.97)})
    heard = understand(recogniser, "nl", "document")
    assert isinstance(heard, NotHeard) and heard.reason == "no_words"  # "sorry, I didn't understand", in Dutch


def test_a_confident_transcript_in_the_conversation_language_is_not_retried():
    recogniser = GivenRecogniser({}, {"nl": ("Waar kan ik mijn auto parkeren?", -0.3)})
    heard = understand(recogniser, "nl")
    assert recogniser.transcribed == ["nl"] and heard.lang == "nl"


def test_a_surname_alone_is_verified_among_todays_names():
    names = ["Lotte Bakker", "Jan de Vries", "Emily Clarke"]
    recogniser = GivenRecogniser({"Bakker": -0.9, "Lotte Bakker": -2.4}, {"nl": ("Bakker.", -0.8)})
    heard = understand(recogniser, "nl", "name", {"names": names})
    assert heard.intent == "inform_name" and heard.entities["person_name"] == "Bakker"


def test_two_names_that_fit_alike_are_left_to_the_dialogue():
    names = ["Jan de Vries", "Jan de Vos"]
    recogniser = GivenRecogniser({"Jan de Vries": -1.0, "Jan de Vos": -1.1}, {"nl": ("Jan de Vris.", -0.7)})
    heard = understand(recogniser, "nl", "name", {"names": names})
    assert heard.intent is None  # the transcript goes to the name lookup, which asks


@pytest.mark.parametrize("rivals, taken", [(-5.3, True), (-4.7, False)])
def test_a_rare_name_is_taken_only_when_far_ahead_of_every_other_person(rivals, taken):
    """Whisper base fits 'Katarzyna Nowak' poorly even when it is right: -4.2 is enough when every
    other person fits a whole point worse, not when another is close behind."""
    names = ["Katarzyna Nowak", "Anouk van der Berg", "Jan de Vries"]
    recogniser = GivenRecogniser({"ik ben Katarzyna Nowak": -4.2}, {"nl": ("Ik ben Katamino Nowak van der.", -0.9)},
                                 unlisted=rivals)
    heard = understand(recogniser, "nl", "name", {"names": names})
    assert (heard.intent == "inform_name" and heard.entities["person_name"] == "Katarzyna Nowak") is taken
    if not taken:
        assert heard.intent is None  # the words go to the name lookup, which asks


def test_a_booking_code_read_out_in_words_reaches_the_lookup_as_digits():
    from integrations.qmatic.matching import match_reference

    recogniser = GivenRecogniser({}, {"nl": ("Q M zeven drie nul drie.", -0.6)})
    heard = understand(recogniser, "nl", "booking_code")
    assert isinstance(heard, Utterance) and match_reference(heard.text) == "QM7303"


def test_a_practical_question_the_transcript_points_at_is_heard_with_its_key():
    from dialogue.content.loader import load_content

    content = load_content()
    recogniser = GivenRecogniser({"waar is de wc": -0.9}, {"nl": ("Waar is de wc?", -0.4)})
    expectation = build("confirm", None, "nl", content.languages, content)
    understanding = Understanding(recogniser, index=_UNDERSTANDING.get("index"))
    heard = understanding.understand(np.zeros(32000, dtype=np.float32), -20.0, expectation, "nl", encoded=ENCODED)
    assert heard.intent == "out_of_scope" and heard.entities == {"faq": "toilets"}
