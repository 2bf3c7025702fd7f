"""The one reader of the dialogue's NLU example sentences, for everything outside Rasa that needs them.

Speech (expected phrases, open-vocabulary candidates), language identification and the benchmarks
read `dialogue/data/nlu/<lang>.yml` (training) and `dialogue/tests/nlu_test_<lang>.yml` (the held-out
split) through here. Entity markup is resolved: `[Jan de Vries](person_name)` and
`[paspoort]{"entity": "document", "value": "passport"}` give the plain text and the entities.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from core.paths import DIALOGUE_DIR

TRAINING_DIR = DIALOGUE_DIR / "data" / "nlu"
TEST_DIR = DIALOGUE_DIR / "tests"
MARKUP = re.compile(r"\[([^\]]*)\](\(([^)]*)\)|(\{[^}]*\}))")


@dataclass(frozen=True)
class Example:
    text: str  # what the visitor says, markup removed
    lang: str
    intent: str
    entities: tuple[tuple[str, str], ...] = field(default=())  # (entity, value) in order

    def entity(self, name: str) -> str | None:
        return next((value for entity, value in self.entities if entity == name), None)


def parse_line(line: str, lang: str, intent: str) -> Example:
    """One example line ('mijn naam is [Jan](person_name)') as plain text and entities."""
    entities: list[tuple[str, str]] = []

    def plain(match: re.Match) -> str:
        said = match.group(1)
        if match.group(3) is not None:  # (entity) or (entity:value)
            name, _, value = match.group(3).partition(":")
            entities.append((name.strip(), value.strip() or said))
        else:
            try:
                spec = json.loads(match.group(4))
                entities.append((str(spec.get("entity")), str(spec.get("value", said))))
            except (ValueError, AttributeError):
                pass
        return said

    text = MARKUP.sub(plain, line)
    return Example(" ".join(text.split()), lang, intent, tuple(entities))


def read_file(path: Path, lang: str) -> tuple[Example, ...]:
    if not path.exists():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples: list[Example] = []
    for block in data.get("nlu") or []:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append(parse_line(line[2:].strip(), lang, str(block["intent"])))
    return tuple(examples)


@lru_cache(maxsize=8)
def training(lang: str) -> tuple[Example, ...]:
    """The examples Rasa is trained on."""
    return read_file(TRAINING_DIR / f"{lang}.yml", lang)


@lru_cache(maxsize=8)
def held_out(lang: str) -> tuple[Example, ...]:
    """The held-out test split: never trained on, never used to build what speech expects."""
    return read_file(TEST_DIR / f"nlu_test_{lang}.yml", lang)


def normalised(text: str) -> str:
    """Lowercase words only: how two phrasings are compared."""
    return " ".join("".join(ch for ch in text.lower() if ch.isalnum() or ch in " '").split())
