"""The name in what a visitor said or typed, or None when it is not a name.

'mijn naam is Jan de Vries' -> 'Jan de Vries'; 'ik ben te laat', 'I'm here for my mother',
'ik kom voor mijn moeder' -> None. Accepts particles (van, de, el, ten), initials ('J.'),
hyphens ('Jansen-Bakker') and diacritics ('Wiśniewska'). What comes before a name, what opens an
answer, hesitations and the words that are no names come from every language's
locales/<lang>/language.yml: a visitor may give their name in either language.
"""
from __future__ import annotations

import re

from dialogue.content.language_pack import LanguagePack, all_packs
from integrations.qmatic.matching import PREFIX_WORDS, fold

NAME_TOKEN = re.compile(r"^['’]?[^\W\d_]+(?:[-'’][^\W\d_]+)*\.?$")
MAX_WORDS = 6


def _any(phrases) -> str:
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(set(phrases), key=len, reverse=True))


def _after_lead_in(text: str, packs: list[LanguagePack]) -> str:
    lead_ins = _any(p for pack in packs for p in pack.name_lead_ins)
    after = re.search(rf"(?<!\w)(?:{lead_ins})\s+(.+)$", text, re.IGNORECASE) if lead_ins else None
    return after.group(1) if after else text


def _without_openers(text: str, packs: list[LanguagePack]) -> str:
    openers = _any([p for pack in packs for p in pack.name_openers + tuple(pack.hesitations)])
    if openers:
        text = re.sub(rf"^\s*(?:(?:{openers})\.?(?:[ ,.]+|$))*", "", text, flags=re.IGNORECASE)
    return text.strip(" .,!?;:")


def extract_name(text: str) -> str | None:
    """The name in `text` ('mijn naam is Jan, uh, de Vries' -> 'Jan de Vries'), or None: not a name."""
    packs = all_packs()
    hesitations = {fold(w) for pack in packs for w in pack.hesitations}
    not_names = {fold(w) for pack in packs for w in pack.not_names}
    candidate = _without_openers(_after_lead_in(text.strip(), packs), packs)
    tokens = [t for t in candidate.split() if fold(t) not in hesitations]
    if not tokens or len(tokens) > MAX_WORDS:
        return None
    real = 0
    for token in tokens:
        bare = token.strip(",")
        if not NAME_TOKEN.match(bare):
            return None  # digits, symbols: a code or a time, not a name
        folded = fold(bare)
        if folded in not_names:
            return None
        if folded not in PREFIX_WORDS:
            real += 1
    if not real:
        return None
    return candidate if len(tokens) == len(candidate.split()) else " ".join(t.strip(",") for t in tokens)
