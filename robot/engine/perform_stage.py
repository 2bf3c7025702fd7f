"""The perform stage: each message on the tablet first (screen and subtitles), then said by the body with
its gesture; the eyes show speaking, then listening. Recognition is muted while Elvie speaks (half-duplex);
a touch interrupts her: the rest is shown, not said."""
from __future__ import annotations

from typing import Callable

from core.turn import BotMessage
from robot.tablet.state import TabletState

from .body_port import SafeBody
from .inputs import TurnResult
from .ports import EarPort


class Performer:
    def __init__(self, tablet: TabletState, body: SafeBody, ear: EarPort | None, unmute_tail_s: float):
        self.tablet = tablet
        self.body = body
        self.ear = ear
        self.unmute_tail_s = unmute_tail_s
        self.speaking = False
        self.interrupted = False

    def interrupt(self) -> bool:
        """Stop saying things this turn; True when Elvie was speaking (the body must stop)."""
        if self.speaking:
            self.interrupted = True
        return self.speaking

    async def perform(self, messages: list[BotMessage], result: TurnResult, first_word: Callable[[], None],
                      answer: bool = True) -> None:
        """`answer`: recorded as the turn's answer (not something said while waiting for it).
        `first_word()` is called just before the first word of the turn is spoken."""
        for message in messages:
            screen = message.screen or self.tablet.view.screen
            self.tablet.update(screen=screen, lang=message.lang, subtitle=message.text, data=dict(message.data),
                               indicator="speaking")
            if answer:
                result.screen = screen
                result.responses.append(message.response or "")
            if self.interrupted:
                continue
            self.speaking = True
            if self.ear:
                self.ear.mute()
            await self.body.eyes("speaking")
            first_word()
            spoken = await self.body.speak(message.text, message.lang, message.gesture)
            self.speaking = False
            if spoken and answer:
                result.say.append(message.text)
                if message.gesture:
                    result.gestures.append(message.gesture)
            if self.ear:
                self.ear.unmute(self.unmute_tail_s)
        self.tablet.update(indicator="listening")
        await self.body.eyes("listening")
