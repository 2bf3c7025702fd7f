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
    problems: list[Problem | str] = []
    content = None
    try:
        content = load_content(root)
    except ContentInvalid as exc:
        problems += exc.problems
    if content is not None:
        from dialogue.consistency import dialogue_problems
        problems += dialogue_problems(content)
    problems += _settings_problems()
    problems += _fleet_problems(tuple(content.languages) if content is not None else ("nl", "en"))
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s) found. Elvie keeps using the last good version until they are fixed.")
        return 1
    print(f"Content OK: {len(content.languages)} languages ({', '.join(content.languages)}), "
          f"{len(content.responses[content.languages[0]])} responses, {len(content.services)} services, "
          f"{len(content.documents)} documents, {len(content.locations.others)} other location(s).")
    return 0


def _settings_problems() -> list[str]:
    """Settings are not content, but `elvie check` is where one looks before going live: a broken setting
    is a problem (`elvie run` would refuse it), an exposed listener without a credential a warning."""
    from robot.config import ConfigError, load_settings
    from robot.exposure import exposure_warnings

    try:
        settings = load_settings()
    except ConfigError as exc:
        return [f"settings: {exc}"]
    for warning in exposure_warnings(settings):
        print(f"WARNING: {warning}")
    return []


def _fleet_problems(languages: tuple[str, ...]) -> list:
    """The fleet file (robot/fleet/config.py), when this deployment serves several robots."""
    from robot.fleet.config import FleetInvalid, fleet_path, load_fleet

    path = fleet_path()
    if not path.exists():
        return []
    try:
        fleet = load_fleet(path, languages)
    except FleetInvalid as exc:
        return list(exc.problems)
    print(f"Fleet OK: {len(fleet.robots)} robot(s) in {path}.")
    return []
