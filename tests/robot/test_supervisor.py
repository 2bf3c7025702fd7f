"""The supervisor: clear port errors, restarts what dies, stops everything it started."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys

import pytest

from robot.supervisor import ChildSpec, PortInUse, Supervisor, free_port, port_open


def http_child(port: int) -> ChildSpec:
    return ChildSpec("test server", [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"], port,
                     ready_path="/", ready_timeout_s=15)


def test_a_taken_port_is_named_in_the_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse, match=f"port {port} .* the test server cannot start"):
            Supervisor().check_ports([http_child(port)])


def test_a_child_that_dies_is_restarted_and_everything_stops():
    async def scenario():
        supervisor = Supervisor()
        port = free_port()
        try:
            child = await supervisor.start(http_child(port))
            supervisor.watch()
            os.kill(child.process.pid, signal.SIGKILL)
            for _ in range(60):
                await asyncio.sleep(0.25)
                current = supervisor.children["test server"]
                if current.restarts == 1 and port_open("127.0.0.1", port):
                    break
            assert supervisor.children["test server"].restarts == 1
            assert port_open("127.0.0.1", port)
        finally:
            await supervisor.stop_all()
        assert not port_open("127.0.0.1", port)
    asyncio.run(scenario())


def test_a_child_that_fails_to_start_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("ELVIE_LOG_DIR", str(tmp_path))
    spec = ChildSpec("broken server", [sys.executable, "-c", "import sys; print('no such model'); sys.exit(3)"],
                     free_port(), ready_timeout_s=10)

    async def scenario():
        from robot.supervisor import ChildFailed
        with pytest.raises(ChildFailed, match="(?s)stopped during start-up .*exit 3.*no such model"):
            await Supervisor().start(spec)
    asyncio.run(scenario())


def test_free_ports_are_never_ones_the_kernel_hands_out():
    """A chosen port outside the ephemeral range cannot be taken by an outgoing connection before the child binds it."""
    from robot.supervisor import ephemeral_ports

    ephemeral = ephemeral_ports()
    ports = {free_port() for _ in range(50)}
    assert not ports & set(ephemeral)
    assert len(ports) > 40  # random, so two children started together do not get the same one
    with socket.socket() as kernel_choice:
        kernel_choice.bind(("127.0.0.1", 0))
        assert kernel_choice.getsockname()[1] in ephemeral
