"""The dialogue stage: the input to Rasa, and its answer back. A visitor who waits longer than
`one_moment_after_s` for it hears "one moment" meanwhile (once); the answer follows as soon as it is there."""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from .conversation import Conversation
from .dialogue_client import DialogueUnavailable, ParsedTurn
from .language_stage import Message
from .ports import Clock, Dialogue
from .turn_events import DialogueStageError

log = logging.getLogger(__name__)


class DialogueStage:
    def __init__(self, dialogue: Dialogue, clock: Clock, one_moment_after_s: float | None,
                 metadata: dict | None = None):
        self.dialogue = dialogue
        self.clock = clock
        self.one_moment_after_s = one_moment_after_s
        self.metadata = metadata or {}  # with every message (a fleet: the robot and its Qmatic branch)

    async def answer(self, conv: Conversation, message: Message, lang: str,
                     meanwhile: Callable[[], Awaitable[None]] | None) -> list[dict]:
        """Rasa's replies; raises DialogueStageError when it cannot answer."""
        try:
            if conv.lang_in_dialogue != lang:
                await self.dialogue.set_slot(conv.id, "language", lang)
                conv.lang_in_dialogue = lang
            return await self._in_time(conv.id, message, meanwhile)
        except DialogueUnavailable as exc:
            conv.lang_in_dialogue = None
            raise DialogueStageError(str(exc)) from exc

    async def _in_time(self, sender: str, message: Message,
                       meanwhile: Callable[[], Awaitable[None]] | None) -> list[dict]:
        answer = asyncio.ensure_future(self.dialogue.send(sender, message.text,
                                                          {"source": message.source, **self.metadata}))
        wait = self.one_moment_after_s
        try:
            if wait is not None and meanwhile is not None:
                timer = asyncio.ensure_future(self.clock.sleep(wait))
                try:
                    await asyncio.wait({answer, timer}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    timer.cancel()
                if not answer.done():
                    await meanwhile()
            return await answer
        finally:
            answer.cancel()  # (a no-op once answered; the turn itself was cancelled otherwise)

    async def parsed(self, sender: str) -> ParsedTurn:
        """What NLU made of the turn (intent, slots); empty when Rasa cannot say (the answer was given)."""
        try:
            return await self.dialogue.parsed_turn(sender)
        except DialogueUnavailable as exc:
            log.warning("could not read the dialogue's view of the turn: %s", exc)
            return ParsedTurn(intent=None, confidence=None, entities=[], slots={})
