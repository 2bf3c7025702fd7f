"""The shape of every Elvie action: tracker in, events out, side effects through the runtime.

`ElvieAction.act(turn)` gets a `Turn` with the visitor's language, the content, the Qmatic
client and helpers to say responses (rendered by the NLG endpoint in the visitor's
language) and to report what happened (Qmatic calls, ticket, hand-over, what Elvie expects
next) to the engine. Any unexpected error ends in a polite hand-over, never a crash.
"""
from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from core.turn import TurnTrace
from dialogue.runtime import Runtime, runtime

log = logging.getLogger(__name__)


class Turn:
    def __init__(self, dispatcher: CollectingDispatcher, tracker: Tracker, rt: Runtime):
        self.dispatcher = dispatcher
        self.tracker = tracker
        self.runtime = rt
        self.content = rt.content
        lang = tracker.get_slot("language")
        self.lang = lang if lang in self.content.languages else self.content.languages[0]
        self.events: list[EventType] = []
        self.trace = TurnTrace()

    # -- reading the visitor's turn
    @property
    def intent(self) -> str | None:
        return (self.tracker.latest_message.get("intent") or {}).get("name")

    @property
    def text(self) -> str:
        return self.tracker.latest_message.get("text") or ""

    def entity(self, name: str) -> str | None:
        values = [e.get("value") for e in self.tracker.latest_message.get("entities") or []
                  if e.get("entity") == name and e.get("value")]
        return str(values[0]) if values else None

    @property
    def branch(self) -> int:
        """The Qmatic branch of the robot this conversation is at: a fleet's engine says so with every
        message (robot/fleet); the single robot is at this_location (locales/locations.yml)."""
        metadata = self.tracker.latest_message.get("metadata") or {}
        branch = metadata.get("qmatic_branch")
        if isinstance(branch, int) and not isinstance(branch, bool) and branch > 0:
            return branch
        return self.content.locations.here_qmatic_branch_id

    def slot(self, name: str) -> Any:
        return self.tracker.get_slot(name)

    # -- effects
    def say(self, response: str, **arguments: Any) -> None:
        self.dispatcher.utter_message(response=response, lang=self.lang, **arguments)

    def set(self, name: str, value: Any) -> None:
        self.events.append(SlotSet(name, value))

    def expect(self, what: str | None, **details: Any) -> None:
        """What Elvie asks for next (drives rules and biases speech recognition)."""
        self.set("expecting", what)
        if what:
            self.trace.expect = {"kind": what, **details}

    def note(self, **items: Any) -> None:
        self.trace.note(**items)


class ElvieAction(Action, ABC):
    """An action given its runtime (content, clock, Qmatic: dialogue/ports.py); the action server's
    registry makes each with none, and then it uses the server's shared runtime."""

    action_name = ""
    resets_repair = True  # understood turns reset the misunderstanding count

    def __init__(self, rt: Runtime | None = None):
        self._runtime = rt

    def name(self) -> str:
        return self.action_name

    @abstractmethod
    def act(self, turn: Turn) -> None:
        """Read the turn, say responses and set slots through it."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        turn = Turn(dispatcher, tracker, self._runtime or runtime())
        try:
            await asyncio.to_thread(self.act, turn)
        except Exception:  # noqa: BLE001 - never a traceback to the visitor
            log.exception("action %s failed", self.action_name)
            turn.say("utter_handover")
            turn.note(handover=True)
            turn.set("handover", True)
        if self.resets_repair and turn.slot("repair_count"):
            turn.set("repair_count", 0)
        if turn.trace:
            dispatcher.utter_message(json_message=turn.trace.to_custom())
        return turn.events
