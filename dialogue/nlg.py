"""Render Elvie's responses from locales/ (the NLG endpoint Rasa calls for every utter_*).

Rasa posts {"response": "utter_x", "arguments": {...}, "tracker": {...}}; we answer with the
text in the visitor's language plus a `custom` payload the engine uses for the body and the
tablet (core/turn.py's BotMessage).
Wording changes in locales/ take effect at once (hot reload), without retraining.
"""
from __future__ import annotations

import logging
import random
import string
from typing import Any, Mapping

from core.turn import BotMessage
from dialogue.content.model import Content

log = logging.getLogger(__name__)

# Arguments that are instructions to the renderer, not placeholders.
CONTROL_ARGUMENTS = ("lang", "screen_data", "screen", "gesture")


class _Blank(dict):
    """Leaves unknown placeholders empty instead of failing mid-conversation."""

    def __missing__(self, key: str) -> str:
        log.warning("response placeholder {%s} had no value", key)
        return ""


def _tidy(text: str) -> str:
    return " ".join(text.split())


def language_of(arguments: Mapping[str, Any], tracker: Mapping[str, Any] | None, content: Content) -> str:
    lang = arguments.get("lang") or ((tracker or {}).get("slots") or {}).get("language")
    return lang if lang in content.languages else content.languages[0]


def render(content: Content, key: str, arguments: Mapping[str, Any] | None = None,
           tracker: Mapping[str, Any] | None = None, rng: random.Random | None = None) -> BotMessage | None:
    """Render response `key`; None when the key is unknown in every language (logged)."""
    arguments = dict(arguments or {})
    lang = language_of(arguments, tracker, content)
    response = content.response(key, lang)
    if response is None:
        log.error("no response '%s' in the content (run `make check`)", key)
        return None
    values = _Blank({"reception": content.locations.reception(lang)})
    values.update({k: ("" if v is None else v) for k, v in arguments.items() if k not in CONTROL_ARGUMENTS})
    template = (rng or random).choice(response.texts)
    try:
        text = string.Formatter().vformat(template, (), values)
    except (ValueError, IndexError, KeyError, AttributeError) as exc:
        log.error("response '%s' (%s) could not be filled in: %s", key, lang, exc)
        text = template
    data = dict(arguments.get("screen_data") or {})
    return BotMessage(response=key, lang=lang, text=_tidy(text), gesture=arguments.get("gesture", response.gesture),
                      screen=arguments.get("screen", response.screen), data=data)
