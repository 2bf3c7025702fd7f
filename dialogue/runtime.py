"""What the action server shares between turns: content (hot reloaded), the Qmatic client, the branch
clock (the branch's time zone from the Qmatic configuration; ELVIE_CLOCK sets it for tests) and today's
appointments, briefly cached. A test gives its own clock and Qmatic (dialogue/ports.py):
`Runtime(clock=..., qmatic=...)`, and passes the runtime to the actions it runs."""
from __future__ import annotations

import logging
import os
import threading
import time
from functools import cached_property

from dialogue.content.store import ContentStore
from dialogue.ports import Clock, Qmatic

log = logging.getLogger(__name__)

APPOINTMENTS_TTL_S = 15.0  # today's list is fetched at most this often (Qmatic's own clients poll every 15 s)


class AppointmentCache:
    """Today's appointments per set of branches, for APPOINTMENTS_TTL_S (shared by concurrent actions)."""

    def __init__(self, ttl_s: float = APPOINTMENTS_TTL_S):
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, list]] = {}

    def get(self, key: str) -> list | None:
        with self._lock:
            entry = self._entries.get(key)
        return entry[1] if entry and time.monotonic() - entry[0] < self.ttl_s else None

    def put(self, key: str, appointments: list) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), appointments)

    def age(self) -> float | None:
        """Seconds since the list was fetched (None: not cached)."""
        with self._lock:
            entries = list(self._entries.values())
        return time.monotonic() - entries[0][0] if entries else None

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()


class Runtime:
    def __init__(self, store: ContentStore | None = None, clock: Clock | None = None,
                 qmatic: Qmatic | None = None) -> None:
        self.store = store or ContentStore()
        self.appointments = AppointmentCache()
        self._lock = threading.Lock()
        if clock is not None:
            self.__dict__["clock"] = clock
        self._qmatic = qmatic  # one port for every branch (a test's fake); else a client per branch

    @property
    def content(self):
        return self.store.current

    @cached_property
    def qmatic_config(self):
        from integrations.qmatic.config import QmaticConfig

        path = os.environ.get("ELVIE_QMATIC_CONFIG")
        if path:
            return QmaticConfig.from_yaml(path)
        return QmaticConfig.from_mapping({
            "base_url": os.environ.get("ELVIE_QMATIC_BASE_URL", "http://127.0.0.1:8702"),
            "auth": "basic",
            "username": os.environ.get("ELVIE_QMATIC_USER", "elvie"),
            "password": os.environ.get("ELVIE_QMATIC_PASSWORD", "elvie"),
            "branch_id": self.content.locations.here_qmatic_branch_id,
        })

    def qmatic_for(self, branch: int | None):
        """The Qmatic client for `branch` (a fleet's robots stand at several branches; one client each,
        sharing the configuration's server and credentials)."""
        if self._qmatic is not None:
            return self._qmatic
        if branch is None or branch == self.qmatic_config.branch_id:
            return self.qmatic
        from dataclasses import replace

        from integrations.qmatic.client import QmaticClient

        with self._lock:
            clients = self.__dict__.setdefault("_branch_clients", {})
            if branch not in clients:
                clients[branch] = QmaticClient(replace(self.qmatic_config, branch_id=branch), clock=self.clock.now)
            return clients[branch]

    @cached_property
    def clock(self) -> Clock:
        from dialogue.clock import BranchClock

        return BranchClock.from_env(self.qmatic_config.timezone)

    @cached_property
    def qmatic(self) -> Qmatic:
        from integrations.qmatic.client import QmaticClient

        return QmaticClient(self.qmatic_config, clock=self.clock.now)


_runtime: Runtime | None = None
_lock = threading.Lock()


def runtime() -> Runtime:
    global _runtime
    with _lock:
        if _runtime is None:
            _runtime = Runtime()
        return _runtime
