"""The speech side expects the hosts' FAQ phrasings (locales/faq.yml) where a visitor may ask one — and the
dialogue answers the question the speech side heard, by its key."""
from __future__ import annotations

from robot.engine.expectations import build

from dialogue.content.loader import load_content


def faq_phrases(expectation):
    return {(c.text, c.lang, c.entities.get("faq")) for c in expectation.candidates if c.entities.get("faq")}


def test_faq_phrasings_are_expected_in_the_conversations_language():
    content = load_content()
    heard = faq_phrases(build(None, None, "en", content.languages, content))
    assert ("where are the toilets", "en", "toilets") in heard
    assert {key for _, _, key in heard} == set(content.faq)
    assert all(lang == "en" for _, lang, _ in heard)
    assert all(c.intent == "out_of_scope" for c in build(None, None, "en", content.languages, content).candidates
               if c.entities.get("faq"))
    assert ("waar is de wc", "nl", "toilets") in faq_phrases(build("candidate", {"times": ["10:30"]}, "nl",
                                                                   content.languages, content))


def test_no_faq_phrasings_while_a_name_or_code_is_expected():
    content = load_content()
    assert not faq_phrases(build("name", {"names": ["Jan de Vries"]}, "nl", content.languages, content))
    assert not faq_phrases(build("booking_code", None, "nl", content.languages, content))


def test_answers_come_before_the_questions():
    """Scoring stops early once a phrase clearly wins: the expected answers are scored first."""
    content = load_content()
    candidates = build("confirm", None, "nl", content.languages, content).candidates
    first_faq = next(i for i, c in enumerate(candidates) if c.entities.get("faq"))
    assert all(not c.entities.get("faq") for c in candidates[:first_faq])
    assert {c.intent for c in candidates[:first_faq]} >= {"affirm", "deny"}
