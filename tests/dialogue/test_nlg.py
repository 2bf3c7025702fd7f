"""Responses are rendered from locales/ in the visitor's language, safely."""
from __future__ import annotations

import random

from dialogue import nlg
from dialogue.content.loader import load_content
from dialogue.content.model import GESTURES
from robot.gestures import GESTURE_ANIMATIONS, annotate

CONTENT = load_content()


def test_language_comes_from_the_argument_or_the_tracker():
    assert nlg.render(CONTENT, "utter_thank", {"lang": "en"}).lang == "en"
    tracker = {"slots": {"language": "en"}}
    assert nlg.render(CONTENT, "utter_thank", {}, tracker).lang == "en"
    assert nlg.render(CONTENT, "utter_thank", {}, {"slots": {"language": "fr"}}).lang == "nl"


def test_placeholders_gesture_screen_and_data():
    rendered = nlg.render(CONTENT, "utter_checked_in", {"lang": "nl", "ticket": "A012", "waiting": "Wacht hier.",
                                                        "screen_data": {"ticket": "A012"}})
    assert rendered.text == "U bent aangemeld. Uw nummer is A012. Wacht hier."
    assert rendered.gesture == "point_desk" and rendered.screen == "ticket"
    payload = rendered.to_rasa()
    assert payload["custom"]["data"] == {"ticket": "A012"} and payload["custom"]["response"] == "utter_checked_in"


def test_reception_is_filled_in_from_the_content():
    rendered = nlg.render(CONTENT, "utter_handover", {"lang": "en"})
    assert "Reception is the desk to the right of the entrance." in rendered.text


def test_a_missing_value_leaves_a_gap_instead_of_failing():
    rendered = nlg.render(CONTENT, "utter_checked_in", {"lang": "en"})
    assert rendered.text.startswith("You're checked in. Your number is .")


def test_variants_are_chosen():
    texts = {nlg.render(CONTENT, "utter_greet", {"lang": "nl"}, rng=random.Random(seed)).text for seed in range(20)}
    assert len(texts) == 2


def test_unknown_response_renders_nothing():
    assert nlg.render(CONTENT, "utter_does_not_exist", {"lang": "nl"}) is None


def test_every_gesture_hosts_may_use_has_an_animation():
    assert set(GESTURES) == set(GESTURE_ANIMATIONS)
    assert annotate("Hallo", "wave") == ("^start(animations/Stand/Gestures/Hey_1) Hallo "
                                         "^wait(animations/Stand/Gestures/Hey_1)")
