"""What Elvie expects to hear next, as phrases the speech side can score against the audio.

Built from what she just asked (the dialogue's `expecting` slot and the action's trace) and from
the intents' own example sentences in the NLU training data — the shortest, most typical ones,
because scoring costs ~40 ms per phrase. Phrases of both languages are always expected (a visitor may
switch, and a misjudged first turn must not lock them out), the conversation's language first (before
the language is known, each phrase next to its translation): scoring stops early once one phrase
clearly wins.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import zip_longest

from dialogue.content.language_pack import content_languages, language_pack
from robot import nlu_examples
from robot.speech.types import Candidate, Expectation

# expecting slot -> (expectation kind, intents whose examples are expected, examples per intent)
CONTEXTS: dict[str | None, tuple[str, tuple[str, ...], int]] = {
    None: ("open", ("greet", "check_in", "no_appointment", "request_human"), 1),
    "has_appointment": ("yes_no", ("affirm", "deny", "check_in", "no_appointment"), 2),
    "confirm": ("yes_no", ("affirm", "deny"), 2),
    "document": ("document", ("affirm", "deny", "missing_document"), 2),
    "name": ("name", (), 0),
    "booking_code": ("booking_code", (), 0),
    "candidate": ("candidate", (), 0),
    "walk_in_service": ("walk_in_service", (), 0),
}
# Short answers are expected in every state: a bare "nee" must be heard wherever it is said (free
# transcription of a single short word is the least reliable part of recognition).
ALWAYS = ("affirm", "deny")
@lru_cache(maxsize=4)
def _examples(lang: str) -> dict[str, list[str]]:
    """Plain examples (no entities) per intent, shortest first (robot/nlu_examples.py reads them)."""
    result: dict[str, list[str]] = {}
    for example in nlu_examples.training(lang):
        if not example.entities:
            result.setdefault(example.intent, []).append(example.text.lower().strip(".!?"))
    return {intent: sorted(dict.fromkeys(texts), key=lambda t: (len(t.split()), len(t)))
            for intent, texts in result.items()}


def _intent_phrases(intent: str, lang: str, count: int) -> list[str]:
    """The intent's typical phrases (locales/<lang>/language.yml), else its shortest NLU examples."""
    pack = language_pack(lang)
    core = pack.expected.get(intent) if pack is not None else None
    if core:
        return list(core)
    return [example for example in _examples(lang).get(intent, []) if len(example.split()) <= 6][:count]


def build(expecting: str | None, details: dict | None, lang: str | None, languages: tuple[str, ...] | None = None,
          content=None) -> Expectation:
    languages = languages or content_languages()
    kind, intents, count = CONTEXTS.get(expecting, CONTEXTS[None])
    details = details or {}
    langs = (lang,) + tuple(l for l in languages if l != lang) if lang in languages else languages
    per_language: list[list[Candidate]] = []
    for language in langs:  # the most typical phrase of every intent first, then the others
        phrases = [_intent_phrases(intent, language, count) for intent in intents]
        phrases += [_intent_phrases(intent, language, 1)[:1] for intent in ALWAYS if intent not in intents]
        ordered: list[Candidate] = []
        for rank in range(max((len(p) for p in phrases), default=0)):
            ordered += [Candidate(p[rank], language, intent)
                        for intent, p in zip(intents + tuple(i for i in ALWAYS if i not in intents), phrases)
                        if rank < len(p)]
        per_language.append(ordered)
    if lang in languages:  # the conversation's language first
        candidates = [c for ordered in per_language for c in ordered]
    else:  # first words: each phrase next to its translation, so both languages are heard before scoring stops
        candidates = [c for group in zip_longest(*per_language) for c in group if c is not None]
    hotwords: tuple[str, ...] = ()
    if kind == "name":
        hotwords = tuple(n for n in details.get("names") or [] if n)
    elif kind == "candidate":
        for index, clock in enumerate(details.get("times") or []):
            hours, minutes = (int(x) for x in str(clock).split(":"))
            for language in langs:
                spoken = _spoken_time(hours, minutes, language)
                candidates.append(Candidate(spoken, language, "choose_candidate", {"candidate": str(index)}))
    retrievable = tuple(faq_candidates(content, langs)) if content is not None and kind in FAQ_KINDS else ()
    if kind == "walk_in_service" and content is not None:
        for service in content.services.values():
            if service.walk_in:
                for language in langs:
                    candidates.append(Candidate(_short(service.name(language)), language, "inform_service",
                                                {"service": service.key}))
    return Expectation(kind=kind, candidates=tuple(candidates), hotwords=hotwords, retrievable=retrievable)


# Where a visitor may ask a practical question instead of answering (locales/faq.yml): the hosts' phrasings may
# be heard there too, scored only when a transcript points at them (scoring each would cost ~25 ms a turn).
# Not while a name or code is expected: a name must never be scored against "waar is de wc".
FAQ_KINDS = ("open", "yes_no", "candidate", "walk_in_service")


def faq_candidates(content, langs: tuple[str, ...]) -> list[Candidate]:
    """The first phrasing of every FAQ question in these languages, as out_of_scope with the question's key: the
    dialogue answers that question (dialogue/actions/faq.py). Read from the hot-reloaded content: a host's new
    question is expected from the next turn on."""
    faq = getattr(content, "faq", None) or {}
    return [Candidate(entry.phrasings[language][0].lower().strip(".!?"), language, "out_of_scope", {"faq": entry.key})
            for language in langs for entry in faq.values() if entry.phrasings.get(language)]


def _spoken_time(hours: int, minutes: int, lang: str) -> str:
    """How a visitor would say the time ('om half tien', 'at half past nine'; locales/<lang>/language.yml)."""
    pack = language_pack(lang)
    if pack is None:
        return f"{hours}:{minutes:02d}"
    h12, next12 = hours % 12 or 12, (hours % 12) % 12 + 1
    words = pack.hour_words
    kind = {0: "whole", 30: "half", 15: "quarter_past", 45: "quarter_to"}.get(minutes, "other")
    return pack.spoken_times[kind].format(hour=words[h12] if words else h12, next=words[next12] if words else next12,
                                          h24=hours, minute=f"{minutes:02d}")


def _short(name: str) -> str:
    """'het aanvragen van een paspoort' -> 'aanvragen van een paspoort' (drop leading articles)."""
    return re.sub(r"^(het|de|een|the|a|an)\s+", "", name.strip(), flags=re.IGNORECASE)
