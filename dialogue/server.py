"""`elvie actions`: the dialogue-side server — Rasa custom actions plus the NLG endpoint.

One Sanic app (rasa_sdk's) serves /webhook (actions), /nlg (responses from locales/) and
/health. Both halves read host-editable content through one hot-reloading ContentStore.
"""
from __future__ import annotations

import argparse
import logging
import os
import socket
import sys

from core.logs import setup_logging
from core.turn import BotMessage

log = logging.getLogger(__name__)


def create_app():
    from rasa_sdk.endpoint import create_app as create_action_app
    from sanic import response

    from dialogue import nlg
    from dialogue.runtime import runtime

    app = create_action_app("dialogue.actions", cors_origins=None)

    @app.post("/nlg")
    async def render_response(request):
        body = request.json or {}
        key = body.get("response") or body.get("template")
        try:
            rendered = nlg.render(runtime().content, key, body.get("arguments") or {}, body.get("tracker") or {})
        except Exception:  # noqa: BLE001 - never fail a turn because of wording
            log.exception("rendering '%s' failed", key)
            rendered = None
        return response.json((rendered or BotMessage(text="", lang="", response=key)).to_rasa())

    return app


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("ELVIE_ACTIONS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ELVIE_ACTIONS_PORT", "5055")))


def main(args: argparse.Namespace) -> int:
    setup_logging("actions", to_console=True)
    with socket.socket() as probe:
        try:
            probe.bind((args.host, args.port))
        except OSError:
            print(f"ERROR: port {args.port} on {args.host} is already in use (action server); "
                  "stop the other program or choose another port", file=sys.stderr)
            return 2
    from dialogue.runtime import runtime
    runtime()  # load content and Qmatic settings now: a broken configuration fails at start-up
    app = create_app()
    print(f"Action server ready on http://{args.host}:{args.port}", flush=True)
    app.run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)
    return 0
