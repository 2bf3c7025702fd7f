"""Servicecentrum or Werkacademie, hand-over to a host, and switching language."""
from __future__ import annotations

import logging
import threading

import requests

from .base import ElvieAction, Turn

log = logging.getLogger(__name__)


class ActionArea(ElvieAction):
    """The visitor says they come for the Werkacademie or the Servicecentrum: that area's guidance."""

    action_name = "action_area"

    def act(self, turn: Turn) -> None:
        from .opening import closed_now, say_closed

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


def hand_over(turn: Turn, reason: str) -> None:
    """Call a host: say so, show where reception is, and notify the desk if configured."""
    turn.say("utter_handover")
    turn.set("handover", True)
    turn.note(handover=True)
    turn.expect(None)
    url = turn.content.handover.notify_url
    if url:
        body = {"event": "handover", "reason": reason, "time": turn.runtime.clock.now().isoformat(timespec="seconds"),
                "location": turn.content.locations.here_name("nl")}
        threading.Thread(target=_notify, args=(url, body), daemon=True).start()


def _notify(url: str, body: dict) -> None:
    try:
        requests.post(url, json=body, timeout=2)
    except requests.RequestException as exc:
        log.warning("could not notify the hosts at the configured notify_url: %s", type(exc).__name__)


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


def repeat(turn: Turn, prompt: dict) -> None:
    """Ask the remembered question again, rebuilt from the slots so it is in the current language."""
    from dialogue.appointments import AppointmentInfo

    from .checkin import next_document_or_check_in
    from .lookup import ask_name, offer_candidates, present

    key = prompt.get("response")
    appointment = AppointmentInfo.from_slot(turn.slot("appointment"))
    if key == "utter_confirm_appointment" and appointment:
        present(turn, appointment)
    elif key == "utter_ask_document" and appointment:
        next_document_or_check_in(turn, appointment, list(turn.slot("documents_pending") or []),
                                  list(turn.slot("documents_missing") or []))
    elif key.startswith("utter_choose_candidate") and turn.slot("candidates"):
        offer_candidates(turn, [AppointmentInfo.from_slot(c) for c in turn.slot("candidates")], key)
    elif key in ("utter_werkacademie", "utter_servicecentrum"):
        area = turn.content.area(key.removeprefix("utter_"))
        turn.say(key, guidance=area.guidance(turn.lang) if area else "")
    elif key == "utter_ask_walk_in_service":
        from .walk_in import ActionNoAppointment
        ActionNoAppointment().act(turn)
    elif key in ("utter_ask_name", "utter_ask_name_again", "utter_offer_typing", "utter_ask_name_on_appointment",
                 "utter_ask_name_not_a_name", "utter_dont_know_ask_name"):
        ask_name(turn, key)
    elif key:
        turn.say(key)
