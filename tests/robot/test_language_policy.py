"""The conversation's language: decided in one place, stable, and reversible."""
from __future__ import annotations

from robot.language_policy import ConversationLanguage, LanguageEvidence


def spoken(phrases=None, transcript=None, words=None, count=4) -> LanguageEvidence:
    return LanguageEvidence({"phrases": phrases, "transcript": transcript, "words": words}, count)


def typed(lang, count=4) -> LanguageEvidence:
    return LanguageEvidence({"words": lang}, count)


def settled(lang: str) -> ConversationLanguage:
    """A conversation whose language two inputs have agreed on."""
    language = ConversationLanguage(("nl", "en"))
    language.observe(spoken(lang, lang, lang))
    language.observe(spoken(lang, None, lang))
    return language


def test_the_first_words_set_the_language_and_no_evidence_means_the_sites_language():
    language = ConversationLanguage(("nl", "en"))
    assert language.observe(spoken()) == "nl" and language.current is None
    assert language.observe(spoken("en", "en", None)) == "en"


def test_a_wrong_switch_is_undone_by_the_next_sentence():
    language = settled("nl")
    assert language.observe(spoken("en", "en", "en")) == "en"  # misjudged: every source said English
    assert language.observe(spoken("nl", None, None)) == "nl"  # the next one is Dutch again: undone at once


def test_a_real_switch_holds_when_the_next_sentence_confirms_it():
    language = settled("nl")
    language.observe(spoken("en", "en", "en"))
    assert language.observe(spoken("en", None, "en")) == "en"
    assert language.observe(spoken("nl", None, None)) == "en"  # confirmed: one Dutch-ish word does not flip back


def test_one_source_alone_never_switches_a_spoken_conversation():
    language = settled("nl")
    assert language.observe(spoken(None, None, "en")) == "nl"
    assert language.observe(spoken("en", None, "nl")) == "nl"  # sources disagree: hold


def test_never_two_wrong_language_turns_in_a_row():
    """However the evidence alternates, a Dutch visitor is never answered in English twice running."""
    language = settled("nl")
    answers = []
    for evidence in [spoken("en", "en", "en"), spoken("nl", None, None), spoken("en", "en", "en"),
                     spoken("nl", "nl", None), spoken("en", "en", "en"), spoken(None, None, "nl")]:
        answers.append(language.observe(evidence))
    assert not any(a == b == "en" for a, b in zip(answers, answers[1:])), answers


def test_a_tap_on_the_language_button_always_wins():
    language = settled("nl")
    assert language.choose("en") == "en"
    assert language.observe(spoken("nl", None, None)) == "en"  # a chosen language is not tentative


def test_short_typed_text_does_not_switch_but_a_clear_sentence_does():
    language = ConversationLanguage(("nl", "en"))
    language.observe(typed("en"), typed=True)
    language.observe(typed("en"), typed=True)
    assert language.observe(typed("nl", count=2), typed=True) == "en"  # "de Vries"
    assert language.observe(typed("nl", count=5), typed=True) == "nl"


def test_misjudged_first_words_are_corrected_by_the_next_sentence():
    language = ConversationLanguage(("nl", "en"))
    assert language.observe(spoken("en", "en", None)) == "en"  # espeak's Dutch "hallo" heard as English twice over
    assert language.observe(spoken("nl", None, None)) == "nl"  # one clear Dutch sentence is enough
    assert language.observe(spoken(None, "en", None)) == "nl"  # and now it holds


def test_first_words_go_with_what_most_of_their_evidence_favours():
    language = ConversationLanguage(("nl", "en"))
    assert language.observe(spoken(None, "en", None)) == "en"
    assert language.observe(spoken("nl", None, "nl")) == "nl"  # a first guess: the next input corrects it


def test_typed_first_words_set_the_language_however_short():
    language = ConversationLanguage(("nl", "en"))
    assert language.observe(typed("en", count=1), typed=True) == "en"  # "Hello"


def test_a_surname_typed_first_is_no_reason_to_leave_the_sites_language():
    from robot.language import LanguageDetector
    from robot.language_policy import typed_evidence

    detector = LanguageDetector(("nl", "en"))
    for surname, greeting in (("Jansen", "Hello"), ("el Amrani", "Good morning")):
        language = ConversationLanguage(("nl", "en"))
        assert language.observe(typed_evidence(detector, surname, None), typed=True) == "nl"
        language = ConversationLanguage(("nl", "en"))
        assert language.observe(typed_evidence(detector, greeting, None), typed=True) == "en"
