"""Reading a YAML mapping for the Qmatic integration, with file:line in every error."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_mapping(path: Path, what: str, error: type[Exception]) -> dict[str, Any]:
    """The YAML mapping in `path`; `error` (with file:line) if it cannot be read or is not a mapping."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML: "
                    f"{getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise error(f"{path}:1: the {what} should be a set of 'name: value' entries")
    return data
