"""Content test helpers: a host's copy of locales/ to edit, and the problems loading it reports."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dialogue.content.loader import ContentInvalid, load_content

LOCALES = Path(__file__).resolve().parents[2] / "locales"


@pytest.fixture
def locales(tmp_path):
    target = tmp_path / "locales"
    shutil.copytree(LOCALES, target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` (once) and return the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentInvalid) as info:
        load_content(root)
    return [str(p) for p in info.value.problems]
