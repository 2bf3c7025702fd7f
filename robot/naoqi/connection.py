"""A qi connection to Pepper that survives network drops.

`tcp://IP:9559` for NAOqi 2.5; `tcps://IP:9503` with user and password for NAOqi 2.9.
When the connection drops, it reconnects with exponential backoff and tells its listeners,
so the engine can say so and re-initialise the body once the robot is back.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable

import qi

log = logging.getLogger(__name__)


class RobotUnavailable(RuntimeError):
    """The robot cannot be reached (yet)."""


@dataclass(frozen=True)
class RobotSettings:
    url: str = "tcp://127.0.0.1:9559"
    user: str | None = None  # NAOqi 2.9 (tcps://...:9503)
    password: str | None = None
    first_backoff_s: float = 0.5
    max_backoff_s: float = 10.0
    # Where this machine listens for the robot's calls back (the microphone's processRemote). For a real
    # Pepper it must be reachable from the robot: by default every interface, on a free port.
    listen_url: str | None = None

    @property
    def callback_url(self) -> str:
        if self.listen_url:
            return self.listen_url
        host = self.url.split("://", 1)[-1].rsplit(":", 1)[0]
        return "tcp://127.0.0.1:0" if host in ("127.0.0.1", "localhost") else "tcp://0.0.0.0:0"

    def describe(self) -> str:
        return self.url + (f" as {self.user}" if self.user else "")


class _Authenticator:
    def __init__(self, user: str, password: str):
        self._data = {"user": user, "token": password}

    def initialAuthData(self):  # noqa: N802 - qi's name
        return self._data


class _AuthenticatorFactory:
    def __init__(self, user: str, password: str):
        self._user, self._password = user, password

    def newAuthenticator(self):  # noqa: N802 - qi's name
        return _Authenticator(self._user, self._password)


class RobotConnection:
    def __init__(self, settings: RobotSettings):
        self.settings = settings
        self.session: qi.Session | None = None
        self._services: dict[str, object] = {}
        self._lock = threading.RLock()
        self._closed = threading.Event()
        self._on_connected: list[Callable[[], None]] = []
        self._on_lost: list[Callable[[str], None]] = []
        self._reconnector: threading.Thread | None = None
        qi.logging.setLevel(qi.logging.ERROR)  # our own log says what matters (lost connections, retries)

    # -- listeners
    def on_connected(self, callback: Callable[[], None]) -> None:
        self._on_connected.append(callback)

    def on_lost(self, callback: Callable[[str], None]) -> None:
        self._on_lost.append(callback)

    @property
    def connected(self) -> bool:
        session = self.session
        return bool(session and session.isConnected())

    def connect(self) -> None:
        """Connect once; raise RobotUnavailable with a clear reason."""
        session = qi.Session()
        if self.settings.user:
            session.setClientAuthenticatorFactory(_AuthenticatorFactory(self.settings.user,
                                                                        self.settings.password or ""))
        try:
            session.connect(self.settings.url)
            session.listen(self.settings.callback_url)
        except RuntimeError as exc:
            raise RobotUnavailable(f"cannot connect to the robot at {self.settings.describe()}: {exc}") from None
        session.disconnected.connect(self._disconnected)
        with self._lock:
            self.session = session
            self._services.clear()
        log.info("connected to the robot at %s", self.settings.describe())
        for callback in list(self._on_connected):
            try:
                callback()
            except Exception:  # noqa: BLE001 - a failing set-up step must not kill the connection
                log.exception("robot set-up after connecting failed")

    def connect_with_retry(self, attempts: int | None = None) -> None:
        """Connect, retrying with backoff (forever unless `attempts` is given)."""
        delay = self.settings.first_backoff_s
        tried = 0
        while not self._closed.is_set():
            try:
                self.connect()
                return
            except RobotUnavailable as exc:
                tried += 1
                if attempts is not None and tried >= attempts:
                    raise
                log.warning("%s; retrying in %.1f s", exc, delay)
                self._closed.wait(delay)
                delay = min(delay * 2, self.settings.max_backoff_s)

    def _disconnected(self, reason: str) -> None:
        if self._closed.is_set():
            return
        log.warning("lost the connection to the robot (%s); reconnecting", reason)
        with self._lock:
            self.session = None
            self._services.clear()
        for callback in list(self._on_lost):
            try:
                callback(str(reason))
            except Exception:  # noqa: BLE001
                log.exception("robot-lost listener failed")
        if self._reconnector is None or not self._reconnector.is_alive():
            self._reconnector = threading.Thread(target=self.connect_with_retry, name="robot-reconnect",
                                                 daemon=True)
            self._reconnector.start()

    def service(self, name: str):
        with self._lock:
            if name in self._services:
                return self._services[name]
            session = self.session
        if session is None:
            raise RobotUnavailable("not connected to the robot")
        try:
            proxy = session.service(name)
        except RuntimeError as exc:
            raise RobotUnavailable(f"robot service {name} is not available: {exc}") from None
        with self._lock:
            self._services[name] = proxy
        return proxy

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            session, self.session = self.session, None
            self._services.clear()
        if session is not None:
            try:
                session.close()
            except Exception:  # noqa: BLE001
                pass
        if self._reconnector is not None:
            self._reconnector.join(timeout=3)
