"""`elvie check`: everything a host or operator should look at before going live, with file:line errors:
the content (dialogue/content/check.py), the settings (and listeners exposed without a credential), and
the fleet file when this deployment serves several robots."""
from __future__ import annotations

import argparse
from pathlib import Path

from dialogue.content.check import content_problems, summary
from dialogue.content.language_pack import content_languages
from dialogue.content.yamlsource import Problem

from ..config import ConfigError, load_settings
from ..exposure import exposure_warnings
from ..fleet.config import FleetInvalid, fleet_path, load_fleet


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=None, help="content folder (default: locales/)")


def main(args: argparse.Namespace) -> int:
    content, problems = content_problems(args.content)
    problems += _settings_problems()
    problems += _fleet_problems(tuple(content.languages) if content is not None else content_languages())
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s) found. Elvie keeps using the last good version until they are fixed.")
        return 1
    print(summary(content))
    return 0


def _settings_problems() -> list[Problem | str]:
    """Settings are not content, but `elvie check` is where one looks before going live: a broken setting
    is a problem (`elvie run` would refuse it), an exposed listener without a credential a warning."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        return [f"settings: {exc}"]
    for warning in exposure_warnings(settings):
        print(f"WARNING: {warning}")
    return []


def _fleet_problems(languages: tuple[str, ...]) -> list[Problem | str]:
    """The fleet file (robot/fleet/config.py), when this deployment serves several robots."""
    path = fleet_path()
    if not path.exists():
        return []
    try:
        fleet = load_fleet(path, languages)
    except FleetInvalid as exc:
        return list(exc.problems)
    print(f"Fleet OK: {len(fleet.robots)} robot(s) in {path}.")
    return []
