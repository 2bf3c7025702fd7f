"""Which language did the visitor type or say: Dutch or English?

Scores the words of a text by how much more often each language uses them: word frequencies
from the NLU training examples per language (dialogue/data/nlu/<lang>.yml) plus a short list of
very common words (locales/<lang>/language.yml), smoothed, compared as log-ratios. Words both languages use about equally
("ok", names, which are stripped from the examples) count for little. This is one source of evidence;
the conversation's language is decided from all of them in robot/language_policy.py.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from dialogue.content.language_pack import content_languages, language_pack
from robot import nlu_examples

WORD = re.compile(r"[a-zà-ÿ']+")


@dataclass(frozen=True)
class LanguageGuess:
    lang: str | None  # None: no evidence either way
    confidence: float  # 0..1, share of the evidence for `lang`


class LanguageDetector:
    def __init__(self, languages: tuple[str, ...] | None = None):
        self.languages = languages = languages or content_languages()
        common = {lang: pack.common_words if (pack := language_pack(lang)) else () for lang in languages}
        counts: dict[str, Counter] = {lang: Counter(common[lang]) for lang in languages}
        for lang in languages:
            counts[lang].update(self._words_of_nlu(lang))
            counts[lang].update({word: 5 for word in common[lang]})  # they weigh more than one training example
        self._counts = counts
        self._totals = {lang: sum(c.values()) for lang, c in counts.items()}
        self._vocabulary = len(set().union(*(set(c) for c in counts.values())))

    @staticmethod
    def _words_of_nlu(lang: str) -> list[str]:
        """The words of the NLU examples (robot/nlu_examples.py), names left out: they are no evidence."""
        words: list[str] = []
        for example in nlu_examples.training(lang):
            text = example.text
            for entity, value in example.entities:
                if entity == "person_name":
                    text = text.replace(value, " ")
            words += WORD.findall(text.lower())
        return words

    def _log_probability(self, word: str, lang: str) -> float:
        return math.log((self._counts[lang][word] + 0.5) / (self._totals[lang] + 0.5 * self._vocabulary))

    def scores(self, text: str) -> dict[str, float]:
        """Log-likelihood of the text's words under each language (only words either language knows)."""
        words = [w for w in WORD.findall(text.lower()) if any(self._counts[l][w] for l in self.languages)]
        return {lang: sum(self._log_probability(w, lang) for w in words) for lang in self.languages}

    def guess(self, text: str) -> LanguageGuess:
        scores = self.scores(text)
        ranked = sorted(scores, key=scores.get, reverse=True)
        margin = scores[ranked[0]] - scores[ranked[1]] if len(ranked) > 1 else 0.0
        if margin < 1.0:  # less than e:1 odds: no evidence either way
            return LanguageGuess(None, 0.0)
        return LanguageGuess(ranked[0], 1.0 - math.exp(-margin))
