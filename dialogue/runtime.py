"""What the action server shares between turns: content (hot reloaded), the Qmatic client and the
branch clock (the branch's time zone from the Qmatic configuration; ELVIE_CLOCK sets it for tests)."""
from __future__ import annotations

import logging
import os
import threading
from functools import cached_property

from dialogue.content.store import ContentStore

log = logging.getLogger(__name__)


class Runtime:
    def __init__(self) -> None:
        self.store = ContentStore()
        self._lock = threading.Lock()

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
    def clock(self):
        from dialogue.clock import BranchClock

        return BranchClock.from_env(self.qmatic_config.timezone)

    @cached_property
    def qmatic(self):
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
