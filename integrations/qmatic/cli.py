"""`elvie qmatic-emulator`: the Qmatic Orchestra emulator as a standalone HTTP server."""
from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys

from aiohttp import web

from core.lifecycle import stop_requested


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8702)
    parser.add_argument("--fixtures", help="YAML fixture (default: integrations/qmatic/fixtures/default.yml)")
    parser.add_argument("--user", default="elvie", help="Basic auth user (default elvie)")
    parser.add_argument("--password", default=os.environ.get("ELVIE_QMATIC_EMULATOR_PASSWORD", "elvie"),
                        help="Basic auth password (default elvie; or ELVIE_QMATIC_EMULATOR_PASSWORD)")
    parser.add_argument("--auth-token", action="append", default=[], help="accept this auth-token (API Gateway style)")
    parser.add_argument("--time-format", default=os.environ.get("ELVIE_QMATIC_TIME_FORMAT", "naive"),
                        choices=("naive", "utc", "offset"),
                        help="how times are written: naive branch-local (Orchestra connectors), utc "
                             "(2023-10-23T06:45:00.000+0000) or offset (+01:00); default naive, or "
                             "ELVIE_QMATIC_TIME_FORMAT")
    parser.add_argument("--numeric-status", action="store_true",
                        default=os.environ.get("ELVIE_QMATIC_NUMERIC_STATUS", "") not in ("", "0", "false"),
                        help="the calendar answers statuses as numbers (20 = booked), as its public API does "
                             "(or ELVIE_QMATIC_NUMERIC_STATUS=1)")
    parser.add_argument("--admin-token", default=os.environ.get("ELVIE_QMATIC_ADMIN_TOKEN"),
                        help="token for /admin/ (default: ELVIE_QMATIC_ADMIN_TOKEN, or a new one, printed)")


def main(args: argparse.Namespace) -> int:
    from core.logs import setup_logging

    from .emulator.fixtures import FixtureError, load_fixture
    from .emulator.server import EmulatorAuth, create_app
    from .emulator.state import EmulatorState
    from .emulator.fixtures import seed

    from .times import clock_from_env

    setup_logging("qmatic-emulator", to_console=False)
    try:
        fixture = load_fixture(args.fixtures)
        state = EmulatorState()
        state.set_format(args.time_format, args.numeric_status)
        state.clock = clock_from_env()
        seed(state, fixture)
    except (FixtureError, ValueError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    token = args.admin_token or secrets.token_hex(12)
    if not args.admin_token:
        print(f"Admin token: {token}", flush=True)
    app = create_app(state, EmulatorAuth(args.user, args.password, tuple(args.auth_token)), token, fixture)
    try:
        return asyncio.run(_serve(app, args.host, args.port))
    except OSError as exc:
        print(f"ERROR: port {args.port} on {args.host} is not available for the Qmatic emulator: {exc.strerror}",
              file=sys.stderr)
        return 2


async def _serve(app: web.Application, host: str, port: int) -> int:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    stop = stop_requested()
    print(f"Qmatic emulator ready on http://{host}:{runner.addresses[0][1]}", flush=True)
    await stop.wait()
    await runner.cleanup()
    return 0
