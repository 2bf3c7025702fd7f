"""The content half of `elvie check` (robot/commands/check.py): the host-editable content and the
dialogue's use of it."""
from __future__ import annotations

from pathlib import Path

from core.paths import DIALOGUE_DIR
from dialogue.consistency import dialogue_problems

from .language_pack import content_languages
from .loader import ContentInvalid, content_root, load_content
from .model import Content
from .yamlsource import Problem


def content_problems(root: Path | None = None) -> tuple[Content | None, list[Problem | str]]:
    """The content (None when it does not load) and every problem found in it."""
    root = root or content_root()
    nlu = _nlu_problems(content_languages(root))
    try:
        content = load_content(root)
    except ContentInvalid as exc:
        return None, list(exc.problems) + nlu
    return content, list(dialogue_problems(content)) + nlu


def _nlu_problems(languages: tuple[str, ...]) -> list[Problem]:
    """Every language Elvie speaks needs the dialogue's NLU examples, or Rasa cannot understand it."""
    return [Problem(f"dialogue/data/nlu/{lang}.yml", 1, f"missing: the NLU examples of '{lang}' (locales/{lang}/ "
                    "exists); copy another language's file, translate it and run `make train`")
            for lang in languages if not (DIALOGUE_DIR / "data" / "nlu" / f"{lang}.yml").exists()]


def summary(content: Content) -> str:
    return (f"Content OK: {len(content.languages)} languages ({', '.join(content.languages)}), "
            f"{len(content.responses[content.languages[0]])} responses, {len(content.services)} services, "
            f"{len(content.documents)} documents, {len(content.locations.others)} other location(s).")
