"""Open-vocabulary candidates: the NLU example sentences nearest to what the transcripts say.

Free transcription of espeak-like Dutch is far off ("Ik heb om din u een afstrak"), but not random:
its letters and sounds are near those of what was said. Every example sentence of every intent, in
every language, is indexed by its words and by a rough sound key (vowels folded, Dutch and English
spellings of one sound made one: "ij"/"ei", "ch"/"g", "v"/"f", ...). The sentences nearest to the
transcripts become candidates, which are then scored against the audio like the expected phrases:
the audio decides, the transcript only chooses what to ask it about.

Sentences with names and booking codes are not indexed (names come from today's appointments, and
a code must be heard, never guessed); retrieved candidates carry the intent only, never the entities
of the example they came from (an example's "half elf" must not become the visitor's time).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from robot import nlu_examples

from .types import Candidate

SKIPPED_INTENTS = frozenset({"inform_name", "inform_booking_code"})
DEV_EVERY = 9  # every 9th training sentence is the tuning slice (benchmarks/spoken_understanding.py --dev)

_SOUNDS = [(re.compile(pattern), replacement) for pattern, replacement in (
    (r"sch", "s"), (r"ch", "g"), (r"gh", "g"), (r"ph", "f"), (r"th", "t"), (r"dt\b", "t"), (r"d\b", "t"),
    (r"ck", "k"), (r"c(?=[eiy])", "s"), (r"c", "k"), (r"q", "k"), (r"x", "ks"), (r"z", "s"), (r"v", "f"),
    (r"w", "v"), (r"ij|ei|y", "i"), (r"[aeiou]+", "a"), (r"h", ""), (r"(.)\1+", r"\1"),
)]


def sound_key(text: str) -> str:
    """A rough key for how a phrase sounds, the same for near-homophones across spellings."""
    words = []
    for word in nlu_examples.normalised(text).replace("'", "").split():
        for pattern, replacement in _SOUNDS:
            word = pattern.sub(replacement, word)
        if word:
            words.append(word)
    return " ".join(words)


def dev_slice(lang: str) -> tuple[nlu_examples.Example, ...]:
    """The tuning slice: every DEV_EVERY-th indexable training sentence (never the held-out split)."""
    indexable = [e for e in nlu_examples.training(lang) if e.intent not in SKIPPED_INTENTS]
    return tuple(indexable[DEV_EVERY // 2::DEV_EVERY])


def nearest(candidates: tuple[Candidate, ...], transcripts: list[str], limit: int = 2,
            cutoff: float = 70.0) -> list[Candidate]:
    """The few of these phrases nearest to a transcript (words or sound), for a small list that changes
    (the hosts' practical questions) where an index is not worth building."""
    near: list[tuple[float, Candidate]] = []
    for candidate in candidates:
        text, key = nlu_examples.normalised(candidate.text), sound_key(candidate.text)
        similarity = max((max(fuzz.ratio(text, nlu_examples.normalised(t)), fuzz.ratio(key, sound_key(t)))
                          for t in transcripts), default=0.0)
        if similarity >= cutoff:
            near.append((similarity, candidate))
    return [c for _, c in sorted(near, key=lambda item: item[0], reverse=True)[:limit]]


@dataclass(frozen=True)
class Retrieved:
    candidate: Candidate
    similarity: float  # 0..100: how near the sentence is to a transcript (words or sound)


class PhraseIndex:
    def __init__(self, languages: tuple[str, ...], max_words: int = 10, exclude_dev: bool = False):
        seen: set[tuple[str, str]] = set()
        self.candidates: list[Candidate] = []
        for lang in languages:
            left_out = {nlu_examples.normalised(e.text) for e in dev_slice(lang)} if exclude_dev else set()
            for example in nlu_examples.training(lang):
                plain = nlu_examples.normalised(example.text)
                if (example.intent in SKIPPED_INTENTS or not plain or len(plain.split()) > max_words
                        or plain in left_out or (plain, lang) in seen):
                    continue
                seen.add((plain, lang))
                self.candidates.append(Candidate(plain, lang, example.intent))
        self._texts = [c.text for c in self.candidates]
        self._keys = [sound_key(c.text) for c in self.candidates]

    def search(self, transcripts: list[str], limit: int = 6, per_intent: int = 2,
               skip: frozenset[str] = frozenset()) -> list[Retrieved]:
        """The sentences nearest to any transcript, at most `per_intent` per intent, best first."""
        best: dict[int, float] = {}
        for transcript in transcripts:
            text = nlu_examples.normalised(transcript)
            if not text:
                continue
            key = sound_key(text)
            for choices, query in ((self._texts, text), (self._keys, key)):
                for _, similarity, index in process.extract(query, choices, scorer=fuzz.ratio, limit=limit * 4):
                    best[index] = max(best.get(index, 0.0), similarity)
        chosen: list[Retrieved] = []
        per: dict[str, int] = {}
        for index, similarity in sorted(best.items(), key=lambda item: item[1], reverse=True):
            candidate = self.candidates[index]
            if candidate.text in skip or per.get(candidate.intent, 0) >= per_intent:
                continue
            per[candidate.intent] = per.get(candidate.intent, 0) + 1
            chosen.append(Retrieved(candidate, similarity))
            if len(chosen) >= limit:
                break
        return chosen
