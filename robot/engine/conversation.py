"""One visitor's conversation as the engine keeps it, and what kind of input a turn had."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from robot.language_policy import ConversationLanguage

from .inputs import Input, NotHeardInput, TextInput, TouchInput

MAX_TEXT = 300  # longer visitor text is cut: nobody says more than this to a receptionist
VISITOR_KINDS = ("say", "touch", "audio")  # inputs that come from the visitor (not sensors or silence)


@dataclass
class Conversation:
    language: ConversationLanguage
    started: float  # the engine clock's time
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    lang_in_dialogue: str | None = None
    expecting: str | None = None  # what Elvie asked last (the dialogue's `expecting` slot)
    visitor_turns: int = 0
    turns: int = 0
    last_activity: float = 0.0
    handover: bool = False
    end_at: float | None = None  # after goodbye: when the goodbye screen gives way to a fresh start

    def __post_init__(self) -> None:
        self.last_activity = self.last_activity or self.started

    @property
    def lang(self) -> str | None:
        """The visitor's language as decided so far (None before any evidence)."""
        return self.language.current


def clean_text(text: str) -> str:
    """Visitor text as the dialogue may see it: printable, single-spaced, bounded."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return " ".join(text.split())[:MAX_TEXT]


def input_kind(item: Input) -> str:
    if isinstance(item, TextInput):
        return "audio" if item.source == "speech" else "say"
    if isinstance(item, TouchInput):
        return "touch"
    if isinstance(item, NotHeardInput):
        return "not_heard"
    return "sensor"
