"""The engine's HTTP server: the tablet app, its state stream and its touches.

  GET  /tablet/?key=S              the tablet app (shown on Pepper's tablet and in the simulator)
  GET  /api/tablet/state?after=V   the current view (long-polls until newer than V)
  GET  /api/tablet/events          the same as server-sent events (closed when the secret is rotated)
  POST /api/tablet/touch           {"button": "...", "value": "..."}: a tap (add ?wait=1 for the turn result)
  GET  /api/health                 "ok"; with the secret also robot, content and dialogue status
  POST /api/control/text           {"text": "..."} as if recognised (needs the control token)
  POST /api/control/rotate-tablet-key   a new tablet secret, shown on the robot (needs the control token)

Every /api/tablet/ endpoint needs this start's secret (`?key=` or the X-Elvie-Tablet-Key header,
see robot/tablet/access.py) and, when an allow-list is configured, an allowed client address;
otherwise 401 / 403 and no visitor data. Binds to 127.0.0.1 unless the tablet is explicitly
exposed to the robot's network. Errors are short plain text: never a traceback, never the secret.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from pathlib import Path

from aiohttp import web

from robot.tablet.access import KEY_HEADER, KEY_PARAM, TabletAccess, TouchRateLimit

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


class TabletApi:
    """The tablet app's API (its state as events, taps) for the robot's tablet only, and the operator's
    control endpoints behind their token."""

    def __init__(self, engine: Engine, control_token: str | None, access: TabletAccess, touch_limit: TouchRateLimit):
        self.engine = engine
        self.control_token = control_token
        self.access = access
        self.touch_limit = touch_limit

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/", lambda r: web.HTTPFound("/tablet/"))
        app.router.add_get("/tablet/", self.tablet_index)
        app.router.add_static("/tablet/static/", STATIC_DIR, show_index=False)
        app.router.add_get("/api/tablet/state", self.state)
        app.router.add_get("/api/tablet/events", self.events)
        app.router.add_post("/api/tablet/touch", self.touch)
        app.router.add_get("/api/health", self.health)
        app.router.add_post("/api/control/text", self.control_text)
        app.router.add_post("/api/control/rotate-tablet-key", self.control_rotate)

    def require_tablet(self, request: web.Request) -> None:
        if not self.access.permits_client(request.remote):
            raise web.HTTPForbidden(text="this address may not use the tablet API")
        if not self.access.accepts(_given_key(request)):
            raise web.HTTPUnauthorized(text="the tablet API needs the key from the tablet's URL")

    async def tablet_index(self, _request):
        return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-store"})

    async def state(self, request: web.Request):
        self.require_tablet(request)
        try:
            after = int(request.query.get("after", "-1"))
        except ValueError:
            after = -1
        if after >= 0:
            await self.engine.tablet.changed_after(after, timeout=20.0)
            self.require_tablet(request)  # the secret may have been rotated while waiting
        return web.json_response(_view(self.engine), headers={"Cache-Control": "no-store"})

    async def events(self, request: web.Request):
        self.require_tablet(request)
        given = _given_key(request)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                               "X-Accel-Buffering": "no"})
        await response.prepare(request)
        rotation = self.access.next_rotation()
        change: asyncio.Future | None = None
        version = -1
        try:
            while self.access.accepts(given):
                change = asyncio.ensure_future(self.engine.tablet.changed_after(version, timeout=15.0))
                await asyncio.wait({change, rotation}, return_when=asyncio.FIRST_COMPLETED)
                if not change.done() or not self.access.accepts(given):
                    break
                view = change.result()
                if view.version == version:
                    await response.write(b": keep-alive\n\n")
                    continue
                version = view.version
                await response.write(f"data: {json.dumps(_view(self.engine))}\n\n".encode())
            await response.write_eof()  # rotated: the page reconnects with its (old) key and gets 401
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            rotation.cancel()
            if change is not None:
                change.cancel()
        return response

    async def touch(self, request: web.Request):
        self.require_tablet(request)
        if not self.touch_limit.allow(request.remote):
            raise web.HTTPTooManyRequests(text="too many touches; try again in a moment",
                                          headers={"Retry-After": str(self.touch_limit.retry_after_s(request.remote))})
        body = await _json_body(request)
        button = body.get("button")
        if not isinstance(button, str) or not button:
            raise web.HTTPBadRequest(text="a touch needs a 'button'")
        value = body.get("value")
        future = self.engine.submit(TouchInput(button=button, value=None if value is None else str(value)))
        if request.query.get("wait"):
            result = await future
            return web.json_response(result.to_json())
        return web.json_response({"accepted": True}, status=202)

    async def health(self, request: web.Request):
        status = {"status": "ok"}
        if _has_token(request, self.control_token) or (self.access.permits_client(request.remote)
                                                       and self.access.accepts(_given_key(request))):
            status.update(robot=self.engine.robot_connected, content_version=self.engine.content.current.version,
                          content_problems=[str(p) for p in self.engine.content.problems])
        return web.json_response(status, headers={"Cache-Control": "no-store"})

    async def control_text(self, request: web.Request):
        _require_token(request, self.control_token)
        body = await _json_body(request)
        text = body.get("text")
        if not isinstance(text, str):
            raise web.HTTPBadRequest(text="'text' is required")
        result = await self.engine.submit(TextInput(text=text, source="typed", lang=body.get("lang")))
        return web.json_response(result.to_json())

    async def control_rotate(self, request: web.Request):
        _require_token(request, self.control_token)
        self.access.rotate()
        return web.json_response({"rotated": True})


def create_app(engine: Engine, control_token: str | None, *, access: TabletAccess,
               touch_limit: TouchRateLimit | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_security_headers, _no_tracebacks])
    TabletApi(engine, control_token, access, touch_limit or TouchRateLimit()).add_routes(app)
    return app


def _given_key(request: web.Request) -> str:
    return request.headers.get(KEY_HEADER) or request.query.get(KEY_PARAM, "")


async def _json_body(request: web.Request) -> dict:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        raise web.HTTPBadRequest(text="the body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="the body must be a JSON object")
    return body


def _has_token(request: web.Request, token: str | None) -> bool:
    given = request.headers.get("X-Elvie-Token", "")
    return bool(token) and hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def _require_token(request: web.Request, token: str | None) -> None:
    if not _has_token(request, token):
        raise web.HTTPUnauthorized(text="control endpoints need the X-Elvie-Token header")


@web.middleware
async def _no_tracebacks(request: web.Request, handler):
    """An unexpected fault is a short 500: its details go to the log (masked), never to the client."""
    try:
        return await handler(request)
    except (web.HTTPException, asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception as exc:  # noqa: BLE001 - the one place that turns any fault into a plain 500
        log.error("%s %s failed: %s", request.method, request.path, type(exc).__name__, exc_info=True)
        return web.Response(status=500, text="internal error; see the engine log")


@web.middleware
async def _security_headers(request: web.Request, handler):
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "frame-ancestors *")
    return response
