"""Greetings, thanks and goodbye."""
from __future__ import annotations

from .base import ElvieAction, Turn


class ActionGreet(ElvieAction):
    action_name = "action_greet"

    def act(self, turn: Turn) -> None:
        turn.say("utter_greet")
        turn.expect("has_appointment")


class ActionGreetArrival(ElvieAction):
    """Someone stepped up to Elvie: greet them once, in both languages."""

    action_name = "action_greet_arrival"

    def act(self, turn: Turn) -> None:
        turn.say("utter_greet_arrival")
        turn.expect("has_appointment")


class ActionGoodbye(ElvieAction):
    action_name = "action_goodbye"

    def act(self, turn: Turn) -> None:
        turn.say("utter_goodbye")
        turn.expect(None)
