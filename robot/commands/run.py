"""`elvie run`: start everything on embedded defaults and print the URL to open.

Starts the Qmatic emulator, the action server (with the NLG endpoint), the Rasa server and
the virtual Pepper as supervised child processes, then the engine in this process, connected
to the robot over qi. Ctrl-C (or SIGTERM) stops everything; a crash takes the children along,
and the next start reclaims any that an earlier run left (robot/orphans.py). SIGHUP gives the
tablet a new key (`systemctl reload elvie`): the old one is refused at once.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from robot.config import ConfigError, load_settings
from core.lifecycle import stop_requested
from core.logs import log_dir, setup_logging
from robot.supervisor import ChildFailed, PortInUse, Supervisor, port_free

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--robot", help="a real Pepper, e.g. tcp://192.168.1.20:9559 (default: the virtual Pepper)")
    parser.add_argument("--no-speech", action="store_true", help="do not listen to the microphone")
    parser.add_argument("--speak", action="store_true", help="the virtual Pepper speaks aloud (espeak-ng)")


def main(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(robot_url=args.robot, speech=False if args.no_speech else None,
                                 speak_aloud=True if args.speak else None)
    except ConfigError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    setup_logging("engine", to_console=False)
    try:
        return asyncio.run(_run(settings))
    except (PortInUse, ChildFailed, ConfigError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2


async def _run(settings) -> int:
    from robot.app import make_ear, start_engine
    from robot.exposure import exposure_warnings
    from robot.stack import bring_up

    if not port_free(settings.engine_bind, settings.engine_port):
        raise PortInUse(settings.engine_port, "engine (tablet app)", settings.engine_bind)
    supervisor = Supervisor()
    running = None
    # The speech models load while the child processes start (Rasa's ~25 s dominate).
    ear = asyncio.ensure_future(asyncio.to_thread(make_ear, settings))
    loaded_ear = None
    try:
        stack = await bring_up(settings, supervisor, reuse=False)

        def dialogue_down() -> None:
            asyncio.ensure_future(_check_dialogue(supervisor, running))

        loaded_ear = await ear  # from here on the engine owns it (and closes it, also when it fails to start)
        running = await start_engine(settings, stack, on_dialogue_down=dialogue_down, ear=loaded_ear)
        supervisor.watch()
        stop = stop_requested()
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, running.access.rotate)
        for warning in exposure_warnings(settings):
            log.warning("%s", warning)
            print(f"WARNING: {warning}", flush=True)
        print("", flush=True)
        print("Elvie is running.", flush=True)
        if stack.simulator_ui:
            print(f"  Open {stack.simulator_ui}/  (the virtual Pepper: tablet, robot, sensors, microphone and text "
                  "input, Qmatic panel, conversation log)", flush=True)
        # Without its key: this output may end up in a journal. The robot's tablet is given the full URL.
        print(f"  Tablet app: {running.tablet_base_url} (needs this start's key: the robot's tablet is given the "
              "full link, and the virtual Pepper's desktop UI shows it)", flush=True)
        print(f"  Robot: {stack.robot}   Logs: {log_dir()}/   Stop with Ctrl-C", flush=True)
        await stop.wait()
        print("\nStopping Elvie ...", flush=True)
    finally:
        if running is not None:
            await running.close()
        elif loaded_ear is None:
            _close_unused(ear)
        await supervisor.stop_all()
    return 0


def _close_unused(ear_loading: asyncio.Future) -> None:
    """The speech pipeline loaded, but start-up failed before the engine took it over."""
    if ear_loading.done() and not ear_loading.cancelled() and ear_loading.exception() is None and ear_loading.result():
        ear_loading.result().close()


async def _check_dialogue(supervisor: Supervisor, running) -> None:
    """The engine could not reach Rasa: restart it if its process lives but no longer answers.

    A process that died is restarted by the supervisor's own watch.
    """
    if running is None or await running.engine.dialogue.healthy():
        return
    child = supervisor.children.get("Rasa server")
    if child is not None and child.process.poll() is None:
        await supervisor.restart("Rasa server", reason="does not answer")
