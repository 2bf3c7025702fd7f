"""The language stage: what an input says to the dialogue, and in which language the visitor is answered.

The conversation's language is decided here and nowhere else: from what the visitor says or types (the
evidence rules are in robot/language_policy.py), from a language button, and from the dialogue when
the visitor asks for another language ("can we speak English").
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from dialogue.content.store import ContentStore
from robot.language import LanguageDetector
from robot.language_policy import LanguageEvidence, carries_language, spoken_evidence, typed_evidence

from .conversation import Conversation, clean_text
from .dialogue_client import intent_message
from .inputs import Input, NotHeardInput, SensorInput, TextInput, TouchInput
from .touch import meaning_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """What goes to the dialogue for one input."""

    text: str  # the visitor's words, or "/intent{...}" for what is not words (a tap, a sensor, silence)
    source: str  # "typed" | "speech" | "touch" | "sensor"
    heard: str | None = None  # the visitor's own words, as the tablet shows them


class LanguageStage:
    def __init__(self, content: ContentStore, detector: LanguageDetector, default_lang: str, greet_on_arrival: bool):
        self.content = content
        self.detector = detector
        self.default_lang = default_lang
        self.greet_on_arrival = greet_on_arrival

    def message_for(self, item: Input, conv: Conversation) -> Message | None:
        """None when the input needs no dialogue turn. Raises UnknownButton for a tap it cannot place."""
        if isinstance(item, TextInput):
            return self._text(item, conv)
        if isinstance(item, TouchInput):
            meaning = meaning_of(item.button, item.value)
            if meaning.intent == "switch_language" and meaning.entities.get("language") in self.languages:
                conv.language.choose(meaning.entities["language"])
            return Message(intent_message(meaning.intent, meaning.entities), "touch")
        if isinstance(item, NotHeardInput):
            if conv.visitor_turns == 0:
                return None  # hall noise while nobody talks to Elvie: stay quiet
            # Too quiet: she says she cannot hear. A voice at a good level without words she could
            # place: she says she did not understand (and gives an example). Each only when true.
            intent = "EXTERNAL_cant_hear" if item.reason == "too_quiet" else "EXTERNAL_not_understood"
            return Message(intent_message(intent, {}), "speech")
        if isinstance(item, SensorInput):
            if item.event.kind == "rough_handling":
                return Message(intent_message("EXTERNAL_rough_handling", {}), "sensor")
            if item.event.kind == "person_arrived" and self.greet_on_arrival and conv.turns == 0:
                return Message(intent_message("EXTERNAL_person_arrived", {}), "sensor")
        return None

    def _text(self, item: TextInput, conv: Conversation) -> Message | None:
        text = clean_text(item.text)
        if not text:
            return None
        if carries_language(conv.expecting, item.intent, text):
            conv.language.observe(self._evidence(item, text, conv), typed=item.source != "speech")
        message = intent_message(item.intent, item.entities) if item.intent else text
        if message.startswith("/") and not item.intent:
            message = message.lstrip("/") or text  # typed text must never trigger intents directly
        return Message(message, item.source, heard=text)

    def _evidence(self, item: TextInput, text: str, conv: Conversation) -> LanguageEvidence:
        if item.source == "speech":
            return spoken_evidence(item.language_votes, item.lang, text)
        if item.lang in self.languages:  # a typed text with a known language
            return LanguageEvidence({"given": item.lang}, len(text.split()))
        return typed_evidence(self.detector, text, conv.lang)

    def answering(self, conv: Conversation) -> str:
        """The language Elvie answers this turn in."""
        return conv.lang or self.default_lang

    def after_dialogue(self, conv: Conversation, asked_for: str | None, answered_in: str) -> str:
        """The dialogue's view: the visitor asked for another language. Returns the conversation's language now."""
        if asked_for in self.languages and asked_for != answered_in:
            conv.language.choose(asked_for)
            conv.lang_in_dialogue = asked_for
        return conv.language.answer_language

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.content.current.languages)
