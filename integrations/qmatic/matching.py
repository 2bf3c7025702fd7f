"""Match a spoken or typed name against today's appointments.

Names reach Elvie through speech recognition or a tablet keyboard, so the matcher expects
trouble: Dutch surname prefixes ("van der", "de", "ten" — sometimes dropped, sometimes heard
as "fan"), diacritics (Yılmaz, Wiśniewska), initials ("J. de Vries"), first name only, reversed
order, spelled-out letters ("j a n s e n") and the typical confusions of recognition (ij/ei/y,
v/f, ch/g, dt/d/t, double letters, a lost h). It is given a name: taking the name out of a
sentence ("mijn naam is ...") is the dialogue's part (dialogue/names.py), in the visitor's language.
Each candidate gets a score in 0..1; candidates well below the best are dropped, so several
results mean "really ambiguous" (the dialogue then asks for the time of the appointment).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.fuzz import ratio

MATCH_THRESHOLD = 0.82  # below this a candidate is not considered a match
AMBIGUITY_MARGIN = 0.08  # candidates within this of the best are equally plausible

PREFIX_WORDS = {"van", "der", "den", "de", "ten", "ter", "te", "het", "t", "in", "op", "el", "al", "la", "le", "da",
                "di", "du", "dos", "das", "von", "vom", "zu", "mc", "o", "bin", "ben", "ibn", "abu"}
HEARD_AS_PREFIX = {"fan": "van", "vander": "van der", "vanden": "van den", "vande": "van de", "dr": "de",
                   "ter": "ter", "tem": "ten"}
BOOKING_CODE = re.compile(r"\b([A-Z0-9]{2,}(?:-[A-Z0-9]+)+|[A-Z]{1,3}\d{2,}[A-Z0-9]*|\d{2,}[A-Z]{1,3}[A-Z0-9]*|"
                          r"[a-f0-9]{16,}|\d{6,10})\b", re.IGNORECASE)


@dataclass(frozen=True)
class NameMatch:
    appointment: object
    score: float
    reason: str

    def __repr__(self) -> str:
        return f"NameMatch(appointment_id={getattr(self.appointment, 'id', '?')}, score={self.score:.2f})"


def fold(text: str) -> str:
    """Lowercase, without diacritics or punctuation."""
    text = text.replace("ı", "i").replace("İ", "I").replace("ß", "ss").replace("ł", "l").replace("Ł", "L")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'t ", "t ").replace("’", "'")
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text).split())


_PHONETIC = [("sch", "s"), ("ch", "g"), ("ck", "k"), ("ph", "f"), ("th", "t"), ("dt", "t"), ("ij", "i"), ("ei", "i"),
             ("ey", "i"), ("y", "i"), ("au", "ou"), ("oe", "u"), ("uu", "u"), ("ie", "i"), ("ee", "e"), ("aa", "a"),
             ("oo", "o"), ("kw", "q"), ("qu", "q"), ("q", "k"), ("x", "ks"), ("z", "s"), ("v", "f"), ("w", "v"),
             ("c", "k")]


def phonetic(word: str) -> str:
    """A rough sound key for Dutch-heard names (not Soundex: keeps vowels, which carry names)."""
    word = fold(word).replace(" ", "")
    if word.startswith("j") and len(word) > 1 and word[1] in "aeiou":
        word = "i" + word[1:]
    word = re.sub(r"c(?=[eiy])", "s", word)
    for old, new in _PHONETIC:
        word = word.replace(old, new)
    word = re.sub(r"(?<=[a-z])h", "", word)  # a lost h: "Ahmed" / "Amed"
    word = re.sub(r"d$", "t", word)
    word = re.sub(r"(.)\1+", r"\1", word)
    return word


def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    spelled = max(ratio(a, b) / 100, JaroWinkler.similarity(a, b) * 0.97)
    sounded = ratio(phonetic(a), phonetic(b)) / 100
    return max(spelled, sounded * 0.97)


def _join_spelled(tokens: list[str]) -> list[str]:
    """'j a n s e n' -> 'jansen' (three or more single letters in a row)."""
    out: list[str] = []
    run: list[str] = []
    for token in tokens + [""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if len(run) >= 3:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if token:
            out.append(token)
    return out


def query_tokens(query: str) -> tuple[list[str], set[str]]:
    """(name tokens without prefixes, prefixes heard)."""
    text = fold(query)
    tokens: list[str] = []
    for token in text.split():
        tokens.extend(HEARD_AS_PREFIX.get(token, token).split())
    tokens = _join_spelled(tokens)
    prefixes = {t for t in tokens if t in PREFIX_WORDS}
    return [t for t in tokens if t not in PREFIX_WORDS], prefixes


def split_surname(last_name: str) -> tuple[str, set[str]]:
    """'van der Berg' -> ('berg', {'van', 'der'}); 'El Amrani' -> ('amrani', {'el'})."""
    words = fold(last_name).split()
    prefixes = set()
    while len(words) > 1 and words[0] in PREFIX_WORDS:
        prefixes.add(words.pop(0))
    return " ".join(words), prefixes


GLUED_PREFIXES = ("vanden", "vander", "vande", "van", "ten", "ter", "de", "el", "al")


def _windows(tokens: list[str]) -> Iterable[tuple[str, set[int]]]:
    """Candidate surname spans: (text, indexes of the tokens it uses)."""
    for i in range(len(tokens)):
        yield tokens[i], {i}
        for prefix in GLUED_PREFIXES:  # "vanderberg": prefixes written together with the name
            if tokens[i].startswith(prefix) and len(tokens[i]) - len(prefix) >= 3:
                yield tokens[i][len(prefix):], {i}
                break
        if i + 1 < len(tokens):
            yield tokens[i] + " " + tokens[i + 1], {i, i + 1}
            yield tokens[i] + tokens[i + 1], {i, i + 1}


def first_name_similarity(a: str, b: str) -> float:
    """Stricter than surnames: "Jan" must not pass for "Johan"."""
    return ratio(a, b) / 100 if a and b else 0.0


def score_name(query: str, first_name: str, last_name: str) -> tuple[float, str]:
    tokens, heard_prefixes = query_tokens(query)
    if not tokens:
        return 0.0, "empty"
    core, prefixes = split_surname(last_name)
    firsts = fold(first_name).split()
    first = " ".join(firsts)
    s_last, used = 0.0, set()
    for window, indexes in _windows(tokens):
        value = max(similarity(window, core), similarity(window.replace(" ", ""), core.replace(" ", "")))
        if value > s_last:
            s_last, used = value, indexes
    rest = [t for i, t in enumerate(tokens) if i not in used]
    s_first = 0.0
    for token in rest:
        if len(token) == 1 and first:
            s_first = max(s_first, 0.9 if token == first[0] else 0.0)
        else:
            s_first = max(s_first, first_name_similarity(token, first),
                          *(first_name_similarity(token, f) for f in firsts))
    only_first = max((first_name_similarity(t, first) for t in tokens), default=0.0) if first else 0.0
    bonus = 0.04 if prefixes and prefixes <= heard_prefixes else 0.0
    if not rest:  # one name given: a surname, or (worse) only a first name
        score, reason = max((s_last + bonus, "surname"), (0.9 * only_first, "first name only"))
    elif s_first >= 0.8:
        score, reason = 0.65 * s_last + 0.35 * s_first + bonus, "full name"
    else:  # the surname fits, but the other words are not this person's first name: not them
        score, reason = 0.75 * s_last + bonus, "surname, other first name"
    return min(1.0, score), reason


def match_name(query: str, appointments: Iterable, *, limit: int = 5,
               threshold: float = MATCH_THRESHOLD) -> list[NameMatch]:
    """Appointments whose customer plausibly has this name, best first."""
    scored = []
    for appointment in appointments:
        best = (0.0, "")
        for customer in getattr(appointment, "customers", ()) or ():
            best = max(best, score_name(query, customer.first_name, customer.last_name))
        if best[0] >= threshold:
            scored.append(NameMatch(appointment, round(best[0], 3), best[1]))
    scored.sort(key=lambda m: m.score, reverse=True)
    if not scored:
        return []
    top = scored[0].score
    return [m for m in scored if m.score >= top - AMBIGUITY_MARGIN][:limit]


def match_reference(text: str) -> str | None:
    """A booking code in free text: 'mijn code is QM4821', 'q m 4 8 2 1', 'afspraaknummer 12345678'."""
    tokens: list[str] = []
    for token in re.findall(r"[A-Za-z0-9-]+", text):
        short = len(token) <= 4 and token.isalnum()
        if short and tokens and tokens[-1].isalnum() and len(tokens[-1]) <= 8 and _spelled_run(tokens[-1]):
            tokens[-1] += token  # parts of a spelled or spaced code
        else:
            tokens.append(token)
    for token in tokens:
        found = BOOKING_CODE.fullmatch(token)
        if found and any(c.isdigit() for c in token):
            return token.upper()
    return None


def _spelled_run(token: str) -> bool:
    """Could this token be the start of a code read out in pieces (letters then digits)?"""
    return bool(re.fullmatch(r"[A-Za-z]{1,3}\d*|\d{1,4}", token))
