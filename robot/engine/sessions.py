"""Sessions: one visitor's conversation from the first turn to its wipe.

A conversation ends at goodbye (after the goodbye screen), when the visitor taps "start over", or after
idle time (the tablet warns first). Then nothing of the visitor remains: the dialogue's tracker is
wiped, the ear's buffers are dropped, and the tablet starts fresh.
"""
from __future__ import annotations

import logging
from typing import Callable

from dialogue.content.store import ContentStore
from robot.language_policy import ConversationLanguage
from robot.tablet.state import TabletState

from .body_port import SafeBody
from .conversation import Conversation
from .dialogue_client import DialogueUnavailable
from .ports import Clock, Dialogue, EarPort
from .settings import EngineSettings
from .turn_events import ListenStageError
from .turn_pipeline import tell_ear

log = logging.getLogger(__name__)


class Sessions:
    def __init__(self, settings: EngineSettings, content: ContentStore, tablet: TabletState, body: SafeBody,
                 dialogue: Dialogue, ear: EarPort | None, clock: Clock, busy: Callable[[], bool]):
        self.settings = settings
        self.content = content
        self.tablet = tablet
        self.body = body
        self.dialogue = dialogue
        self.ear = ear
        self.clock = clock
        self.busy = busy  # a turn is running: it is not idle time
        self.current = self._new()

    def _new(self) -> Conversation:
        languages = tuple(self.content.current.languages)
        conversation = Conversation(language=ConversationLanguage(languages, self.settings.default_lang),
                                    started=self.clock.monotonic())
        if self.settings.robot_id:
            conversation.id = f"{self.settings.robot_id}-{conversation.id}"
        return conversation

    def begin(self) -> None:
        """The engine starts: a fresh tablet, and nothing expected yet."""
        self.tablet.reset(self.settings.default_lang, self.current.id)
        self.forget_expectations()

    def still_here(self) -> None:
        """The visitor tapped "continue": not idle."""
        self.current.last_activity = self.clock.monotonic()
        self.tablet.update(warning="")

    async def end(self, reason: str) -> None:
        """Forget the visitor: wipe the dialogue tracker, speech buffers and the tablet."""
        old, self.current = self.current, self._new()
        if self.ear:
            self.ear.reset()
        self.forget_expectations()
        self.tablet.reset(self.settings.default_lang, self.current.id)
        await self.body.engage(False)
        await self.body.eyes("idle")
        try:
            await self.dialogue.wipe(old.id)
        except DialogueUnavailable as exc:
            log.warning("could not wipe the finished conversation in Rasa: %s", exc)
        log.info("conversation ended (%s) after %d turns", reason, old.turns)

    def forget_expectations(self) -> None:
        """A new visitor: nothing expected yet, in either language."""
        try:
            tell_ear(self.ear, None, None, None, self.content)
        except ListenStageError:
            pass

    async def watch_idle(self) -> None:
        while True:
            await self.clock.sleep(self.settings.idle_check_s)
            try:
                await self.check_idle()
            except Exception:  # noqa: BLE001
                log.exception("idle check failed")

    async def check_idle(self) -> None:
        """End the conversation after goodbye or when the visitor has gone quiet (warning first)."""
        if self.busy():
            return
        now = self.clock.monotonic()
        conv = self.current
        if conv.end_at is not None and now >= conv.end_at:
            await self.end(reason="goodbye")
            return
        if not conv.turns:
            return
        idle_limit = self.settings.idle_reset_s or self.content.current.handover.idle_reset_s
        idle = now - conv.last_activity
        if idle >= idle_limit:
            await self.end(reason="idle")
        elif idle >= idle_limit - self.settings.idle_warning_s and not self.tablet.view.warning:
            self.tablet.update(warning="timeout")
