"""Gesture names used in locales/ responses -> Pepper's built-in animations (NAOqi 2.5 / 2.9).

The names are defined once in dialogue.content.model.GESTURES (hosts may use only those);
this table says how the body performs each. A test checks both lists agree.
"""
from __future__ import annotations

from core.animations import is_stock_animation

GESTURE_ANIMATIONS: dict[str, str] = {
    "wave": "animations/Stand/Gestures/Hey_1",
    "nod": "animations/Stand/Gestures/Yes_1",
    "point_desk": "animations/Stand/Gestures/Far_1",
    "explain": "animations/Stand/Gestures/Explain_1",
    "think": "animations/Stand/Gestures/Thinking_1",
    "calm": "animations/Stand/Gestures/CalmDown_6",
    "bow": "animations/Stand/Gestures/BowShort_1",
}

# ALAnimatedSpeech annotations are introduced by '^' and '\\'; text from content must not inject them.
_UNSAFE = str.maketrans({"^": " ", "\\": " "})


def annotate(text: str, gesture: str | None) -> str:
    """Text for ALAnimatedSpeech.say: the gesture starts with the words and ends before the next turn."""
    clean = " ".join(text.translate(_UNSAFE).split())
    animation = GESTURE_ANIMATIONS.get(gesture or "") or (gesture if gesture and is_stock_animation(gesture) else None)
    if not animation:
        return clean
    return f"^start({animation}) {clean} ^wait({animation})"
