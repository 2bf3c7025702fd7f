"""Which of Elvie's listeners the network can reach, and which of those nobody guards.

Everything listens on 127.0.0.1 by default. `host` moves the simulator UI, the Qmatic emulator,
Rasa and the action server (with the NLG endpoint) elsewhere, `expose_tablet` the engine, and a
real Pepper needs the engine's qi callback (the microphone) reachable. `elvie check` and
`elvie run` print these warnings; docs/security.md explains each listener.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from core.network import is_loopback

from .config import StackSettings


@dataclass(frozen=True)
class Listener:
    name: str
    address: str  # the address it binds to
    port: int
    credential: str | None  # what a client must hold; None: nothing
    fix: str  # how to take it off the network


def listeners(settings: StackSettings) -> list[Listener]:
    host, keep_local = settings.host, "leave `host` at 127.0.0.1 (the default)"
    result = [Listener("engine (tablet app and API)", settings.engine_bind, settings.engine_port,
                       "the tablet key" + (" and the client allow-list" if settings.tablet_allow else ""),
                       "set expose_tablet: false")]
    if not settings.robot_url:
        # Exposed, the simulator refuses to start without its key (simulator/cli.py).
        ui_key = "its key (ELVIE_SIMULATOR_UI_KEY)" if os.environ.get("ELVIE_SIMULATOR_UI_KEY") else None
        result.append(Listener("simulator desktop UI", host, settings.simulator_ui_port, ui_key, keep_local))
    if not settings.qmatic_config:
        result.append(Listener("Qmatic emulator", host, settings.qmatic_port, None, keep_local))
    result.append(Listener("Rasa server", host, settings.rasa_port, None, keep_local))
    result.append(Listener("action server (with the NLG endpoint)", host, settings.actions_port, None, keep_local))
    if settings.robot_url:
        callback = _robot_callback_address(settings)
        result.append(Listener("engine's qi callback (robot microphone)", callback, 0, None,
                               "set robot_listen_url to tcp://<this machine's address on the robot's network>:0 "
                               "and let the firewall admit only the robot (docs/security.md)"))
    return result


def _robot_callback_address(settings: StackSettings) -> str:
    """The address the engine's qi session listens on for the robot's calls (see robot/naoqi/connection.py)."""
    from robot.naoqi.connection import RobotSettings

    url = RobotSettings(url=settings.robot_url, listen_url=settings.robot_listen_url).callback_url
    return url.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]")


def exposure_warnings(settings: StackSettings) -> list[str]:
    """One line per listener that the network can reach without a credential, and tablet set-up mistakes."""
    warnings = []
    for listener in listeners(settings):
        if is_loopback(listener.address) or listener.credential is not None:
            continue
        where = listener.address or "every interface"
        port = f" port {listener.port}" if listener.port else ""
        warnings.append(f"the {listener.name} listens on {where}{port} with no credential: anyone on that network "
                        f"can use it. To keep it local, {listener.fix}.")
    if settings.expose_tablet and is_loopback(settings.tablet_host):
        warnings.append(f"expose_tablet is on but tablet_host is {settings.tablet_host}: the robot's tablet cannot "
                        "reach a loopback address. Set tablet_host to this machine's address as the robot sees it.")
    if settings.expose_tablet and not settings.tablet_allow and not is_loopback(settings.engine_bind):
        warnings.append(f"the tablet API on {settings.engine_bind} port {settings.engine_port} takes any client that "
                        "holds the key; set tablet_allow to the robot's address to refuse every other one.")
    return warnings
