"""The speech side expects the hosts' FAQ phrasings (locales/faq.yml) where a visitor may ask one — and the
dialogue answers the question the speech side heard, by its key."""
from __future__ import annotations

from robot.engine.expectations import build

from dialogue.content.loader import load_content


def faq_phrases(expectation):
    return {(c.text, c.lang, c.entities.get("faq")) for c in expectation.retrievable if c.entities.get("faq")}


def test_faq_phrasings_are_expected_in_the_conversations_language():
    content = load_content()
    heard = faq_phrases(build(None, None, "en", content.languages, content))
    assert ("where are the toilets", "en", "toilets") in heard
    assert {key for _, _, key in heard} == set(content.faq)
    assert all(c.intent == "out_of_scope" for c in build(None, None, "en", content.languages, content).retrievable)
    assert ("waar is de wc", "nl", "toilets") in faq_phrases(build("candidate", {"times": ["10:30"]}, "nl",
                                                                   content.languages, content))


def test_no_faq_phrasings_while_a_name_or_code_is_expected():
    content = load_content()
    assert not faq_phrases(build("name", {"names": ["Jan de Vries"]}, "nl", content.languages, content))
    assert not faq_phrases(build("booking_code", None, "nl", content.languages, content))


def test_questions_are_scored_only_when_a_transcript_points_at_them():
    """Scoring costs ~25 ms a phrase: the hosts' questions are not among the phrases scored every turn."""
    content = load_content()
    expectation = build("confirm", None, "nl", content.languages, content)
    assert not any(c.entities.get("faq") for c in expectation.candidates)
    assert faq_phrases(expectation)
