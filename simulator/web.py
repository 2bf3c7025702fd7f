"""The virtual Pepper's desktop web UI server.

  GET  /                         the desktop UI
  GET  /api/state                robot state (JSON); /api/events streams it (server-sent events)
  POST /api/sensor/{id}          press a touch sensor (head_front, hand_left, bumper_back, ...)
  POST /api/push                 push the robot
  POST /api/person/{arrive|closer|leave}
  POST /api/tablet/touch         {"x": ..., "y": ...}: a finger on the tablet (1280x800 pixels)
  POST /api/ability/{name}       {"enabled": true|false}: an autonomous ability on or off
  POST /api/life/{state}         change Autonomous Life state (solitary, interactive, ...)
  POST /api/text                 {"text": ...}: the visitor says this (as recognised text)
  GET  /api/mic                  web socket: 16 kHz mono s16le audio from the browser microphone
  GET  /api/qmatic/state         today's appointments, visits and faults (from the Qmatic emulator)
  POST /api/qmatic/faults        {"endpoint": ..., "kind": ...}; DELETE clears all faults

Binds to 127.0.0.1; the Qmatic admin token stays on the server side. The UI shows what visitors say and
the tablet's link: exposed beyond loopback it takes a key (`ui_key`): every /api/ request needs it, as
`?key=` or the cookie that opening `/?key=...` sets; the page itself carries no data.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from pathlib import Path

import aiohttp
from aiohttp import web

from .robot import SENSORS, VirtualPepper
from .services import ABILITIES, LIFE_STATES

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
MAX_TEXT = 500


KEY_COOKIE = "elvie_ui_key"


def _key_guard(ui_key: str):
    """Every /api/ request shows the key (query or cookie), compared in constant time; 401 otherwise."""
    @web.middleware
    async def guard(request: web.Request, handler):
        if request.path.startswith("/api/"):
            given = request.query.get("key") or request.cookies.get(KEY_COOKIE) or ""
            if not hmac.compare_digest(given.encode(), ui_key.encode()):
                return web.json_response({"error": "the desktop UI needs its key"}, status=401)
        return await handler(request)
    return guard


class DesktopApi:
    """The desktop UI's endpoints: the robot's state as events, and the developer's hands on the robot
    (sensors, a person, life states, tablet taps, typed text, the microphone, the Qmatic emulator)."""

    def __init__(self, robot: VirtualPepper, qmatic_url: str | None, qmatic_token: str | None, ui_key: str | None):
        self.robot = robot
        self.qmatic_url = qmatic_url
        self.qmatic_token = qmatic_token
        self.ui_key = ui_key

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/", self.index)
        app.router.add_static("/static/", STATIC, show_index=False)
        app.router.add_get("/api/state", self.state)
        app.router.add_get("/api/events", self.events)
        app.router.add_post("/api/sensor/{name}", self.sensor)
        app.router.add_post("/api/push", self.push)
        app.router.add_post("/api/person/{what}", self.person)
        app.router.add_post("/api/life/{state}", self.life)
        app.router.add_post("/api/tablet/touch", self.tablet_touch)
        app.router.add_post("/api/ability/{name}", self.ability)
        app.router.add_post("/api/text", self.text)
        app.router.add_get("/api/mic", self.mic)
        app.router.add_route("*", "/api/qmatic/{sub:.*}", self.qmatic)

    async def index(self, request):
        response = web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})
        given = request.query.get("key", "")
        if self.ui_key and given and hmac.compare_digest(given.encode(), self.ui_key.encode()):
            response.set_cookie(KEY_COOKIE, given, httponly=True, samesite="Strict")
        return response

    async def state(self, _request):
        return web.json_response(self.robot.state.snapshot())

    async def events(self, request: web.Request):
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
        await response.prepare(request)
        loop = asyncio.get_running_loop()
        changed = asyncio.Event()
        remove = self.robot.state.listen(lambda _v: loop.call_soon_threadsafe(changed.set))
        try:
            while True:
                await response.write(f"data: {json.dumps(self.robot.state.snapshot())}\n\n".encode())
                try:
                    await asyncio.wait_for(changed.wait(), timeout=15)
                except asyncio.TimeoutError:
                    pass
                changed.clear()
                await asyncio.sleep(0.05)  # coalesce bursts of changes
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            remove()
        return response

    async def sensor(self, request: web.Request):
        name = request.match_info["name"]
        if name not in SENSORS:
            raise web.HTTPNotFound(text=f"unknown sensor '{name}'; known: {', '.join(SENSORS)}")
        await asyncio.to_thread(self.robot.touch, name)
        return web.json_response({"ok": True})

    async def push(self, _request):
        await asyncio.to_thread(self.robot.push)
        return web.json_response({"ok": True})

    async def person(self, request: web.Request):
        what = request.match_info["what"]
        actions = {"arrive": self.robot.person_arrives, "closer": self.robot.person_moves_closer,
                   "leave": self.robot.person_leaves}
        if what not in actions:
            raise web.HTTPNotFound(text="use arrive, closer or leave")
        await asyncio.to_thread(actions[what])
        return web.json_response({"ok": True})

    async def json_body(self, request: web.Request) -> dict:
        try:
            body = await request.json()
        except (json.JSONDecodeError, ValueError):
            raise web.HTTPBadRequest(text="a JSON object is expected") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="a JSON object is expected")
        return body

    async def tablet_touch(self, request: web.Request):
        body = await self.json_body(request)
        try:
            x, y = float(body["x"]), float(body["y"])
        except (KeyError, TypeError, ValueError):
            raise web.HTTPBadRequest(text="'x' and 'y' (tablet pixels) are required") from None
        if not (0 <= x <= 1280 and 0 <= y <= 800):
            raise web.HTTPBadRequest(text="the tablet is 1280x800 pixels")
        await asyncio.to_thread(self.robot.tablet.touch, x, y)
        return web.json_response({"ok": True})

    async def ability(self, request: web.Request):
        name = request.match_info["name"]
        if name not in ABILITIES:
            raise web.HTTPNotFound(text=f"unknown ability; use one of {', '.join(ABILITIES)}")
        body = await self.json_body(request)
        if not isinstance(body.get("enabled"), bool):
            raise web.HTTPBadRequest(text="'enabled' (true or false) is required")
        await asyncio.to_thread(self.robot.services["ALAutonomousLife"].setAutonomousAbilityEnabled, name,
                                body["enabled"])
        return web.json_response({"ok": True})

    async def life(self, request: web.Request):
        name = request.match_info["state"]
        if name not in LIFE_STATES:
            raise web.HTTPBadRequest(text=f"unknown state; use one of {', '.join(LIFE_STATES)}")
        await asyncio.to_thread(self.robot.set_life_state, name)
        return web.json_response({"ok": True})

    async def text(self, request: web.Request):
        try:
            body = await request.json()
        except (json.JSONDecodeError, ValueError):
            raise web.HTTPBadRequest(text="JSON body with 'text' expected") from None
        value = body.get("text") if isinstance(body, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise web.HTTPBadRequest(text="'text' is required")
        await asyncio.to_thread(self.robot.type_text, value[:MAX_TEXT])
        return web.json_response({"ok": True})

    async def mic(self, request: web.Request):
        socket = web.WebSocketResponse(max_msg_size=256 * 1024)
        await socket.prepare(request)
        async for message in socket:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.robot.microphone.feed(message.data)
            elif message.type == aiohttp.WSMsgType.ERROR:
                break
        return socket

    async def qmatic(self, request: web.Request):
        if not self.qmatic_url:
            raise web.HTTPNotFound(text="no Qmatic emulator configured for this simulator")
        sub = request.match_info["sub"]
        body = await request.read() if request.can_read_body else None
        headers = {"X-Admin-Token": self.qmatic_token or "", "Content-Type": "application/json"}
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
                async with http.request(request.method, f"{self.qmatic_url}/admin/{sub}", data=body,
                                        headers=headers) as response:
                    return web.Response(body=await response.read(), status=response.status,
                                        content_type="application/json")
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
            raise web.HTTPBadGateway(text=f"the Qmatic emulator does not answer: {type(exc).__name__}") from None


def create_app(robot: VirtualPepper, qmatic_url: str | None = None, qmatic_token: str | None = None,
               ui_key: str | None = None) -> web.Application:
    app = web.Application(client_max_size=64 * 1024, middlewares=[_key_guard(ui_key)] if ui_key else [])
    DesktopApi(robot, qmatic_url, qmatic_token, ui_key).add_routes(app)
    return app
