"""From a stretch of speech to what the visitor meant, and in which language.

Speech-to-intent in the manner of grammar-based engines (Picovoice Rhino): the phrases Elvie
expects in this dialogue state are scored against the audio; the best one is accepted only if it
fits well *and* clearly better than phrases meaning something else, so noise is never forced onto
a "yes". Otherwise the free transcript goes to the dialogue (which has its own NLU). Names are
special: the transcript (prompted with today's names) picks a few likely names, which are then
verified against the audio.

Language: the best Dutch and English phrase scores and the transcript's fit to each language's
vocabulary, with the conversation's language as the prior — Whisper's own detector is not used: it
is wrong on most Dutch it hears here.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from robot.language import LanguageDetector

from .types import Candidate, Expectation, NotHeard, Utterance
from .whisper_engine import Scored, WhisperRecogniser

NAME_TEMPLATES = {"nl": ("mijn naam is {name}",), "en": ("my name is {name}",)}


@dataclass(frozen=True)
class UnderstandingSettings:
    accept_score: float = -2.3  # mean token log-probability an expected phrase needs
    strong_score: float = -0.8  # so good that no margin is needed
    margin: float = 0.5  # how much better than the best phrase with another meaning
    agree_score: float = -3.5  # a phrase the free transcript also says needs only this
    name_accept_score: float = -2.0
    too_quiet_dbfs: float = -48.0  # voiced audio quieter than this: "I can't hear you"
    min_transcript_logprob: float = -1.4  # weaker transcripts are treated as "no words"
    max_no_speech_prob: float = 0.6


def _plain(text: str) -> str:
    return " ".join("".join(ch for ch in text.lower() if ch.isalnum() or ch in " '").split())


def _meaning(candidate: Candidate) -> tuple:
    return candidate.intent, tuple(sorted(candidate.entities.items()))


class Understanding:
    def __init__(self, recogniser: WhisperRecogniser, settings: UnderstandingSettings = UnderstandingSettings(),
                 detector: LanguageDetector | None = None):
        self.recogniser = recogniser
        self.settings = settings
        self.detector = detector or LanguageDetector(recogniser.languages)

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
        scored: list[Scored] = []
        if expectation.candidates:
            t1 = time.monotonic()
            scored = self.recogniser.score(encoded, expectation.candidates, good_enough=self._clear_winner)
            timings["score_ms"] = (time.monotonic() - t1) * 1000
            accepted = self._accept(scored, conversation_lang)
            if accepted is not None:
                best, confidence = accepted
                return Utterance(text=best.candidate.text, lang=best.candidate.lang, confidence=confidence,
                                 intent=best.candidate.intent, entities=dict(best.candidate.entities),
                                 alternatives=tuple((x.candidate.text, round(x.score, 3)) for x in scored[:3]),
                                 timings=timings)
        lang = self._language(scored, None, conversation_lang)
        t2 = time.monotonic()
        prompt = ", ".join(expectation.hotwords) if expectation.hotwords else None
        transcript = self.recogniser.transcribe(encoded, lang, prompt=prompt)
        if conversation_lang is None and (transcript.empty or transcript.avg_logprob < s.min_transcript_logprob):
            # First words, and they make no sense in the language we guessed: try the other one.
            # Whisper is more sure of itself in English whatever it hears, so the phrases' fit counts too.
            other = next(l for l in self.recogniser.languages if l != lang)
            retry = self.recogniser.transcribe(encoded, other, prompt=prompt)
            best = self._best_phrase(scored)
            if not retry.empty and (2.0 * best[other] + retry.avg_logprob >
                                    2.0 * best[lang] + (-10.0 if transcript.empty else transcript.avg_logprob)):
                lang, transcript = other, retry
        timings["transcribe_ms"] = (time.monotonic() - t2) * 1000
        agreed = self._agreeing(scored, transcript.text)
        if agreed is not None:
            return Utterance(text=agreed.candidate.text, lang=agreed.candidate.lang,
                             confidence=round(min(1.0, math.exp(agreed.score)), 3), intent=agreed.candidate.intent,
                             entities=dict(agreed.candidate.entities),
                             alternatives=((transcript.text, round(transcript.avg_logprob, 3)),), timings=timings)
        if transcript.empty or transcript.avg_logprob < s.min_transcript_logprob or (
                transcript.no_speech_prob > s.max_no_speech_prob and transcript.avg_logprob < -0.8):
            return NotHeard("no_words")
        if conversation_lang is None:  # first words: let the transcript's vocabulary have its say
            better = self._language(scored, transcript.text, conversation_lang)
            if better != lang:
                lang = better
                transcript = self.recogniser.transcribe(encoded, lang, prompt=prompt)
                if transcript.empty:
                    return NotHeard("no_words")
        if expectation.kind == "name" and expectation.hotwords:
            named = self._verify_name(encoded, transcript.text, expectation.hotwords, lang, timings)
            if named is not None:
                return named
        return Utterance(text=transcript.text, lang=lang, confidence=round(math.exp(transcript.avg_logprob), 3),
                         alternatives=tuple((x.candidate.text, round(x.score, 3)) for x in scored[:3]),
                         timings=timings)

    def _accept(self, scored: list[Scored], conversation_lang: str | None) -> tuple[Scored, float] | None:
        s = self.settings
        if not scored:
            return None
        best = scored[0]
        if conversation_lang is not None:  # equally good in both languages: keep the conversation's
            twin = next((x for x in scored if _meaning(x.candidate) == _meaning(best.candidate)
                         and x.candidate.lang == conversation_lang), None)
            if twin is not None and best.score - twin.score < 1.0:
                best = twin
        other = next((x for x in scored if _meaning(x.candidate) != _meaning(best.candidate)), None)
        margin = best.score - other.score if other is not None else 9.0
        if best.score >= s.strong_score or (best.score >= s.accept_score and margin >= s.margin):
            return best, round(min(1.0, math.exp(best.score)), 3)
        return None

    def _clear_winner(self, scored: list[Scored]) -> bool:
        """Stop scoring early: one phrase fits very well and everything else scored is far behind."""
        best = max(scored, key=lambda x: x.score)
        others = [x.score for x in scored if _meaning(x.candidate) != _meaning(best.candidate)]
        return best.score >= self.settings.strong_score and len(others) >= 2 and best.score - max(others) >= 1.5

    def _agreeing(self, scored: list[Scored], transcript: str) -> Scored | None:
        """An expected phrase that the free transcript also says (and the audio does not contradict)."""
        said = _plain(transcript)
        if not said:
            return None
        for item in scored:
            if item.score >= self.settings.agree_score and fuzz.ratio(_plain(item.candidate.text), said) >= 88:
                return item
        return None

    def _language(self, scored: list[Scored], text: str | None, conversation_lang: str | None) -> str:
        """The phrases' fit per language, then the transcript's vocabulary; the first language (the
        site's) when there is no evidence. Whisper's own detector is left out: on the benchmark it
        leaned to English for Dutch and English alike (p(nl) < 0.1 for most Dutch clips) and, used with
        weight 0.5, caused 8 of 15 first-turn mistakes (see robot/speech/README.md)."""
        best = self._best_phrase(scored)
        if conversation_lang in best:
            # People keep to their language: only phrases that clearly fit the other language switch it.
            other = max((l for l in best if l != conversation_lang), key=best.get)
            return other if best[other] - best[conversation_lang] > 1.0 else conversation_lang
        evidence = {lang: 2.0 * score for lang, score in best.items()}
        if text:
            for lang, value in self.detector.scores(text).items():
                evidence[lang] += 0.5 * value
        return max(evidence, key=evidence.get)

    def _best_phrase(self, scored: list[Scored]) -> dict[str, float]:
        """The best phrase score per language (-5, a poor fit, where none was scored)."""
        return {lang: max((x.score for x in scored if x.candidate.lang == lang), default=-5.0)
                for lang in self.recogniser.languages}

    def _verify_name(self, encoded, transcript: str, names: tuple[str, ...], lang: str,
                     timings: dict) -> Utterance | None:
        t0 = time.monotonic()
        likely = process.extract(transcript, list(names), scorer=fuzz.token_set_ratio, limit=3, score_cutoff=45)
        if not likely:
            return None
        candidates = [Candidate(template.format(name=name), template_lang, "inform_name", {"person_name": name})
                      for name, _, _ in likely
                      for template_lang in (lang,) + tuple(l for l in NAME_TEMPLATES if l != lang)
                      for template in NAME_TEMPLATES[template_lang][:1]]
        candidates += [Candidate(name, lang, "inform_name", {"person_name": name}) for name, _, _ in likely]
        scored = self.recogniser.score(encoded, candidates)
        timings["names_ms"] = (time.monotonic() - t0) * 1000
        best = scored[0] if scored else None
        if best is not None and best.candidate.lang != lang:  # keep the conversation's language if it fits too
            twin = next((x for x in scored if x.candidate.lang == lang
                         and x.candidate.entities == best.candidate.entities), None)
            if twin is not None and best.score - twin.score < 1.0:
                best = twin
        if best is None or best.score < self.settings.name_accept_score:
            return None
        runner_up = next((x for x in scored if x.candidate.entities != best.candidate.entities), None)
        if runner_up is not None and best.score - runner_up.score < 0.25:
            return None  # two names fit about equally: let the dialogue ask
        return Utterance(text=best.candidate.text, lang=best.candidate.lang, confidence=round(math.exp(best.score), 3),
                         intent="inform_name", entities=dict(best.candidate.entities),
                         alternatives=tuple((x.candidate.text, round(x.score, 3)) for x in scored[:3]),
                         timings=timings)
