"""The content half of `elvie check` (robot/commands/check.py): the host-editable content and the
dialogue's use of it."""
from __future__ import annotations

from pathlib import Path

from dialogue.consistency import dialogue_problems

from .loader import ContentInvalid, content_root, load_content
from .model import Content
from .yamlsource import Problem


def content_problems(root: Path | None = None) -> tuple[Content | None, list[Problem | str]]:
    """The content (None when it does not load) and every problem found in it."""
    try:
        content = load_content(root or content_root())
    except ContentInvalid as exc:
        return None, list(exc.problems)
    return content, list(dialogue_problems(content))


def summary(content: Content) -> str:
    return (f"Content OK: {len(content.languages)} languages ({', '.join(content.languages)}), "
            f"{len(content.responses[content.languages[0]])} responses, {len(content.services)} services, "
            f"{len(content.documents)} documents, {len(content.locations.others)} other location(s).")
