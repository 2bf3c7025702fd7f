"""`elvie check`: validate the host-editable content and the dialogue's use of it."""
from __future__ import annotations

import argparse
from pathlib import Path

from .loader import ContentInvalid, content_root, load_content
from .yamlsource import Problem


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=None, help="content folder (default: locales/)")


def main(args: argparse.Namespace) -> int:
    root = args.content or content_root()
    problems: list[Problem] = []
    content = None
    try:
        content = load_content(root)
    except ContentInvalid as exc:
        problems += exc.problems
    if content is not None:
        from dialogue.consistency import dialogue_problems
        problems += dialogue_problems(content)
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s) found. Elvie keeps using the last good version until they are fixed.")
        return 1
    print(f"Content OK: {len(content.languages)} languages ({', '.join(content.languages)}), "
          f"{len(content.responses[content.languages[0]])} responses, {len(content.services)} services, "
          f"{len(content.documents)} documents, {len(content.locations.others)} other location(s).")
    return 0
