"""The engine's ear: connects the speech pipeline to the conversation.

Microphone buffers from the robot go in (`feed`, on NAOqi's thread); recognised speech comes out
as TextInput turns (with the expected phrase's intent when one was accepted), and "I heard
something but no words / too quietly" as NotHeardInput. The engine tells the ear what it expects
next and in which language, and mutes it while Elvie speaks.
"""
from __future__ import annotations

import logging
from typing import Protocol

from dialogue.content.language_pack import content_languages
from dialogue.content.model import Content
from robot.speech.pipeline import SpeechPipeline, SpeechSettings
from robot.speech.types import NotHeard, Recognised, SpeechError, SpeechEvent, SpeechStarted

from .expectations import build
from .inputs import Input, NotHeardInput, TextInput

log = logging.getLogger(__name__)


class Hearing(Protocol):
    """Who is told what the ear hears (the engine). Called from the pipeline's thread."""

    def heard_speech_start_threadsafe(self) -> None: ...
    def submit_threadsafe(self, item: Input) -> object: ...


class Ear:
    def __init__(self, settings: SpeechSettings = SpeechSettings(), whisper=None):
        """`whisper`: a recogniser shared with other robots' ears (robot/fleet); None: load one."""
        self.listener: Hearing | None = None
        self.pipeline = SpeechPipeline(self._on_event, settings, whisper=whisper)  # loads the models: fails clearly

    def attach(self, listener: Hearing) -> None:
        self.listener = listener
        self.pipeline.start()

    def close(self) -> None:
        self.pipeline.stop()

    # -- from the robot (NAOqi's thread): never block
    def feed(self, pcm: bytes) -> None:
        self.pipeline.feed(pcm)

    # -- from the engine
    def mute(self) -> None:
        self.pipeline.mute()

    def unmute(self, tail_s: float) -> None:
        self.pipeline.unmute(tail_s)

    def reset(self) -> None:
        self.pipeline.reset()

    def muted_for(self) -> float:
        return self.pipeline.muted_for()

    def expect(self, expecting: str | None, details: dict | None, lang: str | None, content: Content | None) -> None:
        languages = tuple(content.languages) if content is not None else content_languages()
        self.pipeline.set_expectation(build(expecting, details, lang, languages, content))
        self.pipeline.set_language(lang)

    # -- from the pipeline's thread
    def _on_event(self, event: SpeechEvent) -> None:
        listener = self.listener
        if listener is None:
            return
        if isinstance(event, SpeechStarted):
            listener.heard_speech_start_threadsafe()
        elif isinstance(event, Recognised):
            u = event.utterance
            listener.submit_threadsafe(TextInput(text=u.text, source="speech", lang=u.lang, confidence=u.confidence,
                                                 intent=u.intent, entities=dict(u.entities), ended_at=event.ended_at,
                                                 timings_ms=dict(u.timings), language_votes=dict(u.language_votes)))
        elif isinstance(event, NotHeard):
            listener.submit_threadsafe(NotHeardInput(reason=event.reason))
        elif isinstance(event, SpeechError):
            log.error("speech: %s", event.message)
