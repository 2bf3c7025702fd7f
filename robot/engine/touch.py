"""Tablet buttons -> what they mean to the dialogue.

A tap is another way of saying something: it is sent to Rasa as the intent it stands for,
through the same path as speech, so touch and speech can be mixed at any point.
Buttons that only change the tablet itself (open the keyboard) never reach the dialogue.
"""
from __future__ import annotations

from dataclasses import dataclass

# button id -> (intent, entity name for the button's value, or None)
DIALOGUE_BUTTONS: dict[str, tuple[str, str | None]] = {
    "yes": ("affirm", None),
    "no": ("deny", None),
    "check_in": ("check_in", None),
    "no_appointment": ("no_appointment", None),
    "help": ("request_human", None),
    "have_it": ("affirm", None),
    "missing_it": ("missing_document", None),
    "werkacademie": ("werkacademie", None),
    "servicecentrum": ("servicecentrum", None),
    "none_of_these": ("deny", None),
    "name": ("inform_name", "person_name"),
    "booking_code": ("inform_booking_code", "booking_code"),
    "candidate": ("choose_candidate", "candidate"),
    "service": ("inform_service", "service"),
    "language": ("switch_language", "language"),
    "goodbye": ("goodbye", None),
}
ENGINE_BUTTONS = ("start_over", "continue")  # handled by the engine, no dialogue turn
TEXT_BUTTON = "text"  # typed free text (e.g. correcting "what I heard"): handled like spoken text
MAX_VALUE_LENGTH = 80


@dataclass(frozen=True)
class TouchMeaning:
    intent: str
    entities: dict[str, str]


class UnknownButton(ValueError):
    pass


def meaning_of(button: str, value: str | None) -> TouchMeaning:
    if button not in DIALOGUE_BUTTONS:
        raise UnknownButton(f"unknown tablet button '{button}'")
    intent, entity = DIALOGUE_BUTTONS[button]
    if entity is None:
        return TouchMeaning(intent, {})
    cleaned = " ".join(str(value or "").split())[:MAX_VALUE_LENGTH]
    if not cleaned:
        raise UnknownButton(f"tablet button '{button}' needs a value")
    return TouchMeaning(intent, {entity: cleaned})
