"""Kinds of value only Elvie's content has, as schema nodes (dialogue/content/schema.py): opening times,
a response's text with its placeholders, a gesture, and a document that must be in documents.yml."""
from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import time
from typing import Any

from core.animations import is_stock_animation, stock_animations

from .model import GESTURES
from .schema import At, Node, Walk
from .yamlsource import did_you_mean

# Placeholders a response text may use; the dialogue fills them in.
PLACEHOLDERS = (
    "ticket", "time", "service", "document", "area", "waiting", "location", "address", "directions",
    "reception", "advice", "how_to_book", "count", "minutes", "example", "hours", "times", "position",
    "other_language", "heard", "documents", "guidance", "day", "note", "opens", "closes", "answer",
)


def placeholders(text: str) -> set[str] | str:
    """The placeholders `text` uses, or why it cannot be read."""
    try:
        return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError as exc:
        return f"a '{{' or '}}' is not closed ({exc}); write {{{{ or }}}} for a literal brace"


@dataclass(frozen=True)
class OpeningTimes(Node):
    """'09:00-17:00', or 'closed' (None)."""

    def read(self, walk: Walk, value: Any, at: At) -> tuple[time, time] | None:
        day = at.what
        if value in (None, "closed", "gesloten"):
            return None
        if not isinstance(value, str) or "-" not in value:
            walk.add(at.path, f"{day} should be like '09:00-17:00' or 'closed', not {value!r}")
            return None
        start, _, end = value.partition("-")
        opens, closes = _clock(walk, at.path, start.strip()), _clock(walk, at.path, end.strip())
        if not (opens and closes):
            return None
        if closes <= opens:
            walk.add(at.path, f"on {day} closing time {closes:%H:%M} is not after opening {opens:%H:%M}")
        return opens, closes


def _clock(walk: Walk, path: tuple, value: Any) -> time | None:
    if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 09:00 as sexagesimal 540
        value = f"{value // 60:02d}:{value % 60:02d}"
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except (ValueError, TypeError):
        walk.add(path, f"a time should look like 09:00, not {value!r}")
        return None


@dataclass(frozen=True)
class Variants(Node):
    """A response's text, or a list of variants; only known placeholders."""

    def read(self, walk: Walk, value: Any, at: At) -> tuple[str, ...] | None:
        texts = [value] if isinstance(value, str) else value
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t.strip() for t in texts):
            walk.add(at.path, f"{at.what} needs a text (or a list of variants)")
            return None
        for i, text in enumerate(texts):
            found = placeholders(text)
            path = at.path + ((i,) if len(texts) > 1 else ())
            if isinstance(found, str):
                walk.add(path, found)
                continue
            for name in sorted(found - set(PLACEHOLDERS)):
                walk.add(path, f"unknown placeholder {{{name}}}{did_you_mean(name, PLACEHOLDERS)}")
        return tuple(t.strip() for t in texts)


@dataclass(frozen=True)
class Gesture(Node):
    """One of GESTURES or a stock animation of Pepper's (animations/...)."""

    def read(self, walk: Walk, value: Any, at: At) -> str | None:
        if value is None or value in GESTURES or is_stock_animation(str(value)):
            return value
        if str(value).startswith("animations/"):
            walk.add(at.path, f"'{value}' is not one of Pepper's stock animations"
                     f"{did_you_mean(value, stock_animations())} (list: core/pepper_animations.txt)")
        else:
            walk.add(at.path, f"unknown gesture '{value}'{did_you_mean(value, GESTURES)}; gestures are: "
                     f"{', '.join(GESTURES)}, or a stock animation such as animations/Stand/Gestures/Hey_1")
        return None


@dataclass(frozen=True)
class KnownDocument(Node):
    """The key of a document in documents.yml; any key when that file does not parse (no follow-on problems)."""

    documents: tuple[str, ...] | None

    def read(self, walk: Walk, value: Any, at: At) -> Any:
        if self.documents is not None and value not in self.documents:
            walk.add(at.path[:-1], f"{at.what} needs document '{value}', which is not in documents.yml"
                     f"{did_you_mean(value, self.documents)}")
            return None
        return value
