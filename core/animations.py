"""Pepper's stock animations (data: pepper_animations.txt, with its sources)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

STOCK_LIST = Path(__file__).resolve().parent / "pepper_animations.txt"


@lru_cache(maxsize=1)
def stock_animations() -> frozenset[str]:
    lines = STOCK_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_stock_animation(name: str) -> bool:
    return name in stock_animations()
