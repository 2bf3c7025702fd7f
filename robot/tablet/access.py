"""Who may use the tablet API: the robot's tablet, holding this start's secret, from an allowed address.

The engine makes a new secret at every start (and on `rotate()`), puts it in the URL it shows on
the robot's tablet (`?key=...`), and every endpoint that carries or changes state requires it.
The secret is compared in constant time and never logged. An optional allow-list of client
addresses (the robot's own address as this machine sees it) refuses even the right secret from
anywhere else. Touches are rate-limited per client address.
"""
from __future__ import annotations

import asyncio
import hmac
import ipaddress
import secrets
import time
from typing import Callable, Iterable
from urllib.parse import urlencode

KEY_PARAM = "key"  # ?key=<secret> on the tablet URL and on every API call the app makes
KEY_HEADER = "X-Elvie-Tablet-Key"  # the same secret for scripts that prefer a header

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_client_networks(text: str | Iterable[str] | None) -> tuple[Network, ...]:
    """'198.18.0.1, 192.168.1.0/24' -> networks. Raises ValueError naming the bad entry."""
    if text is None:
        return ()
    entries = text.split(",") if isinstance(text, str) else [str(entry) for entry in text]
    networks = []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network (e.g. 198.18.0.1 or 192.168.1.0/24)") \
                from None
    return tuple(networks)


def new_secret() -> str:
    """256 random bits, URL-safe (it travels in the tablet URL's query string)."""
    return secrets.token_urlsafe(32)


class TabletAccess:
    def __init__(self, allowed_clients: tuple[Network, ...] = (), make_secret: Callable[[], str] = new_secret):
        self.allowed_clients = allowed_clients
        self._make_secret = make_secret
        self._secret = make_secret()
        self._rotation_waiters: set[asyncio.Future] = set()
        self._on_rotate: list[Callable[[str], None]] = []

    def __repr__(self) -> str:  # never show the secret, not even in a debugger or a traceback's locals
        return f"TabletAccess(allowed_clients={self.allowed_clients!r})"

    @property
    def secret(self) -> str:
        return self._secret

    def url(self, base: str) -> str:
        """The tablet app's URL carrying the secret (what ALTabletService.showWebview is given)."""
        return f"{base}?{urlencode({KEY_PARAM: self._secret})}"

    def permits_client(self, address: str | None) -> bool:
        """Without an allow-list every address may try; with one, only the listed ones."""
        if not self.allowed_clients:
            return True
        try:
            client = ipaddress.ip_address((address or "").split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(client, ipaddress.IPv6Address) and client.ipv4_mapped:
            client = client.ipv4_mapped
        return any(client in network for network in self.allowed_clients)

    def accepts(self, given: str | None) -> bool:
        """Constant-time comparison with the current secret."""
        return bool(given) and hmac.compare_digest(given.encode("utf-8", "replace"), self._secret.encode("utf-8"))

    def on_rotate(self, callback: Callable[[str], None]) -> None:
        """`callback(new_secret)` after every rotation (e.g. show the new URL on the robot's tablet)."""
        self._on_rotate.append(callback)

    def rotate(self) -> None:
        """A new secret: the old one stops working at once and open event streams are closed."""
        self._secret = self._make_secret()
        for waiter in list(self._rotation_waiters):
            if not waiter.done():
                waiter.set_result(None)
        self._rotation_waiters.clear()
        for callback in list(self._on_rotate):
            callback(self._secret)

    def next_rotation(self) -> asyncio.Future:
        """A future that completes at the next rotation (the event stream ends on it)."""
        waiter = asyncio.get_running_loop().create_future()
        self._rotation_waiters.add(waiter)
        waiter.add_done_callback(self._rotation_waiters.discard)
        return waiter


class TouchRateLimit:
    """A token bucket per client address: `burst` taps at once, then `per_second` on average.

    A visitor taps a few times a second at most (the on-screen keyboard types locally); a script
    flooding touches gets 429 instead of queueing turns in front of the visitor.
    """

    MAX_CLIENTS = 1024

    def __init__(self, per_second: float = 5.0, burst: int = 20, clock: Callable[[], float] = time.monotonic):
        self.per_second, self.burst, self.clock = per_second, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # address -> (tokens, when)

    def allow(self, client: str | None) -> bool:
        now = self.clock()
        key = client or "?"
        tokens, when = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - when) * self.per_second)
        if len(self._buckets) >= self.MAX_CLIENTS and key not in self._buckets:
            self._forget_idle(now)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True

    def retry_after_s(self, client: str | None) -> int:
        tokens, _ = self._buckets.get(client or "?", (0.0, 0.0))
        return max(1, int((1.0 - tokens) / self.per_second + 0.999))

    def _forget_idle(self, now: float) -> None:
        """Clients whose bucket has refilled carry no state worth keeping."""
        full_after = self.burst / self.per_second
        for key, (_tokens, when) in list(self._buckets.items()):
            if now - when >= full_after:
                del self._buckets[key]
        while len(self._buckets) >= self.MAX_CLIENTS:
            del self._buckets[next(iter(self._buckets))]
