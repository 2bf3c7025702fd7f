"""The engine's HTTP server: the tablet app, its state stream and its touches.

  GET  /tablet/                    the tablet app (shown on Pepper's tablet and in the simulator)
  GET  /api/tablet/state?after=V   the current view (long-polls until newer than V)
  GET  /api/tablet/events          the same as server-sent events
  POST /api/tablet/touch           {"button": "...", "value": "..."}: a tap (add ?wait=1 for the turn result)
  GET  /api/health                 engine, robot and dialogue status (no personal data)
  POST /api/control/text           {"text": "..."} as if recognised (needs the control token)

Binds to 127.0.0.1 unless the tablet is explicitly exposed to the robot's network.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from pathlib import Path

from aiohttp import web

from .engine import Engine
from .inputs import TextInput, TouchInput

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parents[1] / "tablet" / "static"
MAX_BODY = 16 * 1024


def _labels(engine: Engine, lang: str) -> dict[str, str]:
    content = engine.content.current
    return dict(content.tablet.get(lang) or content.tablet[content.languages[0]])


def _view(engine: Engine) -> dict:
    view = engine.tablet.as_dict(_labels(engine, engine.tablet.view.lang))
    content = engine.content.current
    view["services"] = [{"key": s.key, "name": s.name(engine.tablet.view.lang), "area": s.area}
                        for s in content.services.values() if s.walk_in]
    view["problems"] = len(engine.content.problems)
    return view


def create_app(engine: Engine, control_token: str | None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_security_headers])

    async def tablet_index(_request):
        return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-store"})

    async def state(request: web.Request):
        try:
            after = int(request.query.get("after", "-1"))
        except ValueError:
            after = -1
        if after >= 0:
            await engine.tablet.changed_after(after, timeout=20.0)
        return web.json_response(_view(engine), headers={"Cache-Control": "no-store"})

    async def events(request: web.Request):
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                               "X-Accel-Buffering": "no"})
        await response.prepare(request)
        version = -1
        try:
            while True:
                view = await engine.tablet.changed_after(version, timeout=15.0)
                if view.version == version:
                    await response.write(b": keep-alive\n\n")
                    continue
                version = view.version
                await response.write(f"data: {json.dumps(_view(engine))}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return response

    async def touch(request: web.Request):
        body = await _json_body(request)
        button = body.get("button")
        if not isinstance(button, str) or not button:
            raise web.HTTPBadRequest(text="a touch needs a 'button'")
        value = body.get("value")
        future = engine.submit(TouchInput(button=button, value=None if value is None else str(value)))
        if request.query.get("wait"):
            result = await future
            return web.json_response(result.to_json())
        return web.json_response({"accepted": True}, status=202)

    async def health(_request):
        status = {"status": "ok", "robot": engine.robot_connected, "content_version": engine.content.current.version,
                  "content_problems": [str(p) for p in engine.content.problems]}
        return web.json_response(status)

    async def control_text(request: web.Request):
        _require_token(request, control_token)
        body = await _json_body(request)
        text = body.get("text")
        if not isinstance(text, str):
            raise web.HTTPBadRequest(text="'text' is required")
        result = await engine.submit(TextInput(text=text, source="typed", lang=body.get("lang")))
        return web.json_response(result.to_json())

    app.router.add_get("/", lambda r: web.HTTPFound("/tablet/"))
    app.router.add_get("/tablet/", tablet_index)
    app.router.add_static("/tablet/static/", STATIC_DIR, show_index=False)
    app.router.add_get("/api/tablet/state", state)
    app.router.add_get("/api/tablet/events", events)
    app.router.add_post("/api/tablet/touch", touch)
    app.router.add_get("/api/health", health)
    app.router.add_post("/api/control/text", control_text)
    return app


async def _json_body(request: web.Request) -> dict:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        raise web.HTTPBadRequest(text="the body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="the body must be a JSON object")
    return body


def _require_token(request: web.Request, token: str | None) -> None:
    given = request.headers.get("X-Elvie-Token", "")
    if not token or not hmac.compare_digest(given, token):
        raise web.HTTPUnauthorized(text="control endpoints need the X-Elvie-Token header")


@web.middleware
async def _security_headers(request: web.Request, handler):
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "frame-ancestors *")
    return response
