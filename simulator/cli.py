"""`elvie simulator`: start the virtual Pepper and its desktop UI; print the qi URL and UI URL."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys

from aiohttp import web

from core.lifecycle import stop_requested
from core.logs import setup_logging
from core.network import is_loopback

from .robot import SimulatorSettings, VirtualPepper
from .web import create_app


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--qi-port", type=int, default=9559, help="qi port (NAOqi's usual 9559)")
    parser.add_argument("--ui-port", type=int, default=8701, help="desktop web UI port")
    parser.add_argument("--time-scale", type=float, default=1.0, help="speaking time factor (small: fast tests)")
    parser.add_argument("--speak", action="store_true", help="speak aloud with espeak-ng")
    parser.add_argument("--echo", action="store_true", help="Elvie's own voice reaches the microphone")
    parser.add_argument("--naoqi29-user", default=None,
                        help="NAOqi 2.9 mode: listen on tcps and require this user; the password is read from "
                             "ELVIE_SIMULATOR_PASSWORD (never from the command line)")
    parser.add_argument("--qmatic-url", default=os.environ.get("ELVIE_QMATIC_EMULATOR_URL"))
    parser.add_argument("--qmatic-admin-token", default=os.environ.get("ELVIE_QMATIC_ADMIN_TOKEN"))


def main(args: argparse.Namespace) -> int:
    setup_logging("simulator", to_console=False)
    args.ui_key = os.environ.get("ELVIE_SIMULATOR_UI_KEY") or None
    if not is_loopback(args.host) and not args.ui_key:
        print(f"ERROR: the desktop UI shows what visitors say; to expose it on {args.host}, set its key in "
              "ELVIE_SIMULATOR_UI_KEY (open the UI as /?key=<key>), or keep --host 127.0.0.1", file=sys.stderr)
        return 2
    password = os.environ.get("ELVIE_SIMULATOR_PASSWORD") if args.naoqi29_user else None
    if args.naoqi29_user and not password:
        print("ERROR: --naoqi29-user needs the password in ELVIE_SIMULATOR_PASSWORD", file=sys.stderr)
        return 2
    settings = SimulatorSettings(host=args.host, port=args.qi_port, time_scale=args.time_scale,
                                 speak_aloud=args.speak, echo=args.echo, user=args.naoqi29_user, password=password)
    robot = VirtualPepper(settings)
    try:
        robot.start()
    except OSError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_serve(robot, args))
    except OSError as exc:
        print(f"ERROR: port {args.ui_port} on {args.host} is not available for the simulator UI: {exc}",
              file=sys.stderr)
        return 2
    finally:
        robot.stop()


async def _serve(robot: VirtualPepper, args) -> int:
    app = create_app(robot, args.qmatic_url, args.qmatic_admin_token, ui_key=getattr(args, "ui_key", None))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.ui_port)
    await site.start()
    port = runner.addresses[0][1]
    stop = stop_requested()
    print(f"Virtual Pepper ready: qi {robot.url}", flush=True)
    print(f"Simulator UI: http://{args.host}:{port}/", flush=True)
    await stop.wait()
    await runner.cleanup()
    return 0
