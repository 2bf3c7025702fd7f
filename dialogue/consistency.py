"""Does the dialogue only use responses that exist in the content?

Every `utter_*` the domain lists or the actions' code names must exist in every language of
locales/, otherwise Elvie would fall silent mid-conversation. Checked by `elvie check`.
"""
from __future__ import annotations

import re

import yaml

from core.paths import DIALOGUE_DIR, REPO_ROOT
from dialogue.content.model import Content
from dialogue.content.yamlsource import Problem

UTTER = re.compile(r"""["'](utter_[a-z0-9_]+)["']""")
CODE_DIRS = (DIALOGUE_DIR / "actions", REPO_ROOT / "robot" / "engine")


def used_responses() -> dict[str, tuple[str, int]]:
    """Response names the dialogue can produce -> (file, line) where one use is."""
    used: dict[str, tuple[str, int]] = {}
    domain_path = DIALOGUE_DIR / "domain.yml"
    domain_lines = domain_path.read_text(encoding="utf-8").splitlines()
    for action in (yaml.safe_load("\n".join(domain_lines)) or {}).get("actions", []):
        if isinstance(action, str) and action.startswith("utter_"):
            line = next((i for i, text in enumerate(domain_lines, 1) if action in text), 1)
            used.setdefault(action, (str(domain_path.relative_to(REPO_ROOT)), line))
    for directory in CODE_DIRS:
        for path in sorted(directory.rglob("*.py")):
            for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for name in UTTER.findall(text):
                    used.setdefault(name, (str(path.relative_to(REPO_ROOT)), number))
    return used


def dialogue_problems(content: Content) -> list[Problem]:
    problems = []
    for name, (file, line) in sorted(used_responses().items()):
        for lang in content.languages:
            if name not in content.responses.get(lang, {}):
                problems.append(Problem(file, line, f"the dialogue uses response '{name}', which "
                                        f"locales/{lang}/responses.yml does not have"))
    return problems
