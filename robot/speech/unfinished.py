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

# Words a finished sentence does not end on. Not "het" ("dat is het") nor "it".
DANGLING = {
    "nl": ("de", "een", "van", "voor", "met", "om", "op", "in", "aan", "naar", "bij", "en", "of", "maar", "dus",
           "mijn", "m'n", "uw", "ik", "is", "ben", "bent", "heb", "hebt", "wil", "wou", "kan", "moet", "zou",
           "uh", "eh", "ehm", "uhm", "hm", "hmm"),
    "en": ("the", "a", "an", "of", "for", "with", "at", "to", "on", "in", "by", "and", "or", "but", "so", "my",
           "your", "i", "i'm", "is", "am", "are", "have", "has", "want", "would", "can", "need", "was",
           "uh", "um", "er", "erm", "hm", "hmm"),
}
# A spelled letter: "V van Victor", "de A van Anton"; "V as in Victor", "B for Bernard".
SPELLED = {
    "nl": re.compile(r"(^|\s)\w{1,3}\s+van\s+\w+$"),
    "en": re.compile(r"(^|\s)\w{1,3}\s+(as in|for)\s+\w+$"),
}


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())


def sounds_unfinished(transcript: str, lang: str) -> bool:
    text = _words(transcript)
    if not text:
        return False
    if text.split()[-1] in DANGLING.get(lang, ()):
        return True
    spelled = SPELLED.get(lang)
    return spelled is not None and bool(spelled.search(text))
