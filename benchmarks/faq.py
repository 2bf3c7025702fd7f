"""Practical questions (locales/faq.yml): how often the matcher answers the right question.

Figures, per language:
- `faq_examples_accuracy_<lang>`: the hosts' own example phrasings (each must find its question);
- `faq_heldout_accuracy_<lang>`: held-out paraphrases (benchmarks/data/faq_heldout.yml, >= 3 per question and
  language; the matcher never sees that file), counting a wrong answer and no answer as misses;
- `faq_heldout_wrong_answers_<lang>`: held-out paraphrases answered with another question's answer;
- `faq_false_answers_<lang>`: sentences that are no practical question (appointments, names, other topics) that
  still got an answer — must be 0;
- `faq_match_p50_us`: time to match one sentence;
- `faq_host_question_live_s`: from saving a new question in a copy of locales/ to the running content store
  answering it (the store polls every 0.5 s, as in production).
Run alone: `python -m benchmarks.faq`.
"""
from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import yaml

HELDOUT = Path(__file__).resolve().parent / "data" / "faq_heldout.yml"
ROOT = Path(__file__).resolve().parents[1]


def _accuracy(index, cases: list[tuple[str, str, str]]) -> tuple[dict, list]:
    per_lang: dict[str, list[int]] = {}
    wrong: dict[str, int] = {}
    misses = []
    for key, lang, sentence in cases:
        found = index.match(sentence, lang)
        got = found.key if found else None
        per_lang.setdefault(lang, []).append(int(got == key))
        if got is not None and got != key:
            wrong[lang] = wrong.get(lang, 0) + 1
        if got != key:
            misses.append((lang, sentence, key, got))
    figures = {lang: round(sum(hits) / len(hits), 3) for lang, hits in per_lang.items()}
    return {"accuracy": figures, "wrong": wrong, "counts": {lang: len(h) for lang, h in per_lang.items()}}, misses


def _host_question_live_s() -> float:
    from dialogue.content.store import ContentStore
    from dialogue.faq import index_for

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "locales"
        shutil.copytree(ROOT / "locales", root)
        store = ContentStore(root, poll_s=0.5)
        try:
            with open(root / "faq.yml", "a", encoding="utf-8") as faq:
                faq.write("\n  coffee:\n    phrasings:\n      nl: [waar kan ik koffie halen, is er een koffieautomaat]\n"
                          "      en: [where can i get coffee, is there a coffee machine]\n    answer:\n"
                          "      nl: Naast de wachtruimte.\n      en: Next to the waiting area.\n")
            saved = time.monotonic()
            while time.monotonic() - saved < 10:
                found = index_for(store.current.faq).match("waar kan ik koffie halen", "nl")
                if found and found.key == "coffee":
                    return round(time.monotonic() - saved, 3)
                time.sleep(0.02)
            return float("inf")
        finally:
            store.close()


def run(quick: bool = False) -> dict:
    from dialogue.content.loader import load_content
    from dialogue.faq import FaqIndex

    content = load_content(ROOT / "locales")
    index = FaqIndex(content.faq)
    examples = [(entry.key, lang, phrasing) for entry in content.faq.values()
                for lang, phrasings in entry.phrasings.items() for phrasing in phrasings]
    heldout_data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    heldout = [(key, lang, sentence) for key, langs in heldout_data.items() if key != "none"
               for lang, sentences in langs.items() for sentence in sentences]
    unknown = set(heldout_data) - set(content.faq) - {"none"}
    if unknown:
        raise ValueError(f"{HELDOUT}: questions not in locales/faq.yml: {sorted(unknown)}")
    on_examples, _ = _accuracy(index, examples)
    on_heldout, misses = _accuracy(index, heldout)
    figures: dict[str, object] = {}
    for lang in content.languages:
        figures[f"faq_examples_accuracy_{lang}"] = on_examples["accuracy"].get(lang)
        figures[f"faq_heldout_accuracy_{lang}"] = on_heldout["accuracy"].get(lang)
        figures[f"faq_heldout_wrong_answers_{lang}"] = on_heldout["wrong"].get(lang, 0)
        figures[f"faq_heldout_paraphrases_{lang}"] = on_heldout["counts"].get(lang, 0)
        none = heldout_data.get("none", {}).get(lang, [])
        figures[f"faq_false_answers_{lang}"] = sum(1 for s in none if index.match(s, lang))
        figures[f"faq_non_questions_{lang}"] = len(none)
    figures["faq_questions"] = len(content.faq)
    figures["faq_heldout_misses"] = [f"{lang}: '{s}' ({key} -> {got or 'no answer'})" for lang, s, key, got in misses]
    sentences = [s for _, _, s in heldout] * (1 if quick else 5)
    timings = []
    for sentence in sentences:
        started = time.perf_counter()
        index.match(sentence, "nl")
        timings.append((time.perf_counter() - started) * 1e6)
    figures["faq_match_p50_us"] = round(statistics.median(timings), 1)
    figures["faq_host_question_live_s"] = _host_question_live_s()
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
