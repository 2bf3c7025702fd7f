"""The Qmatic emulator as a real HTTP server (aiohttp), with Orchestra's paths and error headers.

Served under both path styles (`/rest/...` and `/qsystem/rest/...`), plus the calendar
(`/calendar-backend/api/v1/...`) and mobile connector (`/qsystem/mobile/rest/v2/...`) calls the
client uses. Authentication: HTTP Basic (default elvie/elvie) or an `auth-token` header.
Admin API (header X-Admin-Token): GET /admin/state, POST/DELETE /admin/faults, POST /admin/reset,
POST /admin/seed, POST /admin/format ({"time_format": "naive"|"utc"|"offset", "numeric_status": bool}:
answer as a real server in that format does). Binds to 127.0.0.1 unless told otherwise.
"""
from __future__ import annotations

import asyncio
import base64
import hmac
import json
import logging
import secrets
import threading
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from aiohttp import web

from .faults import FaultError, parse_fault, take
from .fixtures import FixtureError, load_fixture, seed
from .state import EmulatorError, EmulatorState

log = logging.getLogger(__name__)

PREFIXES = ("/rest", "/qsystem/rest")
MOBILE = "/qsystem/mobile/rest/v2"
CALENDAR = ("/calendar-backend/api/v1", "/rest/calendar-backend/api/v1")


@dataclass
class EmulatorAuth:
    user: str = "elvie"
    password: str = "elvie"
    tokens: tuple[str, ...] = ()

    def allows(self, request: web.Request) -> bool:
        token = request.headers.get("auth-token")
        if token:
            return any(hmac.compare_digest(token, t) for t in self.tokens)
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return hmac.compare_digest(user, self.user) and hmac.compare_digest(password, self.password)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(data), status=status, content_type="application/json")


def _error(exc: EmulatorError) -> web.Response:
    headers = {"error_message": exc.message}
    if exc.error_code:
        headers["error_code"] = exc.error_code
    return web.Response(text=json.dumps({"message": exc.message}), status=exc.http_status, headers=headers,
                        content_type="application/json")


class OrchestraApi:
    """The REST endpoints a real Orchestra serves (entry point, appointment, service point, calendar, mobile),
    each with the faults a test may have asked for."""

    def __init__(self, state: EmulatorState, auth: EmulatorAuth):
        self.state = state
        self.auth = auth

    def add_routes(self, app: web.Application) -> None:
        for prefix in PREFIXES:
            add = app.router.add_route
            add("GET", prefix + "/entrypoint/branches/{branch}/entryPoints/deviceTypes/{device}", self.entry_points)
            add("GET", prefix + "/entrypoint/branches/", self.branches)
            add("GET", prefix + "/entrypoint/branches/{branch}/services/", self.services)
            add("GET", prefix + "/appointment/appointments/search", self.search)
            add("GET", prefix + "/appointment/appointments/external/{ref}", self.external_id)
            add("GET", prefix + "/appointment/appointments/{id:\\d+}", self.appointment)
            add("GET", prefix + "/appointment/branches/{branch}/appointments/{id:\\d+}", self.appointment)
            add("POST", prefix + "/entrypoint/branches/{branch}/entryPoints/{entry}/visits", self.create_visit)
            add("POST", prefix + "/entrypoint/branches/{branch}/entryPoints/{entry}/visits/", self.create_visit)
            add("GET", prefix + "/entrypoint/branches/{branch}/visits/{visit}", self.visit)
            add("GET", prefix + "/servicepoint/branches/{branch}/queues/", self.queues)
            add("GET", prefix + "/servicepoint/branches/{branch}/queues/{queue}/visits/full", self.queue_visits)
            add("GET", prefix + "/managementinformation/v2/branches/{branch}/queues", self.queue_statistics)
        for prefix in CALENDAR:
            app.router.add_get(prefix + "/appointments/publicid/{ref}", self.public_id)
        app.router.add_get(MOBILE + "/branches/{branch}/services/wait-info", self.wait_info)
        app.router.add_get(MOBILE + "/branches/{branch}/visits", self.mobile_visits)

    async def faulty(self, request: web.Request, operation: str, act: Callable[[], Any]) -> web.StreamResponse:
        """Apply the operation's fault (if any) around `act`, which does the real work."""
        with self.state.lock:
            fault = take(self.state.faults, operation)
            world = self.state.world
        kind = fault["kind"] if fault else None
        if not self.auth.allows(request) or kind == "auth_failure":
            return web.Response(status=401, text="Unauthorized", headers={"WWW-Authenticate": 'Basic realm="qp"'})
        if kind == "refuse":
            if request.transport is not None:
                request.transport.close()  # the client sees the connection dropped, no answer
            return web.Response(status=500)
        if kind in ("http_500", "http_503"):
            return web.Response(status=int(kind[-3:]), text="Service failure", headers={"error_code": "8096"})
        if kind == "timeout" and not fault.get("commit"):
            # The request is lost: hang until the client gives up, then drop it without acting on it.
            # (Acting late would create a visit the client was told failed, in whatever state is seeded by then.)
            await asyncio.sleep(fault["seconds"])
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=504)
        if kind == "latency":
            await asyncio.sleep(fault["ms"] / 1000)
        try:
            with self.state.lock:
                if self.state.world != world:  # re-seeded while this request waited (tests seed between visitors)
                    return web.Response(status=503, text="the emulator was re-seeded", headers={"error_code": "8096"})
                result = act()
        except EmulatorError as exc:
            return _error(exc)
        if kind == "timeout" and fault.get("commit"):
            await asyncio.sleep(fault["seconds"])  # it happened, but the answer never comes in time
        if kind == "malformed_json":
            return web.Response(text='{"id": 1, "ticketId": ', status=200, content_type="application/json")
        if result is None:
            return web.Response(status=200, text="", content_type="application/json")
        return _json(result)

    def branch(self, request: web.Request) -> int:
        try:
            return int(request.match_info["branch"])
        except ValueError:
            raise web.HTTPBadRequest(text="branch id must be a number") from None

    async def entry_points(self, request):
        return await self.faulty(request, "entry_point",
                                 lambda: self.state.entry_points(self.branch(request), request.match_info["device"]))

    async def branches(self, request):
        return await self.faulty(request, "branches", lambda: [{"id": b.id, "name": b.name}
                                                               for b in self.state.branches.values()])

    async def services(self, request):
        return await self.faulty(request, "services", lambda: self.state.branch_services(self.branch(request)))

    async def wait_info(self, request):
        return await self.faulty(request, "wait_info", lambda: self.state.wait_info(self.branch(request)))

    async def search(self, request):
        query = request.query
        try:
            branch_id = int(query["branchId"])
            from_date, to_date = query["fromDate"], query["toDate"]
        except (KeyError, ValueError):
            raise web.HTTPBadRequest(text="branchId, fromDate and toDate are required") from None
        return await self.faulty(request, "appointments", lambda: self.state.search(branch_id, from_date, to_date))

    async def appointment(self, request):
        return await self.faulty(request, "appointment",
                                 lambda: self.state.appointment(int(request.match_info["id"])))

    async def public_id(self, request):
        return await self.faulty(request, "appointment_by_public_id",
                                 lambda: self.state.by_public_id(request.match_info["ref"]))

    async def external_id(self, request):
        return await self.faulty(request, "appointment_by_external_id",
                                 lambda: self.state.by_external_id(request.match_info["ref"]))

    async def create_visit(self, request):
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise web.HTTPBadRequest(text="JSON body expected") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="JSON object expected")
        branch_id, entry = self.branch(request), int(request.match_info["entry"])
        parameters = {str(k): str(v) for k, v in (body.get("parameters") or {}).items()}
        if body.get("appointmentId") is not None:
            appointment = int(body["appointmentId"])
            return await self.faulty(request, "arrive",
                                     lambda: self.state.arrive(branch_id, entry, appointment, parameters))
        services = list(body.get("services") or [])
        return await self.faulty(request, "walk_in", lambda: self.state.walk_in(branch_id, entry, services, parameters))

    async def visit(self, request):
        return await self.faulty(request, "visit",
                                 lambda: self.state.visit(self.branch(request), int(request.match_info["visit"])))

    async def queues(self, request):
        return await self.faulty(request, "queues", lambda: self.state.queue_list(self.branch(request)))

    async def queue_visits(self, request):
        queue = int(request.match_info["queue"])
        return await self.faulty(request, "queue_visits", lambda: self.state.queue_visits(self.branch(request), queue))

    async def queue_statistics(self, request):
        return await self.faulty(request, "queue_statistics",
                                 lambda: self.state.queue_statistics(self.branch(request)))

    async def mobile_visits(self, request):
        return await self.faulty(request, "visits", lambda: self.state.mobile_visits(self.branch(request)))


class AdminApi:
    """The emulator's own endpoints (tests and benchmarks): seed, reset, faults, time format; behind a token."""

    def __init__(self, state: EmulatorState, admin_token: str, fixture: dict | None):
        self.state = state
        self.admin_token = admin_token
        self.fixture = fixture

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/admin/state", self._guarded(self.show_state))
        app.router.add_post("/admin/format", self._guarded(self.set_format))
        app.router.add_post("/admin/faults", self._guarded(self.add_fault))
        app.router.add_delete("/admin/faults", self._guarded(self.clear_faults))
        app.router.add_post("/admin/reset", self._guarded(self.reset_world))
        app.router.add_post("/admin/seed", self._guarded(self.seed_world))
        app.router.add_get("/admin/health", lambda r: _json({"status": "ok"}))

    def _guarded(self, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
        async def guarded(request: web.Request):
            given = request.headers.get("X-Admin-Token", "")
            if not hmac.compare_digest(given, self.admin_token):
                return web.Response(status=401, text="admin endpoints need the X-Admin-Token header")
            return await handler(request)
        return guarded

    async def show_state(self, _request):
        with self.state.lock:
            return _json(self.state.snapshot())

    async def add_fault(self, request):
        try:
            body = await request.json()
            operation = str(body.get("endpoint") or body.get("operation") or "*")
            fault = parse_fault(body)
        except (json.JSONDecodeError, AttributeError):
            return web.Response(status=400, text="JSON body {endpoint, kind, ...} expected")
        except FaultError as exc:
            return web.Response(status=400, text=str(exc))
        with self.state.lock:
            self.state.faults[operation] = fault
        return _json({"faults": self.state.faults})

    async def clear_faults(self, _request):
        with self.state.lock:
            self.state.faults.clear()
        return _json({"faults": {}})

    async def reset_world(self, _request):
        try:
            seed(self.state, self.fixture or load_fixture(None))
        except FixtureError as exc:
            return web.Response(status=400, text=str(exc))
        return _json({"ok": True})

    async def seed_world(self, request):
        try:
            body = await request.json()
            seed(self.state, body)
        except (json.JSONDecodeError, TypeError, AttributeError):
            return web.Response(status=400, text="a fixture as JSON is expected")
        except FixtureError as exc:
            return web.Response(status=400, text=str(exc))
        return _json({"ok": True, "appointments": len(self.state.appointments)})

    async def set_format(self, request):
        try:
            body = await request.json()
            with self.state.lock:
                self.state.set_format(body.get("time_format"), body.get("numeric_status"))
        except (json.JSONDecodeError, AttributeError):
            return web.Response(status=400, text='JSON body {"time_format": ..., "numeric_status": ...} expected')
        except ValueError as exc:
            return web.Response(status=400, text=str(exc))
        return _json({"time_format": self.state.time_format, "numeric_status": self.state.numeric_status})


def create_app(state: EmulatorState, auth: EmulatorAuth, admin_token: str,
               fixture: dict | None = None) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    OrchestraApi(state, auth).add_routes(app)
    AdminApi(state, admin_token, fixture).add_routes(app)
    return app


class EmulatorServer:
    """The emulator on a port (0: any free one) in a background thread — for tests and benchmarks."""

    def __init__(self, fixture: dict | None = None, host: str = "127.0.0.1", port: int = 0,
                 auth: EmulatorAuth | None = None, admin_token: str | None = None, *, time_format: str = "naive",
                 numeric_status: bool = False, clock=None):
        self.state = EmulatorState()
        self.state.set_format(time_format, numeric_status)
        self.state.clock = clock
        self.fixture = fixture if fixture is not None else load_fixture(None)
        seed(self.state, self.fixture)
        self.auth = auth or EmulatorAuth()
        self.admin_token = admin_token or secrets.token_hex(12)
        self.host, self.port = host, port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="qmatic-emulator", daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "EmulatorServer":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(create_app(self.state, self.auth, self.admin_token, self.fixture),
                                     access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._runner = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> "EmulatorServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
