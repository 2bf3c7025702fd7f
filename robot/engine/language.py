"""Which language did the visitor type or say: Dutch or English?

Scores the words of a text against each language's vocabulary: the words of the NLU
training examples per language (dialogue/data/nlu/<lang>.yml) plus a short list of very
common words. Words both languages share ("hallo", "ok", names) count for neither. The
conversation keeps its language unless a later text is clearly in the other one.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

NLU_DIR = Path(__file__).resolve().parents[2] / "dialogue" / "data" / "nlu"
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
        vocab = {lang: set(c) for lang, c in counts.items()}
        # A word is evidence for a language only if the other languages never use it.
        self._exclusive = {lang: vocab[lang] - set().union(*(vocab[o] for o in languages if o != lang))
                           for lang in languages}
        self._common = {lang: set(COMMON.get(lang, [])) for lang in languages}

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

    def guess(self, text: str) -> LanguageGuess:
        words = WORD.findall(text.lower())
        scores = {lang: 0.0 for lang in self.languages}
        for word in words:
            for lang in self.languages:
                if word in self._exclusive[lang]:
                    scores[lang] += 2.0 if word in self._common[lang] else 1.0
        total = sum(scores.values())
        if total == 0:
            return LanguageGuess(None, 0.0)
        best = max(scores, key=scores.get)
        return LanguageGuess(best, scores[best] / total)

    def decide(self, text: str, current: str | None, first_turn: bool) -> str | None:
        """The conversation language after this text (None: keep/unknown)."""
        guess = self.guess(text)
        if guess.lang is None:
            return current
        if current is None or first_turn:
            return guess.lang
        if guess.lang != current and guess.confidence >= 0.8 and len(WORD.findall(text.lower())) >= 3:
            return guess.lang  # clearly switched
        return current
