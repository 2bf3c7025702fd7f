"""Practical questions ("waar is de wc?", "hoe laat gaan jullie dicht?") answered from locales/faq.yml.

Where it plugs in: only where Rasa found no task intent — out_of_scope, nlu_fallback, and a turn
that was meant to be a name but is not one. A check-in sentence is classified check_in and never
reaches the matcher. After the answer Elvie asks again what she was asking (the `last_prompt`
slot), so the conversation goes on where it was; `expecting` is left as it was.
"""
from __future__ import annotations

import logging
import string

from dialogue.faq import index_for
from dialogue.opening_hours import area_hours
from dialogue.times import say_day, say_time

from .base import ElvieAction, Turn
from .qmatic_calls import branch_now
from .steps import resume

log = logging.getLogger(__name__)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def answer_text(turn: Turn, key: str) -> str:
    """The answer to FAQ `key` in the visitor's language, with today's hours and the location filled in."""
    entry = turn.content.faq[key]
    values = _Blank(reception=turn.content.locations.reception(turn.lang))
    text = entry.answer(turn.lang)
    now = branch_now(turn)
    state = area_hours(turn.content.opening_hours, entry.area, now)
    if state.is_open and state.closes is not None:
        values["closes"] = say_time(state.closes, turn.lang)
    elif entry.answer_closed is not None:
        text = entry.answer_closed(turn.lang)
        if state.next_opening is not None:
            values.update(day=say_day(state.next_opening, now, turn.lang), opens=say_time(state.next_opening, turn.lang))
    if entry.location:
        location = turn.content.locations.others.get(entry.location)
        if location:
            values.update(location=location.name(turn.lang), address=location.address,
                          directions=location.directions(turn.lang))
    try:
        return string.Formatter().vformat(text, (), values)
    except (ValueError, IndexError, KeyError) as exc:  # the loader checks placeholders; never fail a visitor
        log.error("faq answer '%s' could not be filled in: %s", key, exc)
        return text


def answer_practical_question(turn: Turn, text: str | None = None) -> bool:
    """Answer the visitor's practical question, then return to the conversation. False: it was not one."""
    faq = turn.content.faq
    if not faq:
        return False
    spoken = turn.entity("faq")  # the speech side heard one of the hosts' phrasings (robot/engine/expectations.py)
    if spoken in faq:
        key = spoken
    else:
        match = index_for(faq).match(text if text is not None else turn.text, turn.lang)
        if match is None:
            return False
        key = match.key
    entry = faq[key]
    extra = {"gesture": entry.gesture} if entry.gesture else {}
    turn.say("utter_faq_answer", answer=answer_text(turn, key), screen=entry.screen,
             screen_data={"faq": key}, **extra)
    turn.note(faq=key)
    resume(turn)
    return True


class ActionOutOfScope(ElvieAction):
    """Not something Elvie does: a practical question the hosts answered, else "I can't help with that"."""

    action_name = "action_out_of_scope"

    def act(self, turn: Turn) -> None:
        if not answer_practical_question(turn):
            turn.say("utter_out_of_scope")
