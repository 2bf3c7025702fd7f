"""Gestures in locales/ are animations Pepper really has (core/pepper_animations.txt)."""
from __future__ import annotations

from dialogue.content.loader import load_content
from robot.gestures import GESTURE_ANIMATIONS, annotate
from core.animations import stock_animations
from simulator.services.annotations import TAG_ANIMATIONS

from .conftest import edit, problems


def test_every_gesture_and_tag_maps_to_a_stock_animation():
    assert len(stock_animations()) > 200
    assert set(GESTURE_ANIMATIONS.values()) <= stock_animations()
    assert set(TAG_ANIMATIONS.values()) <= stock_animations()


def test_a_stock_animation_may_be_named_directly(locales):
    edit(locales / "nl" / "responses.yml", "  gesture: wave\n  screen: welcome",
         "  gesture: animations/Stand/Gestures/Hey_6\n  screen: welcome")
    edit(locales / "en" / "responses.yml", "  gesture: wave", "  gesture: animations/Stand/Gestures/Hey_6")
    content = load_content(locales)
    gestures = {r.gesture for responses in content.responses.values() for r in responses.values()}
    assert "animations/Stand/Gestures/Hey_6" in gestures
    assert annotate("Hallo", "animations/Stand/Gestures/Hey_6") == \
        "^start(animations/Stand/Gestures/Hey_6) Hallo ^wait(animations/Stand/Gestures/Hey_6)"


def test_an_animation_pepper_does_not_have_is_a_file_line_error(locales):
    line = edit(locales / "nl" / "responses.yml", "  gesture: wave\n  screen: welcome",
                "  gesture: animations/Stand/Gestures/Hey_2\n  screen: welcome")
    found = problems(locales)
    assert any(p.startswith(f"locales/nl/responses.yml:{line}: 'animations/Stand/Gestures/Hey_2' is not one of "
                            "Pepper's stock animations (did you mean") for p in found), found
