"""When Elvie does not understand or cannot hear, and when she is handled roughly.

Misunderstandings escalate (counts and limits from locales/handover.yml): first she says so
and gives an example of what to say, then she offers the touchscreen, then she calls a host.
Rough handling gets a gentle, child-friendly line — at most once per quiet period.
"""
from __future__ import annotations

import time

from .base import ElvieAction, Turn
from .routing import hand_over


def example_for(turn: Turn) -> str:
    labels = turn.content.tablet.get(turn.lang, {})
    expecting = turn.slot("expecting") or "default"
    return labels.get(f"example_{expecting}") or labels.get("example_default", "")


def escalation(turn: Turn, counter: str) -> str:
    """Count one more failed attempt in slot `counter`: "again", "touchscreen" or "host" (locales/handover.yml)."""
    count = int(turn.slot(counter) or 0) + 1
    turn.set(counter, count)
    limits = turn.content.handover
    if count >= limits.attempts_before_host:
        return "host"
    return "touchscreen" if count >= limits.attempts_before_touchscreen else "again"


def escalate(turn: Turn, first_response: str, **arguments) -> None:
    step = escalation(turn, "repair_count")
    if step == "host":
        hand_over(turn, reason="not_understood")
    elif step == "touchscreen":
        turn.say("utter_offer_touchscreen")
    else:
        turn.say(first_response, **arguments)


class ActionRepair(ElvieAction):
    action_name = "action_repair"
    resets_repair = False

    def act(self, turn: Turn) -> None:
        from .faq import answer_practical_question
        from .lookup import lookup_name, named_today

        if answer_practical_question(turn):  # a practical question Rasa has no intent for (hosts add them)
            turn.set("repair_count", 0)
            return
        if turn.slot("expecting") in (None, "has_appointment") and named_today(turn):
            lookup_name(turn)  # a bare surname the NLU could not place ("Yılmaz"), booked today
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


class ActionDontKnow(ElvieAction):
    """"Ik weet het niet" / "I don't know": the visitor cannot give what Elvie asked. Offer another way."""

    action_name = "action_dont_know"

    def act(self, turn: Turn) -> None:
        from dialogue.appointments import AppointmentInfo

        from .lookup import ActionChooseCandidate, ask_name

        expecting = turn.slot("expecting")
        if expecting == "candidate":
            ActionChooseCandidate().act(turn)  # offers the touch list (times and services) or a host
        elif expecting in ("booking_code", "has_appointment"):
            ask_name(turn, "utter_dont_know_ask_name")  # no code, or not sure: the name finds it too
        elif expecting == "name":
            turn.say("utter_dont_know_name")
            hand_over(turn, reason="name_unknown")
        elif expecting in ("confirm", "document") and AppointmentInfo.from_slot(turn.slot("appointment")):
            turn.say("utter_dont_know_host")
            hand_over(turn, reason="unsure")
        elif expecting == "walk_in_service":
            turn.say("utter_dont_know_host")
            hand_over(turn, reason="unsure")
        else:
            escalate(turn, "utter_not_understood", example=example_for(turn))
