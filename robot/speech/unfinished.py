"""Does a transcript sound like the visitor has not finished? ("ik heb, uh", "de V van Victor")

The end-of-turn model hears prosody only, and a synthetic or flat voice pausing after "ik heb" or
between the letters of a spelled name sounds finished to it (acoustic benchmark: two in three such
pauses were taken for the end). The transcript says more: a turn does not end on an article, a
preposition, a filler or a spelled letter. When it does, the pipeline takes the segment back and
waits for the longer silence (robot/speech/vad.py, `Endpointer.resume`): speech that follows within
it belongs to the same turn. A wrong guess costs only that wait, never an answer.
"""
from __future__ import annotations

import re

from dialogue.content.language_pack import language_pack


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())


def sounds_unfinished(transcript: str, lang: str) -> bool:
    """The endings and spellings per language are in locales/<lang>/language.yml."""
    pack = language_pack(lang)
    text = _words(transcript)
    if not text or pack is None:
        return False
    if text.split()[-1] in pack.unfinished_endings:
        return True
    return any(pattern.search(text) for pattern in pack.spelling)
