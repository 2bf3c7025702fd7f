"""From a stretch of speech to what the visitor meant, and the evidence for their language.

Speech-to-intent in the manner of grammar-based engines (Picovoice Rhino), opened up to everything
the dialogue understands:

1. The phrases Elvie expects in this dialogue state (yes and no in every state) are scored against
   the audio. One that fits well *and* clearly better than phrases meaning something else is
   accepted at once.
2. Otherwise the free transcript (in the conversation's language, and in the other one too when the
   first fits poorly) picks the nearest example sentences of *every* intent in both languages
   (robot/speech/retrieval.py: words and sound keys), and the audio scores them. A sentence that fits
   well and clearly better than other meanings, or that the transcript also says and the audio does
   not contradict, gives the intent. Noise is never forced onto a phrase: everything has to fit.
3. Names (when Elvie asked for one, before the open vocabulary: "Clarke" sounds like "klaar"): today's
   names the transcript points at, whole or surname alone, are verified against the audio.
4. Otherwise a transcript that says something goes to the dialogue's NLU as text.
5. Only when none of that found words: "no_words" (Elvie says she did not understand). "too_quiet"
   (she could not hear) comes from the speech level alone. A short word's low log-probability never
   makes "not heard": "nee" is one of the expected phrases in every state.

Language: each source of evidence votes (the phrases' fit per language, the two transcripts' fit,
the transcript's vocabulary); the conversation's language is decided from the votes in one place,
robot/language_policy.py.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from dialogue.content.language_pack import language_pack
from robot.language import LanguageDetector
from robot.nlu_examples import normalised

from .retrieval import PhraseIndex, nearest, sound_key
from .types import Candidate, Expectation, NotHeard, Utterance
from .whisper_engine import Scored, Transcript, WhisperRecogniser

# Phrases of these intents are scored (as rivals: they keep other meanings from being forced on
# unrelated speech) but never accepted: the transcript itself says more ("where is the toilet").
NEVER_ACCEPTED = frozenset({"out_of_scope"})
SHORT_ANSWER_INTENTS = frozenset({"affirm", "deny"})
# States whose answers are names or codes, which the open vocabulary does not hold ("Clarke" ~ "klaar").
ANSWERS_ARE_DATA = frozenset({"name", "booking_code"})
def digits_spelled_out(text: str, lang: str) -> str:
    """A booking code read out digit by digit may be transcribed in words: 'Q M zeven drie nul drie' ->
    'Q M 7 3 0 3' (only runs of two or more digit words; the words are in locales/<lang>/language.yml)."""
    pack = language_pack(lang)
    digit_words = pack.digits if pack is not None else {}
    words = text.replace(",", " ").replace(".", " ").split()
    digit = [w.lower() in digit_words for w in words]
    out = []
    for i, word in enumerate(words):
        in_run = digit[i] and ((i > 0 and digit[i - 1]) or (i + 1 < len(words) and digit[i + 1]))
        out.append(digit_words[word.lower()] if in_run else word)
    return " ".join(out)


@dataclass(frozen=True)
class UnderstandingSettings:
    accept_score: float = -2.3  # mean token log-probability an expected phrase needs
    strong_score: float = -0.8  # so good that no margin is needed
    margin: float = 0.5  # how much better than the best phrase with another meaning
    agree_score: float = -2.6  # a phrase a transcript also says needs only this
    agree_margin: float = 0.3  # ... and this much over any other meaning
    agree_similarity: float = 88.0  # how near (0-100) a transcript must say it in words (in sound: 92)
    retrieve: int = 6  # open-vocabulary sentences scored per utterance (~25 ms each on 2 cores)
    name_accept_score: float = -2.0
    name_agree_score: float = -3.0  # a name the transcript also says needs only this
    name_clear_score: float = -4.6  # ... and a name this far ahead of every other person (the dialogue
    name_clear_margin: float = 1.0  # still confirms the appointment before checking in)
    names_verified: int = 3  # today's names nearest to the transcript, scored against the audio
    # Voiced audio quieter than this: "I can't hear you". A visitor standing back in the hall (speech peaking
    # at -30 dBFS, benchmarks/acoustics.py) is voiced at -49 to -45 dBFS: -48 turned a quarter of them away.
    too_quiet_dbfs: float = -54.0
    min_transcript_logprob: float = -1.4  # a transcript this unsure (and short) is not words
    max_no_speech_prob: float = 0.6
    # A transcript less sure than this: transcribe the other language too (~100 ms). Whisper base writes
    # English speech as confident Dutch when told to (-0.4 to -0.9 per token): at -0.9, English visitors in
    # a Dutch conversation were rarely heard as English (held-out: 43 % wrong-language turns in English).
    retry_below_logprob: float = -0.3
    # Which of the two transcripts a language vote goes to. Whisper base is surer of itself in English
    # whatever it hears, so English needs a clear lead and a confident transcript of its own; measured
    # on the tuning slice (benchmarks/spoken_understanding.py --dev), not on the held-out sentences.
    transcript_lead: tuple[tuple[str, float], ...] = (("en", 0.15), ("nl", 0.1))
    transcript_floor: tuple[tuple[str, float], ...] = (("en", -0.75),)
    # A bare "nee"/"no" fits Whisper base poorly (espeak's "nee" is transcribed "Lij."), so a short answer
    # said alone is accepted on a lower score, if it clearly beats every other meaning.
    short_answer_score: float = -3.3
    short_answer_margin: float = 0.45
    state_prior: float = 1.0  # log-odds for what the state expects over a sentence retrieved from the transcript


def _never_accepted(candidate: Candidate) -> bool:
    """Plain out-of-scope sentences are rivals only; a host's practical question (with its key) may win."""
    return candidate.intent in NEVER_ACCEPTED and not candidate.entities


def _key(candidate: Candidate) -> tuple:
    return candidate.text, candidate.lang, candidate.intent


def _meaning(candidate: Candidate) -> tuple:
    return candidate.intent, tuple(sorted(candidate.entities.items()))


class Understanding:
    def __init__(self, recogniser: WhisperRecogniser, settings: UnderstandingSettings = UnderstandingSettings(),
                 detector: LanguageDetector | None = None, index: PhraseIndex | None = None):
        self.recogniser = recogniser
        self.settings = settings
        self.languages = tuple(recogniser.languages)
        self.detector = detector or LanguageDetector(self.languages)
        self.index = index or PhraseIndex(self.languages)

    def exclude_from_index(self, dev: bool) -> None:
        """Leave the tuning slice out of the open-vocabulary index (benchmarks only)."""
        self.index = PhraseIndex(self.languages, exclude_dev=dev)

    def understand(self, audio: np.ndarray, level_dbfs: float, expectation: Expectation | None,
                   conversation_lang: str | None, encoded=None) -> Utterance | NotHeard:
        s = self.settings
        if level_dbfs < s.too_quiet_dbfs:
            return NotHeard("too_quiet")
        timings: dict[str, float] = {}
        if encoded is None:  # else it was (mostly) done while the endpointer waited for the end of the pause
            encoded = self.recogniser.encode(audio)
        timings["encode_ms"] = encoded.ms
        expectation = expectation or Expectation("open")
        expected = {_key(c) for c in expectation.candidates}
        scored: list[Scored] = []
        if expectation.candidates:
            t1 = time.monotonic()
            scored = self.recogniser.score(encoded, expectation.candidates, good_enough=self._clear_winner)
            timings["score_ms"] = (time.monotonic() - t1) * 1000
            accepted = self._accept(scored, conversation_lang)
            if accepted is not None:
                return self._phrase(accepted[0], accepted[1], scored, [], conversation_lang, expected, timings)
        t2 = time.monotonic()
        transcripts = self._transcripts(encoded, scored, expectation, conversation_lang)
        timings["transcribe_ms"] = (time.monotonic() - t2) * 1000
        said = [t.text for t in transcripts if not t.empty]
        if expectation.kind == "name" and expectation.hotwords and said:
            # Asked for a name, today's names come first: "Clarke" sounds like "klaar" (goodbye).
            named = self._verify_name(encoded, " ".join(said), expectation.hotwords, transcripts[0].lang, timings)
            if named is not None:
                return named
        if said:  # open vocabulary: the example sentences nearest to what the transcripts say
            t3 = time.monotonic()
            asked = nearest(expectation.retrievable, said, limit=2)  # a host's question outranks an NLU example
            skip = frozenset(x.candidate.text for x in scored) | {c.text for c in asked}
            retrieved = asked + [r.candidate for r in self.index.search(said, limit=s.retrieve, skip=skip)]
            if retrieved:
                more = self.recogniser.score(encoded, retrieved)
                scored = sorted(scored + more, key=lambda x: x.score, reverse=True)
            timings["open_score_ms"] = (time.monotonic() - t3) * 1000
            accepted = (self._accept(scored, conversation_lang) or self._agreeing(scored, said)
                        or self._short_answer(scored, transcripts, expected))
            if (accepted is not None and expectation.kind in ANSWERS_ARE_DATA and _key(accepted[0].candidate)
                    not in expected and accepted[0].score < s.strong_score):
                accepted = None  # asked for a name or a code, a sentence found through the transcript must fit very well
            if accepted is not None:
                return self._phrase(accepted[0], accepted[1], scored, transcripts, conversation_lang, expected,
                                    timings)
        best = transcripts[0]
        if not self._says_something(best):
            return NotHeard("no_words")
        votes = self._votes(scored, transcripts, conversation_lang, expected)
        text = digits_spelled_out(best.text, best.lang) if expectation.kind == "booking_code" else best.text
        return Utterance(text=text, lang=self._decided(votes, best.lang, conversation_lang),
                         confidence=round(math.exp(best.avg_logprob), 3),
                         alternatives=tuple((x.candidate.text, round(x.score, 3)) for x in scored[:3]),
                         timings=timings, language_votes=votes, transcript=best.text)

    # ------------------------------------------------------------------ decisions
    def _accept(self, scored: list[Scored], conversation_lang: str | None) -> tuple[Scored, float] | None:
        """The best phrase, if it fits well and clearly better than any phrase meaning something else."""
        s = self.settings
        if not scored:
            return None
        best = self._prefer_conversation_language(scored, scored[0], conversation_lang)
        other = next((x for x in scored if _meaning(x.candidate) != _meaning(best.candidate)), None)
        margin = best.score - other.score if other is not None else 9.0
        if _never_accepted(best.candidate):
            return None
        if best.score >= s.strong_score or (best.score >= s.accept_score and margin >= s.margin):
            return best, round(min(1.0, math.exp(best.score)), 3)
        return None

    @staticmethod
    def _prefer_conversation_language(scored: list[Scored], best: Scored, conversation_lang: str | None) -> Scored:
        """Equally good in both languages ("ok", "hallo"/"hello"): the conversation's."""
        if conversation_lang is None or best.candidate.lang == conversation_lang:
            return best
        twin = next((x for x in scored if _meaning(x.candidate) == _meaning(best.candidate)
                     and x.candidate.lang == conversation_lang), None)
        return twin if twin is not None and best.score - twin.score < 1.0 else best

    def _clear_winner(self, scored: list[Scored]) -> bool:
        """Stop scoring early: one phrase fits very well and everything else scored is far behind."""
        best = max(scored, key=lambda x: x.score)
        others = [x.score for x in scored if _meaning(x.candidate) != _meaning(best.candidate)]
        return best.score >= self.settings.strong_score and len(others) >= 2 and best.score - max(others) >= 1.5

    def _agreeing(self, scored: list[Scored], said: list[str]) -> tuple[Scored, float] | None:
        """A phrase that a transcript also says (in words or in sound), which the audio does not
        contradict: it fits at least as well as anything meaning something else."""
        s = self.settings
        for item in scored:
            if item.score < s.agree_score:
                break
            text, key = item.candidate.text, sound_key(item.candidate.text)
            near = max(max(fuzz.ratio(normalised(text), normalised(t)),
                           fuzz.ratio(key, sound_key(t)) - (92 - s.agree_similarity)) for t in said)
            if near < s.agree_similarity:
                continue
            rival = next((x for x in scored if _meaning(x.candidate) != _meaning(item.candidate)), None)
            if _never_accepted(item.candidate):
                return None
            if rival is None or item.score - rival.score >= s.agree_margin:
                return item, round(min(1.0, math.exp(item.score)), 3)
        return None

    def _short_answer(self, scored: list[Scored], transcripts: list[Transcript],
                      expected: set[tuple]) -> tuple[Scored, float] | None:
        """A one-word answer ("nee", "no", "ja") said alone: the transcripts are one or two words, and
        the word, which the state expects, clearly beats every other meaning once the state's prior
        is counted (in a yes/no state "nee" is far likelier than a retrieved "klaar")."""
        s = self.settings
        if not scored or any(len(t.text.split()) > 2 for t in transcripts):
            return None
        prior = {id(x): s.state_prior if _key(x.candidate) in expected else 0.0 for x in scored}
        ranked = sorted(scored, key=lambda x: x.score + prior[id(x)], reverse=True)
        best = ranked[0]
        if best.candidate.intent not in SHORT_ANSWER_INTENTS or len(best.candidate.text.split()) != 1:
            return None
        rival = next((x for x in ranked if _meaning(x.candidate) != _meaning(best.candidate)), None)
        margin = best.score + prior[id(best)] - (rival.score + prior[id(rival)]) if rival is not None else 9.0
        if best.score >= s.short_answer_score and margin >= s.short_answer_margin:
            return best, round(min(1.0, math.exp(best.score)), 3)
        return None

    def _says_something(self, transcript: Transcript) -> bool:
        """Words, not noise: a transcript that is sure enough of itself (Whisper writes fluent nonsense
        for reversed speech and hall noise, at -1.5 to -2.8 per token)."""
        s = self.settings
        if transcript.empty:
            return False
        if transcript.no_speech_prob > s.max_no_speech_prob and transcript.avg_logprob < -0.8:
            return False
        return transcript.avg_logprob >= s.min_transcript_logprob

    # ------------------------------------------------------------------ transcripts and language
    def _transcripts(self, encoded, scored: list[Scored], expectation: Expectation,
                     conversation_lang: str | None) -> list[Transcript]:
        """The transcript in the conversation's language (the site's first for first words), and in the
        other when it fits poorly, says the other language, or the language is not known yet; the
        other leads only when it is clearly the surer."""
        first = conversation_lang if conversation_lang in self.languages else self.languages[0]
        prompt = ", ".join(expectation.hotwords) if expectation.hotwords else None
        primary = self.recogniser.transcribe(encoded, first, prompt=prompt)
        guess = self.detector.guess(primary.text) if not primary.empty else None
        weak = primary.empty or primary.avg_logprob < self.settings.retry_below_logprob
        foreign = guess is not None and guess.lang not in (None, first) and guess.confidence >= 0.9
        first_words = conversation_lang is None  # the language matters most now: hear both
        if not (weak or foreign or first_words) or len(self.languages) < 2:
            return [primary]
        other = next(lang for lang in self.languages if lang != first)
        secondary = self.recogniser.transcribe(encoded, other, prompt=prompt)
        if secondary.empty:
            return [primary]
        if primary.empty:
            return [secondary, primary]
        # The other language's transcript leads only if it is clearly the surer one (`transcript_lead`).
        return [secondary, primary] if self._surer(primary, secondary) == other else [primary, secondary]

    def _surer(self, a: Transcript, b: Transcript) -> str | None:
        """The language whose transcript is clearly the surer of the two (None: neither clearly)."""
        if a.empty or b.empty:
            return None
        lead, floor = dict(self.settings.transcript_lead), dict(self.settings.transcript_floor)
        for winner, loser in ((a, b), (b, a)):
            if (winner.avg_logprob - loser.avg_logprob >= lead.get(winner.lang, 0.1)
                    and winner.avg_logprob >= floor.get(winner.lang, -9.0)):
                return winner.lang
        return None

    def _votes(self, scored: list[Scored], transcripts: list[Transcript], conversation_lang: str | None,
                expected: set[tuple]) -> dict[str, str | None]:
        """Each source's view of the language (None: no clear opinion):
        - phrases: the best phrase of one language fits clearly better than any of the other;
        - transcript: one language's transcript is clearly the surer (see `transcript_lead`);
        - words: Whisper, told to write the conversation's language, wrote the other one anyway
          ("I need reception." when told Dutch) — or, for first words, the surer transcript's vocabulary."""
        votes: dict[str, str | None] = {"phrases": None, "transcript": None, "words": None}
        # Only the state's phrases, which come in every language alike: sentences retrieved through an
        # (English-leaning) transcript would carry its language into this vote.
        best = self._best_phrase([x for x in scored if _key(x.candidate) in expected])
        if any(_key(x.candidate) in expected for x in scored):
            ranked = sorted(best, key=best.get, reverse=True)
            if len(ranked) == 1 or best[ranked[0]] - best[ranked[1]] >= 0.5:
                votes["phrases"] = ranked[0]
        spoken = {t.lang: t for t in transcripts if not t.empty}
        if len(spoken) == 2:
            votes["transcript"] = self._surer(*spoken.values())
        told = spoken.get(conversation_lang) if conversation_lang else (transcripts[0] if spoken else None)
        if told is not None and not told.empty:
            guess = self.detector.guess(told.text)
            if guess.lang is not None and guess.confidence >= 0.9 and (conversation_lang is None
                                                                      or guess.lang != conversation_lang):
                votes["words"] = guess.lang
        return votes

    @staticmethod
    def _decided(votes: dict[str, str | None], fallback: str, conversation_lang: str | None) -> str:
        """The language the evidence favours (for the utterance; the conversation decides its own)."""
        opinions = [lang for lang in votes.values() if lang]
        if opinions:
            top = max(set(opinions), key=opinions.count)
            if opinions.count(top) > len(opinions) / 2:
                return top
        return conversation_lang or fallback

    def _best_phrase(self, scored: list[Scored]) -> dict[str, float]:
        """The best phrase score per language (-5, a poor fit, where none was scored)."""
        return {lang: max((x.score for x in scored if x.candidate.lang == lang), default=-5.0)
                for lang in self.languages}

    def _phrase(self, best: Scored, confidence: float, scored: list[Scored], transcripts: list[Transcript],
                conversation_lang: str | None, expected: set[tuple], timings: dict) -> Utterance:
        votes = self._votes(scored, transcripts, conversation_lang, expected)
        if votes["phrases"] is None and not any(votes.values()):
            votes["phrases"] = best.candidate.lang if conversation_lang is None else None
        return Utterance(text=best.candidate.text, lang=self._decided(votes, best.candidate.lang, conversation_lang),
                         confidence=confidence, intent=best.candidate.intent, entities=dict(best.candidate.entities),
                         alternatives=tuple((x.candidate.text, round(x.score, 3)) for x in scored[:3]),
                         timings=timings, language_votes=votes,
                         transcript=next((t.text for t in transcripts if not t.empty), ""))

    # ------------------------------------------------------------------ names
    def _verify_name(self, encoded, transcript: str, names: tuple[str, ...], lang: str,
                     timings: dict) -> Utterance | None:
        """Today's names the transcript points at (in words or in sound, whole or in part: "Katar Mia
        Lomak" for Katarzyna Nowak), verified against the audio in the ways a visitor says a name: the
        name, the surname alone, and after "mijn naam is" or "ik ben"."""
        t0 = time.monotonic()
        chosen = _names_pointed_at(transcript, names, self.settings.names_verified)
        if not chosen:
            return None
        surnames = {name: _surname(name) for name in names}
        candidates = [Candidate(name, lang, "inform_name", {"person_name": name}) for name in chosen]
        candidates += [Candidate(surnames[name], lang, "inform_name", {"person_name": surnames[name]})
                       for name in chosen if surnames[name] != name]
        candidates += [Candidate(template.format(name=name), lang, "inform_name", {"person_name": name})
                       for template in _name_phrases(lang) for name in chosen]
        scored = self.recogniser.score(encoded, candidates)
        timings["names_ms"] = (time.monotonic() - t0) * 1000
        best = scored[0] if scored else None
        if best is None:
            return None
        s = self.settings
        said_too = fuzz.partial_ratio(normalised(best.candidate.entities.get("person_name", "")),
                                      normalised(transcript)) >= 90
        runner_up = next((x for x in scored if not _same_person(x.candidate, best.candidate)), None)
        margin = best.score - runner_up.score if runner_up is not None else 9.0
        if margin < 0.25:
            return None  # two names fit about equally: let the dialogue ask
        # Rare names fit Whisper base poorly even when right ("Katarzyna Nowak": -4.2, where the
        # other names score -5.3 and below): a name far ahead of every other person is taken too.
        fits = (best.score >= s.name_accept_score or (said_too and best.score >= s.name_agree_score)
                or (best.score >= s.name_clear_score and margin >= s.name_clear_margin))
        if not fits:
            return None
        return Utterance(text=best.candidate.text, lang=lang, confidence=round(math.exp(best.score), 3),
                         intent="inform_name", entities=dict(best.candidate.entities),
                         alternatives=tuple((x.candidate.text, round(x.score, 3)) for x in scored[:3]),
                         timings=timings, language_votes={}, transcript=transcript)


def _names_pointed_at(transcript: str, names: tuple[str, ...], limit: int, floor: float = 55.0) -> list[str]:
    """The few of today's names nearest to what the transcript says: the whole name in words, or any of
    its words (four letters or more) in sound ("Lomak" ~ "Nowak", "Mefouzid" ~ "Bouzid")."""
    transcript = normalised(transcript)
    said = [sound_key(word) for word in transcript.split() if len(word) >= 3]
    near: list[tuple[float, str]] = []
    for name in names:
        similarity = fuzz.token_set_ratio(transcript, normalised(name))
        for word in normalised(name).split():
            if len(word) >= 4 and said:
                similarity = max(similarity, max(fuzz.ratio(sound_key(word), key) for key in said))
        if similarity >= floor:
            near.append((similarity, name))
    return [name for _, name in sorted(near, key=lambda x: -x[0])[:limit]]


def _name_phrases(lang: str) -> tuple[str, ...]:
    """How visitors say their name in this language ("mijn naam is {name}"), from locales/<lang>/language.yml."""
    pack = language_pack(lang)
    return pack.name_phrases if pack is not None else ()


def _surname(name: str) -> str:
    """'Anouk van der Berg' -> 'van der Berg', 'Jan de Vries' -> 'de Vries', 'Emily Clarke' -> 'Clarke'."""
    words = name.split()
    if len(words) < 2:
        return name
    particles = {"van", "de", "der", "den", "het", "ten", "ter", "te", "el", "al", "la", "le", "von", "di", "da", "du", "'t"}
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in particles:
        start -= 1
    return " ".join(words[start:])


def _same_person(a: Candidate, b: Candidate) -> bool:
    x, y = a.entities.get("person_name", ""), b.entities.get("person_name", "")
    return x == y or x.endswith(" " + y) or y.endswith(" " + x)
