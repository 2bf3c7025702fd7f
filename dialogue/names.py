"""The name in what a visitor said or typed, or None when it is not a name.

'mijn naam is Jan de Vries' -> 'Jan de Vries'; 'ik ben te laat', 'I'm here for my mother',
'ik kom voor mijn moeder' -> None. Accepts particles (van, de, el, ten), initials ('J.'),
hyphens ('Jansen-Bakker') and diacritics ('Wiśniewska'). What comes before a name, what opens an
answer, hesitations and the words that are no names come from every language's
locales/<lang>/language.yml: a visitor may give their name in either language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dialogue.content.language_pack import LanguagePack, all_packs
from integrations.qmatic.matching import PREFIX_WORDS, fold

NAME_TOKEN = re.compile(r"^['’]?[^\W\d_]+(?:[-'’][^\W\d_]+)*\.?$")
MAX_WORDS = 6


def _any(phrases) -> str:
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(set(phrases), key=len, reverse=True))


@dataclass(frozen=True)
class NameReader:
    """Every language's words around names (locales/<lang>/language.yml), compiled once per version of the
    language files."""
    lead_in: re.Pattern | None  # 'mijn naam is Jan' -> 'Jan'
    openers: re.Pattern | None  # 'ja, uh, de Vries' -> 'de Vries'
    hesitations: frozenset[str]  # folded
    not_names: frozenset[str]  # folded


@lru_cache(maxsize=4)
def _reader(packs: tuple[LanguagePack, ...]) -> NameReader:
    lead_ins = _any(p for pack in packs for p in pack.name_lead_ins)
    openers = _any(p for pack in packs for p in pack.name_openers + tuple(pack.hesitations))
    return NameReader(
        lead_in=re.compile(rf"(?<!\w)(?:{lead_ins})\s+(.+)$", re.IGNORECASE) if lead_ins else None,
        openers=re.compile(rf"^\s*(?:(?:{openers})\.?(?:[ ,.]+|$))*", re.IGNORECASE) if openers else None,
        hesitations=frozenset(fold(w) for pack in packs for w in pack.hesitations),
        not_names=frozenset(fold(w) for pack in packs for w in pack.not_names))


def _candidate(text: str, reader: NameReader) -> str:
    """What may be the name: after a lead-in, without the openers of an answer."""
    after = reader.lead_in.search(text) if reader.lead_in else None
    candidate = after.group(1) if after else text
    if reader.openers:
        candidate = reader.openers.sub("", candidate)
    return candidate.strip(" .,!?;:")


def extract_name(text: str) -> str | None:
    """The name in `text` ('mijn naam is Jan, uh, de Vries' -> 'Jan de Vries'), or None: not a name."""
    reader = _reader(all_packs())
    candidate = _candidate(text.strip(), reader)
    tokens = [t for t in candidate.split() if fold(t) not in reader.hesitations]
    if not tokens or len(tokens) > MAX_WORDS:
        return None
    real = 0
    for token in tokens:
        bare = token.strip(",")
        if not NAME_TOKEN.match(bare):
            return None  # digits, symbols: a code or a time, not a name
        folded = fold(bare)
        if folded in reader.not_names:
            return None
        if folded not in PREFIX_WORDS:
            real += 1
    if not real:
        return None
    return candidate if len(tokens) == len(candidate.split()) else " ".join(t.strip(",") for t in tokens)
