"""Which language did the visitor type or say: Dutch or English?

Scores the words of a text by how much more often each language uses them: word frequencies
from the NLU training examples per language (dialogue/data/nlu/<lang>.yml) plus a short list of
very common words, smoothed, compared as log-ratios. Words both languages use about equally
("ok", names, which are stripped from the examples) count for little. This is one source of evidence;
the conversation's language is decided from all of them in robot/language_policy.py.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

NLU_DIR = Path(__file__).resolve().parents[1] / "dialogue" / "data" / "nlu"
COMMON = {
    "nl": "ik je jij u uw mijn de het een en is ben heb heeft niet geen ja nee wat waar hoe dat dit met voor van "
          "naar om op bij graag alstublieft dank bedankt goedemorgen goedemiddag afspraak naam hoi doei dag "
          "kunt kan wil moet hebt zijn er al nog ook maar even meneer mevrouw spreekt nederlands".split(),
    "en": "i you your my the a an and is am have has not no yes what where how that this with for of to at "
          "please thanks thank good morning afternoon appointment name hi hello bye can could would want "
          "need are there already still also but just sir madam speak english".split(),
}
WORD = re.compile(r"[a-zà-ÿ']+")


@dataclass(frozen=True)
class LanguageGuess:
    lang: str | None  # None: no evidence either way
    confidence: float  # 0..1, share of the evidence for `lang`


class LanguageDetector:
    def __init__(self, languages: tuple[str, ...] = ("nl", "en"), nlu_dir: Path = NLU_DIR):
        self.languages = languages
        counts: dict[str, Counter] = {lang: Counter(COMMON.get(lang, [])) for lang in languages}
        for lang in languages:
            path = nlu_dir / f"{lang}.yml"
            if path.exists():
                counts[lang].update(self._words_of_nlu(path))
        for lang in languages:  # very common words weigh more than one training example
            counts[lang].update({word: 5 for word in COMMON.get(lang, [])})
        self._counts = counts
        self._totals = {lang: sum(c.values()) for lang, c in counts.items()}
        self._vocabulary = len(set().union(*(set(c) for c in counts.values())))

    @staticmethod
    def _words_of_nlu(path: Path) -> list[str]:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        words: list[str] = []
        for block in data.get("nlu", []) or []:
            examples = block.get("examples") if isinstance(block, dict) else None
            if not isinstance(examples, str) or "intent" not in block:
                continue
            # drop entity annotations' values: names are not evidence of a language
            text = re.sub(r"\[([^\]]*)\]\((person_name)[^)]*\)|\[([^\]]*)\]\{[^}]*person_name[^}]*\}", " ",
                          examples)
            text = re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", text)
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
