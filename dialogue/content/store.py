"""Hot reload: the current content, picked up from disk when hosts edit it.

`ContentStore.current` always returns valid content. When files change, the store reloads
them (at most every `poll_s` seconds); if the new version is invalid it keeps the last good
content and remembers the problems in `.problems`, so the engine and the simulator UI can
report them. Nothing a host writes can crash Elvie.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

from .loader import ContentInvalid, content_files, content_root, load_content
from .model import Content
from .yamlsource import Problem

log = logging.getLogger(__name__)


class ContentStore:
    def __init__(self, root: Path | None = None, poll_s: float = 0.5):
        self.root = Path(root or content_root())
        self.poll_s = poll_s
        self._lock = threading.Lock()
        self._content = load_content(self.root)  # the first load must be valid: fail fast at start-up
        self._stamp = self._fingerprint()
        self._checked = time.monotonic()
        self.problems: tuple[Problem, ...] = ()
        self._listeners: list[Callable[[Content | None, tuple[Problem, ...]], None]] = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def _fingerprint(self) -> tuple:
        stamp = []
        for path in content_files(self.root):
            try:
                st = path.stat()
                stamp.append((str(path), st.st_mtime_ns, st.st_size))
            except OSError:
                stamp.append((str(path), None, None))
        return tuple(stamp)

    @property
    def current(self) -> Content:
        if time.monotonic() - self._checked >= self.poll_s:
            self.refresh()
        return self._content

    def refresh(self) -> bool:
        """Reload if files changed. Returns True when new content was taken into use."""
        with self._lock:
            self._checked = time.monotonic()
            try:
                stamp = self._fingerprint()
            except OSError:
                return False
            if stamp == self._stamp:
                return False
            self._stamp = stamp
            try:
                content = load_content(self.root)
            except ContentInvalid as exc:
                self.problems = tuple(exc.problems)
                log.error("content change rejected, keeping the last good version:\n%s", exc)
                changed, new = False, None
            except Exception as exc:  # noqa: BLE001 - a host's edit must never crash Elvie
                self.problems = (Problem(str(self.root), 1, f"could not read content: {exc}"),)
                log.exception("content change could not be read, keeping the last good version")
                changed, new = False, None
            else:
                self._content, self.problems = content, ()
                log.info("content reloaded (version %s)", content.version)
                changed, new = True, content
        for listener in list(self._listeners):
            try:
                listener(new, self.problems)
            except Exception:  # noqa: BLE001
                log.exception("content listener failed")
        return changed

    def watch(self, listener: Callable[[Content | None, tuple[Problem, ...]], None]) -> None:
        """Call listener(new_content_or_None, problems) after every reload attempt; polls in a thread."""
        self._listeners.append(listener)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="content-watch", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_s):
            self.refresh()

    def close(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)
