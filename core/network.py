"""Facts about network addresses that every listener of Elvie's needs."""
from __future__ import annotations

import ipaddress


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # a host name or "": it may resolve to, or mean, any interface
