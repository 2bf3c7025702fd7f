"""When Elvie does not understand or cannot hear, and when she is handled roughly.

Misunderstandings escalate (counts and limits from locales/handover.yml): first she says so
and gives an example of what to say, then she offers the touchscreen, then she calls a host.
Rough handling gets a gentle, child-friendly line — at most once per quiet period.
"""
from __future__ import annotations

import time

from .base import ElvieAction, Turn
from .faq import answer_practical_question
from .steps import escalate, example_for, rescued


class ActionRepair(ElvieAction):
    action_name = "action_repair"
    resets_repair = False

    def act(self, turn: Turn) -> None:
        # a practical question Rasa has no intent for (hosts add them), or what another step can place
        if answer_practical_question(turn) or rescued(turn):
            turn.set("repair_count", 0)
            return
        escalate(turn, "utter_not_understood", example=example_for(turn))


class ActionDefaultFallback(ActionRepair):
    action_name = "action_default_fallback"


class ActionCantHear(ElvieAction):
    action_name = "action_cant_hear"
    resets_repair = False

    def act(self, turn: Turn) -> None:
        escalate(turn, "utter_cant_hear")


class ActionRoughHandling(ElvieAction):
    action_name = "action_rough_handling"
    resets_repair = False

    def act(self, turn: Turn) -> None:
        now = time.time()
        last = turn.slot("rough_handling_at")
        if last is not None and now - float(last) < turn.content.handover.rough_handling_quiet_s:
            return  # said it recently: do not nag
        turn.set("rough_handling_at", now)
        turn.say("utter_rough_handling")
