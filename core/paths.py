"""Where things are in the repository: one definition each (settings and ELVIE_* variables may point elsewhere)."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DIALOGUE_DIR = REPO_ROOT / "dialogue"  # the Rasa project
CONTENT_DIR = REPO_ROOT / "locales"  # what hosts edit


def content_root() -> Path:
    """The host-editable content (ELVIE_CONTENT_DIR, default locales/)."""
    return Path(os.environ.get("ELVIE_CONTENT_DIR", CONTENT_DIR))


def models_root() -> Path:
    """Speech models and the trained Rasa model (ELVIE_MODELS_DIR, default models/)."""
    return Path(os.environ.get("ELVIE_MODELS_DIR", REPO_ROOT / "models"))
