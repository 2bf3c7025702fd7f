"""Greetings, thanks and goodbye."""
from __future__ import annotations

from dialogue.content.model import AREAS

from .base import ElvieAction, Turn
from .opening import closed_now, say_closed
from .steps import repeat


class ActionGreet(ElvieAction):
    action_name = "action_greet"

    def act(self, turn: Turn) -> None:
        closed = [closed_now(turn, area) for area in AREAS]
        if all(closed):  # everything is closed: say so, and when the first area opens again
            first = min(closed, key=lambda s: (s.next_opening is None, s.next_opening or 0, AREAS.index(s.area)))
            say_closed(turn, first, "utter_greet_closed")
            turn.expect(None)
            return
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


class ActionReply(ElvieAction):
    """A "no" with nothing pending: ask whether there is anything else."""

    action_name = "action_reply"

    def act(self, turn: Turn) -> None:
        turn.say("utter_anything_else")
        turn.expect(None)


class ActionRepeat(ElvieAction):
    """"What did you say?": repeat the last question, or the greeting."""

    action_name = "action_repeat"

    def act(self, turn: Turn) -> None:
        prompt = turn.slot("last_prompt")
        if isinstance(prompt, dict) and prompt.get("response"):
            repeat(turn, prompt)
        else:
            turn.say("utter_greet")
