"""The NLU training data is rich enough and clean: counts, a separate test split, known entity values."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

DIALOGUE = Path(__file__).resolve().parents[2] / "dialogue"
INTENTS = ("greet", "goodbye", "thank", "affirm", "deny", "check_in", "no_appointment", "inform_name", "werkacademie",
           "request_human", "switch_language", "missing_document", "bot_challenge", "out_of_scope",
           "inform_booking_code", "inform_time", "servicecentrum", "inform_service", "repeat")
FREE_ENTITIES = ("person_name", "time", "booking_code")


def load(path: Path):
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(path))


@pytest.fixture(scope="module")
def canonical():
    from dialogue.content.loader import load_content

    from dialogue.actions.checkin import DOCUMENT_ALIASES

    content = load_content()
    return {"service": set(content.services), "document": set(content.documents) | set(DOCUMENT_ALIASES),
            "language": set(content.languages)}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_enough_varied_examples_per_intent(lang):
    data = load(DIALOGUE / "data" / "nlu" / f"{lang}.yml")
    counts = Counter(m.get("intent") for m in data.intent_examples)
    for intent in INTENTS:
        assert counts[intent] >= 40, f"{lang}: only {counts[intent]} examples for {intent}"
    texts = [m.get("text") for m in data.intent_examples]
    assert len(texts) == len(set(texts)), "duplicated examples"
    lowercase = [t for t in texts if t == t.lower() and not any(c in t for c in ".,!?")]
    assert len(lowercase) > len(texts) / 2, "speech-like (lowercase, unpunctuated) examples should dominate"


def test_no_example_has_two_intents():
    seen: dict[str, str] = {}
    for lang in ("nl", "en"):
        for message in load(DIALOGUE / "data" / "nlu" / f"{lang}.yml").intent_examples:
            key = message.get("text").lower()
            assert seen.setdefault(key, message.get("intent")) == message.get("intent"), key


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_test_split_is_separate_and_covers_every_intent(lang):
    train = {m.get("text").lower() for m in load(DIALOGUE / "data" / "nlu" / f"{lang}.yml").intent_examples}
    test = load(DIALOGUE / "tests" / f"nlu_test_{lang}.yml").intent_examples
    assert not train & {m.get("text").lower() for m in test}
    counts = Counter(m.get("intent") for m in test)
    assert all(counts[intent] >= 10 for intent in INTENTS), counts


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_entity_values_are_known(lang, canonical):
    for path in (DIALOGUE / "data" / "nlu" / f"{lang}.yml", DIALOGUE / "tests" / f"nlu_test_{lang}.yml"):
        for message in load(path).intent_examples:
            for entity in message.get("entities") or []:
                name, value = entity["entity"], entity["value"]
                assert name in FREE_ENTITIES or value in canonical[name], f"{path.name}: {name}={value}"


def test_every_intent_in_the_domain_has_a_rule():
    domain = yaml.safe_load((DIALOGUE / "domain.yml").read_text(encoding="utf-8"))
    rules = yaml.safe_load((DIALOGUE / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    general = {r["steps"][0]["intent"] for r in rules if "condition" not in r}
    assert set(domain["intents"]) - {"choose_candidate"} <= general | {"choose_candidate"}
    assert "nlu_fallback" in general
