"""The speech pipeline's vocabulary: what Elvie expects to hear, what she heard, and events."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Candidate:
    """A phrase Elvie expects now, and what it means."""

    text: str
    lang: str
    intent: str
    entities: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Expectation:
    """What Elvie expects next: biases recognition and lets phrases be scored against the audio.

    kind: "yes_no", "name", "document", "candidate", "walk_in_service", "booking_code", "open".
    hotwords: words to prompt the recogniser with (e.g. today's names); never trusted alone.
    """

    kind: str
    candidates: tuple[Candidate, ...] = ()
    hotwords: tuple[str, ...] = ()
    # Phrases that may be said here but are scored only when a transcript points at them (the hosts'
    # practical questions): beside the NLU examples of robot/speech/retrieval.py, and hot-reloaded.
    retrievable: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Utterance:
    text: str
    lang: str
    confidence: float
    source: str = "speech"
    intent: str | None = None  # set when an expected phrase was accepted
    entities: dict[str, str] = field(default_factory=dict)
    alternatives: tuple[tuple[str, float], ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    # Each source's view of the language ("phrases", "transcript", "words" -> lang or None); the
    # conversation's language is decided from these in robot/language_policy.py.
    language_votes: dict[str, str | None] = field(default_factory=dict)
    transcript: str = ""  # the free transcript, when one was made (the text may be a matched phrase)


@dataclass(frozen=True)
class SpeechStarted:
    t: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class SpeechEnded:
    t: float  # monotonic time the turn was found to be over
    duration_s: float
    voice_ended: float | None = None  # monotonic time the visitor's voice ended (t minus the silence that ended it)


@dataclass(frozen=True)
class Recognised:
    utterance: Utterance
    ended_at: float  # monotonic time the visitor's voice ended (for end of speech -> first word latency)


@dataclass(frozen=True)
class NotHeard:
    reason: str  # "too_quiet" | "no_words"
    t: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class SpeechError:
    message: str


SpeechEvent = Union[SpeechStarted, SpeechEnded, Recognised, NotHeard, SpeechError]
