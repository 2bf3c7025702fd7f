"""Which practical question (locales/faq.yml) a visitor asked, if any — pure logic, no Rasa.

Matched against the hosts' example phrasings, so a question a host adds or rewords works as soon
as the content reloads: no retraining. A phrasing's words are weighted by how rare they are
across all phrasings (IDF: "wc", "lift" and "parkeren" say a lot, "waar" and "is" little), words
match fuzzily (typos, "toilet"/"toiletten", speech errors), and a character-level ratio
adds the phrasing as a whole. A question is only answered when it scores above THRESHOLD and
clearly above any other question; a sentence about the visitor's appointment (a task word) is never
taken for one. Task words and the function words that carry no topic come from every language's
locales/<lang>/language.yml. The matcher is only asked where Rasa found no task intent (dialogue/actions/faq.py).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping

from rapidfuzz.fuzz import ratio

from dialogue.content.language_pack import all_packs
from dialogue.content.model import FaqEntry

THRESHOLD = 0.65  # below this the visitor did not ask one of the hosts' questions
MARGIN = 0.05  # the best question must beat the next best by this much
WORD_MATCH = 0.85  # two words (of five letters or more) count as the same from this similarity on
@dataclass(frozen=True)
class FaqMatch:
    key: str
    score: float
    phrasing_lang: str


def words(text: str) -> list[str]:
    text = re.sub(r"['’]s\b", "", text.lower())  # "wc's" -> "wc"
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def _pack_words(field: str) -> frozenset[str]:
    """A word list of every language's language.yml, written the way `words` writes what was said."""
    return frozenset(w for pack in all_packs() for phrase in getattr(pack, field) for w in words(phrase))


def word_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)):
        return 0.9  # toilet / toiletten, park / parkeren
    if min(len(a), len(b)) >= 5 and (a.endswith(b) or b.endswith(a)):
        return 0.85  # Dutch compounds: invalidentoilet / toilet, parkeergarage / garage
    if min(len(a), len(b)) < 5:
        return 0.0  # short words must be exact ("wc" / "wat", "close" / "chloe")
    value = ratio(a, b) / 100
    return value if value >= WORD_MATCH else 0.0


class FaqIndex:
    """The hosts' phrasings, ready to match. Build one per content version (cheap: a few hundred phrasings)."""

    def __init__(self, faq: Mapping[str, FaqEntry]):
        self.task_words = _pack_words("task_words")
        self.function_words = _pack_words("function_words")
        self.items: list[tuple[str, str, tuple[str, ...], str]] = []  # (key, lang, content words, text)
        for entry in faq.values():
            for lang, phrasings in entry.phrasings.items():
                for phrasing in phrasings:
                    said = words(phrasing)
                    self.items.append((entry.key, lang, tuple(self.content_words(said)), " ".join(said)))
        count = max(1, len(self.items))
        frequency: dict[str, int] = {}
        for _, _, tokens, _ in self.items:
            for token in set(tokens):
                frequency[token] = frequency.get(token, 0) + 1
        self.idf = {token: math.log(1 + count / n) for token, n in frequency.items()}
        self.default_idf = math.log(1 + count)

    def content_words(self, said: list[str]) -> list[str]:
        return [w for w in said if w not in self.function_words]

    def _weight(self, token: str) -> float:
        return self.idf.get(token, self.default_idf)

    def _coverage(self, heard: list[str], tokens: tuple[str, ...]) -> tuple[float, float]:
        """(recall, precision) over topic words: how much of the phrasing's (IDF-weighted) words the visitor
        said, and how much of what the visitor said the phrasing explains."""
        if not heard or not tokens:
            return 0.0, 0.0
        best_for = [max((word_similarity(h, t) for h in heard), default=0.0) for t in tokens]
        recall = sum(s * self._weight(t) for s, t in zip(best_for, tokens)) / sum(self._weight(t) for t in tokens)
        explained = [max((word_similarity(h, t) for t in tokens), default=0.0) for h in heard]
        heard_weights = [self._weight(h) for h in heard]
        precision = sum(s * w for s, w in zip(explained, heard_weights)) / sum(heard_weights)
        return recall, precision

    def scores(self, text: str, lang: str | None = None) -> dict[str, tuple[float, str]]:
        """key -> (best score over its phrasings, language of that phrasing)."""
        said = words(text)
        heard = self.content_words(said)
        joined = " ".join(said)
        best: dict[str, tuple[float, str]] = {}
        if not heard:
            return best
        task = self.task_words.intersection(heard)
        for key, phrasing_lang, tokens, phrasing in self.items:
            if task - set(tokens):
                continue  # "ik heb een afspraak gemaakt via internet" is about an appointment, not the wifi
            recall, precision = self._coverage(heard, tokens)
            if recall < 0.6:
                continue  # the visitor did not name this question's topic
            score = 0.45 * recall + 0.3 * precision + 0.25 * ratio(joined, phrasing) / 100
            if lang and phrasing_lang != lang:
                score *= 0.97  # the visitor's own language first, the other still understood
            if score > best.get(key, (0.0, ""))[0]:
                best[key] = (score, phrasing_lang)
        return best

    def match(self, text: str, lang: str | None = None, threshold: float = THRESHOLD) -> FaqMatch | None:
        ranked = sorted(self.scores(text, lang).items(), key=lambda item: item[1][0], reverse=True)
        if not ranked or ranked[0][1][0] < threshold:
            return None
        if len(ranked) > 1 and ranked[0][1][0] - ranked[1][1][0] < MARGIN:
            return None  # two questions fit equally well: better to say we did not understand
        key, (score, phrasing_lang) = ranked[0]
        return FaqMatch(key, round(score, 3), phrasing_lang)


_CURRENT: list[tuple[Mapping[str, FaqEntry], FaqIndex]] = []


def index_for(faq: Mapping[str, FaqEntry]) -> FaqIndex:
    """The index of this content's FAQ, rebuilt when the content reloads (keeping the mapping it was built
    from, so a new mapping can never be mistaken for it)."""
    if _CURRENT and _CURRENT[0][0] is faq:
        return _CURRENT[0][1]
    index = FaqIndex(faq)
    _CURRENT[:] = [(faq, index)]
    return index
