"""The conversation's language, decided in one place: stable, and reversible.

Every input gives evidence about the visitor's language; this class alone turns that evidence into
the language Elvie answers in.

- The first input of a conversation sets the language from what most of its evidence favours (the
  site's first language without any), as a first guess the next input may correct. Requiring two
  sources for a language other than the site's kept English visitors in Dutch: 43 % of English turns
  in the wrong language on the held-out run, where the tuning slice without that rule had 16 %.
- After that the language holds. It switches only when every source of evidence that has an
  opinion favours the other language (for speech: the expected phrases' fit, the transcripts' fit
  and the words' vocabulary; for typing: the words, with at least three of them), or when the
  visitor asks for it (a tap on the tablet's language button, "can we speak English").
- A switch made on evidence is tentative: if the next input favours the old language it is undone
  at once, so a misjudged utterance costs at most one turn in the wrong language.
- Names and booking codes carry no language: in the states that expect them (name, booking code,
  which of several appointments: "Youssef el Amrani", "QM4702") a name or a short answer never moves
  the language (the engine leaves such inputs out).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# Dialogue states whose answers are names, codes or times: their words are no evidence of a language.
LANGUAGE_NEUTRAL_STATES = frozenset({"name", "booking_code", "candidate"})


@dataclass(frozen=True)
class LanguageEvidence:
    """What one input says about the language: each source's vote (None: no opinion)."""

    votes: dict[str, str | None] = field(default_factory=dict)
    words: int = 0  # how many words the input had (short typed texts are weak evidence)

    @property
    def opinions(self) -> list[str]:
        return [lang for lang in self.votes.values() if lang is not None]

    def favours(self) -> str | None:
        """The language most sources vote for (None on a tie or without votes)."""
        opinions = self.opinions
        if not opinions:
            return None
        counts = {lang: opinions.count(lang) for lang in set(opinions)}
        ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    def unanimous(self) -> str | None:
        opinions = set(self.opinions)
        return opinions.pop() if len(opinions) == 1 else None


def carries_language(expecting: str | None, intent: str | None, text: str) -> bool:
    """A name or a code is no evidence of a language: "de Vries" said in an English conversation
    keeps it English. A whole sentence in those states still is."""
    if expecting not in LANGUAGE_NEUTRAL_STATES:
        return True
    return intent not in ("inform_name", "inform_booking_code") and len(text.split()) > 4


def spoken_evidence(votes: dict[str, str | None], recognised_lang: str | None, text: str) -> LanguageEvidence:
    """Speech brings its recognition sources' votes (a recogniser without them: its language)."""
    return LanguageEvidence(dict(votes) or {"recogniser": recognised_lang}, len(text.split()))


def typed_evidence(detector, text: str, current: str | None) -> LanguageEvidence:
    """Typed text: its words' vocabulary (robot/language.py); only a strong guess, except for a first
    sentence."""
    guess = detector.guess(text)
    words = len(text.split())
    # First words may set the language on a weaker guess, if they are a sentence: one or two words
    # ("Jansen", which an unannotated training example makes English-ish) need a strong one ("Hello").
    strong = guess.lang if guess.confidence >= 0.95 or (current is None and words >= 3) else None
    return LanguageEvidence({"words": strong}, words)


class ConversationLanguage:
    def __init__(self, languages: tuple[str, ...], default: str | None = None):
        self.languages = tuple(languages)
        self.default = default if default in self.languages else self.languages[0]
        self.current: str | None = None
        self._tentative = False  # the last decision came from evidence and is not yet confirmed

    def reset(self) -> None:
        self.current = None
        self._tentative = False

    @property
    def answer_language(self) -> str:
        return self.current or self.default

    def choose(self, lang: str) -> str:
        """The visitor asked for this language (tablet tap, or said so): it wins, firmly."""
        if lang in self.languages:
            self.current = lang
            self._tentative = False
        return self.answer_language

    def observe(self, evidence: LanguageEvidence, *, typed: bool = False) -> str:
        """The conversation's language after this input."""
        favoured = evidence.favours()
        if typed and evidence.words < 3 and self.current is not None:
            favoured = None  # "ok", "de Vries": too little to go on once the conversation has a language
        if self.current is None:  # first words: a first guess, which the next input may correct
            if favoured in self.languages:
                self.current = favoured
                self._tentative = True
            return self.answer_language
        if self._tentative:  # the last input set or switched the language: does this one agree?
            if favoured is None:
                return self.current  # no opinion: keep waiting for one
            self._tentative = False
            if favoured != self.current and favoured in self.languages:
                log.info("language decision undone: the next input favours the other language")
                self.current = favoured
            return self.current
        other = evidence.unanimous()
        if other is None or other == self.current or other not in self.languages:
            return self.current
        if typed and evidence.words < 3:
            return self.current
        if not typed and len(evidence.opinions) < 2:
            return self.current  # one source alone never switches a spoken conversation
        self.current = other
        self._tentative = True
        return self.current
