"""The steps every part of the conversation uses: calling a host, counting failed attempts, asking for
the name, and asking the last question again.

The action modules (greeting, lookup, checkin, walk_in, routing, repair, faq) build on these and never
import each other (an import contract in `make test` checks it). Where a step needs another module's
knowledge, that module registers it here:
- `@asks("utter_…")`: how to ask a question again from the slots, in the current language (after a
  practical question, or when the visitor switches language);
- `@rescues`: a way to make sense of what the NLU could not place ("Yılmaz", a surname booked today),
  tried before Elvie says she did not understand.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

import requests

from .base import Turn
from .qmatic_calls import appointments_today

log = logging.getLogger(__name__)

Asker = Callable[[Turn, str], None]
Rescuer = Callable[[Turn], bool]
_askers: dict[str, Asker] = {}
_rescuers: list[Rescuer] = []


# ---------------------------------------------------------------- calling a host
def hand_over(turn: Turn, reason: str) -> None:
    """Call a host: say so, show where reception is, and notify the desk if configured."""
    turn.say("utter_handover")
    turn.set("handover", True)
    turn.note(handover=True)
    turn.expect(None)
    url = turn.content.handover.notify_url
    if url:
        body = {"event": "handover", "reason": reason, "time": turn.runtime.clock.now().isoformat(timespec="seconds"),
                "location": turn.content.locations.here_name(turn.content.languages[0])}
        threading.Thread(target=_notify, args=(url, body), daemon=True).start()


def _notify(url: str, body: dict) -> None:
    try:
        requests.post(url, json=body, timeout=2)
    except requests.RequestException as exc:
        log.warning("could not notify the hosts at the configured notify_url: %s", type(exc).__name__)


# ---------------------------------------------------------------- failed attempts
def escalation(turn: Turn, counter: str) -> str:
    """Count one more failed attempt in slot `counter`: "again", "touchscreen" or "host" (locales/handover.yml)."""
    count = int(turn.slot(counter) or 0) + 1
    turn.set(counter, count)
    limits = turn.content.handover
    if count >= limits.attempts_before_host:
        return "host"
    return "touchscreen" if count >= limits.attempts_before_touchscreen else "again"


def example_for(turn: Turn) -> str:
    labels = turn.content.tablet.get(turn.lang, {})
    expecting = turn.slot("expecting") or "default"
    return labels.get(f"example_{expecting}") or labels.get("example_default", "")


def escalate(turn: Turn, first_response: str, **arguments) -> None:
    step = escalation(turn, "repair_count")
    if step == "host":
        hand_over(turn, reason="not_understood")
    elif step == "touchscreen":
        turn.say("utter_offer_touchscreen")
    else:
        turn.say(first_response, **arguments)


# ---------------------------------------------------------------- asking
def ask_name(turn: Turn, response: str = "utter_ask_name") -> None:
    turn.say(response)
    turn.set("last_prompt", {"response": response})
    names = [a.display_name for a in appointments_today(turn, quiet=True) or []]
    turn.expect("name", names=names)


def asks(*responses: str) -> Callable[[Asker], Asker]:
    """Register how to ask these questions again (a key ending in "*" covers every response it starts)."""
    def register(asker: Asker) -> Asker:
        for response in responses:
            if response in _askers:
                raise ValueError(f"two ways to ask {response} again")
            _askers[response] = asker
        return asker
    return register


def repeat(turn: Turn, prompt: dict) -> None:
    """Ask the remembered question again, rebuilt from the slots so it is in the current language."""
    key = prompt.get("response") or ""
    asker = _askers.get(key) or next((a for k, a in _askers.items() if k.endswith("*") and key.startswith(k[:-1])),
                                     None)
    if asker is not None:
        asker(turn, key)
    elif key:
        turn.say(key)


def resume(turn: Turn) -> None:
    """Ask again what Elvie was asking before (a practical question); if nothing, whether there is anything else."""
    prompt = turn.slot("last_prompt")
    if turn.slot("expecting") and isinstance(prompt, dict) and prompt.get("response"):
        repeat(turn, prompt)
    else:
        turn.say("utter_anything_else")


asks("utter_ask_name", "utter_ask_name_again", "utter_offer_typing", "utter_ask_name_on_appointment",
     "utter_ask_name_not_a_name", "utter_dont_know_ask_name")(ask_name)


# ---------------------------------------------------------------- making sense of the unplaced
def rescues(rescuer: Rescuer) -> Rescuer:
    """Register a way to make sense of a turn the NLU could not place; True: it answered the visitor."""
    _rescuers.append(rescuer)
    return rescuer


def rescued(turn: Turn) -> bool:
    return any(rescuer(turn) for rescuer in _rescuers)
