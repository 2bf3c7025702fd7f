"""Hosts' edits reach a running Elvie within 2 seconds; broken edits never do."""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from dialogue import nlg
from dialogue.content.store import ContentStore

LOCALES = Path(__file__).resolve().parents[2] / "locales"


@pytest.fixture
def store(tmp_path):
    root = tmp_path / "locales"
    shutil.copytree(LOCALES, root)
    store = ContentStore(root, poll_s=0.2)
    try:
        yield store
    finally:
        store.close()


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_valid_change_is_used_within_two_seconds(store):
    changed = threading.Event()
    store.watch(lambda content, problems: changed.set() if content else None)
    rewrite(store.root / "nl" / "responses.yml", "Graag gedaan!", "Heel graag gedaan!")
    started = time.monotonic()
    assert changed.wait(2.0)
    assert time.monotonic() - started < 2.0
    texts = store.current.response("utter_thank", "nl").texts
    assert "Heel graag gedaan!" in texts


def test_an_invalid_change_keeps_the_last_good_content(store):
    before = store.current.version
    rewrite(store.root / "services.yml", "document: pasfoto", "document: pasfotto")
    deadline = time.monotonic() + 2
    while not store.problems and time.monotonic() < deadline:
        store.current
        time.sleep(0.05)
    assert store.current.version == before
    assert any("pasfotto" in str(p) and "did you mean 'pasfoto'" in str(p) for p in store.problems)
    rendered = nlg.render(store.current, "utter_thank", {"lang": "nl"})
    assert rendered is not None and rendered.text  # Elvie keeps talking


def test_garbage_and_deleted_files_do_not_crash(store):
    (store.root / "handover.yml").write_bytes(b"\xff\xfe\x00garbage")
    store.refresh()
    assert store.problems and "UTF-8" in str(store.problems[0])
    (store.root / "handover.yml").unlink()
    store.refresh()
    assert any("file not found" in str(p) for p in store.problems)
    assert store.current.handover.attempts_before_host == 3
