"""NLU accuracy: k-fold cross-validation of the Rasa NLU pipeline, per language, with a baseline.

The pipeline (dialogue/config.yml) is trained on both languages together, as in production;
each fold's held-out examples are scored per language. The held-out test split
(dialogue/tests/nlu_test_<lang>.yml) is scored with a model trained on all training data, and a
keyword-matching baseline is scored on exactly the same examples.
"""
from __future__ import annotations

import asyncio
import json
import math
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from dialogue.training import DIALOGUE_DIR, rasa_env

LANGUAGES = ("nl", "en")
WORD = re.compile(r"\w+", re.UNICODE)


def _examples(path: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def load_split() -> tuple[dict[str, list], dict[str, list]]:
    train = {lang: _examples(DIALOGUE_DIR / "data" / "nlu" / f"{lang}.yml") for lang in LANGUAGES}
    test = {lang: _examples(DIALOGUE_DIR / "tests" / f"nlu_test_{lang}.yml") for lang in LANGUAGES}
    return train, test


def _write_nlu(examples: list[tuple[str, str]], path: Path) -> None:
    """Examples (plain text, entities dropped) as Rasa YAML, plus the shared synonyms/regexes."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in examples:
        by_intent[intent].append(text)
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in sorted(by_intent.items()):
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines += [f"    - {json.dumps(t, ensure_ascii=False)[1:-1]}" for t in texts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _quiet_rasa() -> None:
    import logging
    import os

    os.environ.update({k: v for k, v in rasa_env().items() if k.startswith(("RASA_", "TF_"))})
    os.environ["LOG_LEVEL"] = "WARNING"
    for name in ("rasa", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        import structlog

        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    except Exception:  # noqa: BLE001 - only cosmetics
        pass


def _train_and_parse(train: list[tuple[str, str]], tests: list[str], workdir: Path) -> list[tuple[str | None, str | None]]:
    import os

    _quiet_rasa()
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    config = os.environ.get("ELVIE_NLU_CONFIG", str(DIALOGUE_DIR / "config.yml"))

    data_dir = workdir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    _write_nlu(train, data_dir / "nlu.yml")
    synonyms = DIALOGUE_DIR / "data" / "nlu" / "synonyms.yml"
    if synonyms.exists():
        (data_dir / "synonyms.yml").write_text(synonyms.read_text(encoding="utf-8"), encoding="utf-8")
    model = train_nlu(config, str(data_dir), str(workdir / "models"),
                      fixed_model_name="fold")
    return _parse_all(Agent.load(model), tests)


def _parse_all(agent, tests: list[str]) -> list[tuple[str | None, str | None]]:
    """(intent after the fallback threshold, the classifier's own top intent) for each text."""
    async def parse_all():
        results = []
        for text in tests:
            parsed = await agent.parse_message(text)
            ranking = [r.get("name") for r in parsed.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
            results.append(((parsed.get("intent") or {}).get("name"), ranking[0] if ranking else None))
        return results

    return asyncio.run(parse_all())


def _parse_with_production_model(tests: list[str]) -> list[tuple[str | None, str | None]]:
    """The held-out split through the model Elvie runs with (trained on all training data)."""
    _quiet_rasa()
    from rasa.core.agent import Agent

    from dialogue.training import ensure_model

    return _parse_all(Agent.load(str(ensure_model())), tests)


def f1_scores(truth: list[str], predicted: list[str | None]) -> tuple[float, dict[str, float]]:
    """Support-weighted F1 over intents, and F1 per intent (a prediction of nlu_fallback counts as wrong)."""
    per: dict[str, float] = {}
    support = Counter(truth)
    for intent in support:
        tp = sum(1 for t, p in zip(truth, predicted) if t == intent and p == intent)
        fp = sum(1 for t, p in zip(truth, predicted) if t != intent and p == intent)
        fn = sum(1 for t, p in zip(truth, predicted) if t == intent and p != intent)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per[intent] = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
    total = sum(support.values())
    weighted = sum(per[i] * n for i, n in support.items()) / total if total else 0.0
    return round(weighted, 4), per


class KeywordBaseline:
    """Picks the intent whose training words best cover the text (idf-weighted)."""

    def __init__(self, examples: list[tuple[str, str]]):
        self.words: dict[str, Counter] = defaultdict(Counter)
        document_frequency: Counter = Counter()
        for text, intent in examples:
            tokens = set(WORD.findall(text.lower()))
            self.words[intent].update(tokens)
            document_frequency.update(tokens)
        total = len(examples)
        self.idf = {w: math.log(total / (1 + n)) + 1 for w, n in document_frequency.items()}
        self.sizes = {intent: sum(c.values()) for intent, c in self.words.items()}

    def predict(self, text: str) -> str | None:
        tokens = WORD.findall(text.lower())
        scores = {intent: sum(self.idf.get(t, 0) * counts[t] / self.sizes[intent] for t in tokens)
                  for intent, counts in self.words.items()}
        best = max(scores, key=scores.get) if scores else None
        return best if best and scores[best] > 0 else None


def _folds(examples: list[tuple[str, str, str]], k: int, seed: int = 13) -> list[list[int]]:
    """Stratified by (language, intent)."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (_, intent, lang) in enumerate(examples):
        groups[(lang, intent)].append(i)
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for indexes in groups.values():
        rng.shuffle(indexes)
        for j, index in enumerate(indexes):
            folds[j % k].append(index)
    return folds


def run(quick: bool = False) -> dict:
    train, test = load_split()
    labelled = [(text, intent, lang) for lang in LANGUAGES for text, intent in train[lang]]
    k = 2 if quick else 3
    folds = _folds(labelled, k)
    truth: dict[str, list[str]] = defaultdict(list)
    predicted: dict[str, list[str | None]] = defaultdict(list)
    classified: dict[str, list[str | None]] = defaultdict(list)  # the classifier's own top intent
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for n, held_out in enumerate(folds):
            held = set(held_out)
            fold_train = [(t, i) for j, (t, i, _) in enumerate(labelled) if j not in held]
            fold_test = [labelled[j] for j in held_out]
            parsed = _train_and_parse(fold_train, [t for t, _, _ in fold_test], Path(tmp) / f"fold{n}")
            for (text, intent, lang), (guess, top) in zip(fold_test, parsed):
                if DETAILS and top != intent:
                    print(f"MISS {lang} {intent} -> {top}: {text!r}", file=sys.stderr)
                truth[lang].append(intent)
                predicted[lang].append(guess)
                classified[lang].append(top)
        cv_seconds = time.monotonic() - started
        all_train = [(t, i) for t, i, _ in labelled]
        test_texts = [(t, i, lang) for lang in LANGUAGES for t, i in test[lang]]
        parsed_test = _parse_with_production_model([t for t, _, _ in test_texts])
    baseline = KeywordBaseline(all_train)
    result: dict = {"nlu_cross_validation_folds": k, "nlu_cross_validation_s": round(cv_seconds, 1)}
    for lang in LANGUAGES:
        overall, per_intent = f1_scores(truth[lang], classified[lang])
        result[f"nlu_intent_f1_{lang}"] = overall
        result[f"nlu_intent_f1_per_intent_{lang}"] = per_intent
        result[f"nlu_intent_f1_with_fallback_{lang}"] = f1_scores(truth[lang], predicted[lang])[0]
        rows = [(t, i, p) for (t, i, l), (p, _) in zip(test_texts, parsed_test) if l == lang]
        test_f1, _ = f1_scores([i for _, i, _ in rows], [p for _, _, p in rows])
        base_f1, _ = f1_scores([i for _, i, _ in rows], [baseline.predict(t) for t, _, _ in rows])
        result[f"nlu_test_split_intent_f1_{lang}"] = test_f1
        result[f"nlu_keyword_baseline_test_split_f1_{lang}"] = base_f1
        result[f"nlu_test_split_examples_{lang}"] = len(rows)
    return result


DETAILS = "--details" in sys.argv

if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
