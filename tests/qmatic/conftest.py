from __future__ import annotations

import pytest

from integrations.qmatic.client import QmaticClient
from integrations.qmatic.config import QmaticConfig
from integrations.qmatic.emulator.server import EmulatorAuth, EmulatorServer


@pytest.fixture
def emulator():
    server = EmulatorServer(auth=EmulatorAuth(tokens=("gateway-token",))).start()
    try:
        yield server
    finally:
        server.stop()


def make_client(emulator, clock=None, **overrides) -> QmaticClient:
    settings = {"base_url": emulator.url, "branch_id": 1, "auth": "basic", "username": "elvie", "password": "elvie",
                "timeout_s": 0.5, "get_retries": 2, "retry_backoff_s": 0.05}
    settings.update(overrides)
    return QmaticClient(QmaticConfig.from_mapping(settings), clock=clock)


@pytest.fixture
def client(emulator):
    client = make_client(emulator)
    try:
        yield client
    finally:
        client.close()


def fault(emulator, operation: str, **spec) -> None:
    from integrations.qmatic.emulator.faults import parse_fault

    with emulator.state.lock:
        emulator.state.faults[operation] = parse_fault(spec)
