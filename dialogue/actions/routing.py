"""Servicecentrum or Werkacademie, hand-over to a host, and switching language."""
from __future__ import annotations

from .base import ElvieAction, Turn
from .opening import closed_now, say_closed
from .steps import asks, hand_over, repeat


class ActionArea(ElvieAction):
    """The visitor says they come for the Werkacademie or the Servicecentrum: that area's guidance."""

    action_name = "action_area"

    def act(self, turn: Turn) -> None:
        key = "werkacademie" if turn.intent == "werkacademie" else "servicecentrum"
        area = turn.content.area(key)
        turn.set("area", key)
        closed = closed_now(turn, key)
        if closed:
            say_closed(turn, closed)
            turn.expect(None)
            return
        turn.say(f"utter_{key}", guidance=area.guidance(turn.lang) if area else "",
                 screen_data={"area": key, "waiting": area.waiting(turn.lang) if area else ""})
        turn.set("last_prompt", {"response": f"utter_{key}"})
        turn.expect("has_appointment")


class ActionHandover(ElvieAction):
    action_name = "action_handover"

    def act(self, turn: Turn) -> None:
        hand_over(turn, reason="asked")


class ActionSwitchLanguage(ElvieAction):
    """Speak the other language (or the one asked for), then repeat the last question in it."""

    action_name = "action_switch_language"

    def act(self, turn: Turn) -> None:
        languages = turn.content.languages
        wanted = turn.entity("language")
        if wanted not in languages:
            wanted = next((lang for lang in languages if lang != turn.lang), turn.lang)
        turn.lang = wanted
        turn.set("language", wanted)
        turn.say("utter_switch_language")
        prompt = turn.slot("last_prompt")
        if isinstance(prompt, dict) and prompt.get("response"):
            repeat(turn, prompt)


@asks("utter_werkacademie", "utter_servicecentrum")
def ask_area_again(turn: Turn, key: str) -> None:
    area = turn.content.area(key.removeprefix("utter_"))
    turn.say(key, guidance=area.guidance(turn.lang) if area else "")
