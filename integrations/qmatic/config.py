"""How to reach a Qmatic Orchestra: from YAML plus environment variables for secrets.

    base_url: https://qmatic.gemeente.example        # Orchestra, or the API Gateway
    path_style: qsystem          # "rest" -> /rest/...; "qsystem" -> /qsystem/rest/...
    auth: basic                  # "basic" (direct Orchestra) or "auth-token" (API Gateway)
    username: elvie              # basic auth; password from ELVIE_QMATIC_PASSWORD
    branch_id: 1
    entry_point_device_type: SW_RECEPTION   # or SW_VISITAPP, as the municipality configured
    # entry_point_id: 2          # skip resolving it
    # verify_tls: true           # default; a CA bundle path also works
    # timeout_s: 5
    # timezone: Europe/Amsterdam # the branch's IANA time zone: Orchestra's times are shown in it

The auth-token comes from ELVIE_QMATIC_AUTH_TOKEN. Secrets never come from the YAML file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

PATH_PREFIXES = {"rest": "/rest", "qsystem": "/qsystem/rest"}
AUTH_STYLES = ("basic", "auth-token")


class QmaticConfigError(ValueError):
    pass


@dataclass(frozen=True)
class QmaticConfig:
    base_url: str
    branch_id: int
    path_style: str = "rest"
    auth: str = "basic"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    auth_token: str | None = field(default=None, repr=False)
    entry_point_device_type: str = "SW_RECEPTION"
    entry_point_id: int | None = None
    calendar_path: str = "/calendar-backend/api/v1"  # publicid lookups (through the gateway: /rest/calendar-backend/api/v1)
    mobile_path: str = "/qsystem/mobile/rest/v2"  # queue position (D6)
    timeout_s: float = 5.0
    verify_timeout_s: float = 1.0  # after a check-in POST timed out: how long to look for its outcome
    get_retries: int = 3
    retry_backoff_s: float = 0.5
    verify_tls: bool | str = True
    timezone: str = "Europe/Amsterdam"

    def __post_init__(self) -> None:
        if not str(self.base_url).startswith(("http://", "https://")):
            raise QmaticConfigError(f"base_url must start with http:// or https://, not {self.base_url!r}")
        if self.path_style not in PATH_PREFIXES:
            raise QmaticConfigError(f"path_style must be 'rest' or 'qsystem', not {self.path_style!r}")
        if self.auth not in AUTH_STYLES:
            raise QmaticConfigError(f"auth must be 'basic' or 'auth-token', not {self.auth!r}")
        if self.auth == "basic" and not (self.username and self.password):
            raise QmaticConfigError("basic auth needs a username (config) and a password "
                                    "(environment variable ELVIE_QMATIC_PASSWORD)")
        if self.auth == "auth-token" and not self.auth_token:
            raise QmaticConfigError("auth-token needs the token in the environment variable ELVIE_QMATIC_AUTH_TOKEN")
        if self.timeout_s <= 0:
            raise QmaticConfigError("timeout_s must be positive")
        from .times import zone

        try:
            zone(self.timezone)
        except ValueError as exc:
            raise QmaticConfigError(f"timezone: {exc}") from None

    @property
    def rest(self) -> str:
        return self.base_url.rstrip("/") + PATH_PREFIXES[self.path_style]

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str = "Qmatic configuration") -> "QmaticConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise QmaticConfigError(f"{source}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        values = dict(data)
        if "password" in values and source.endswith((".yml", ".yaml")):
            raise QmaticConfigError(f"{source}: do not put the password in the file; "
                                    "set the environment variable ELVIE_QMATIC_PASSWORD")
        values.setdefault("password", os.environ.get("ELVIE_QMATIC_PASSWORD"))
        values.setdefault("auth_token", os.environ.get("ELVIE_QMATIC_AUTH_TOKEN"))
        try:
            values["branch_id"] = int(values["branch_id"])
            if values.get("entry_point_id") is not None:
                values["entry_point_id"] = int(values["entry_point_id"])
            for name in ("timeout_s", "retry_backoff_s", "verify_timeout_s"):
                if name in values:
                    values[name] = float(values[name])
        except KeyError:
            raise QmaticConfigError(f"{source}: branch_id is required") from None
        except (TypeError, ValueError) as exc:
            raise QmaticConfigError(f"{source}: {exc}") from None
        try:
            return cls(**values)
        except TypeError as exc:
            raise QmaticConfigError(f"{source}: {exc}") from None

    @classmethod
    def from_yaml(cls, path: str | Path) -> "QmaticConfig":
        from .yamlfile import read_mapping

        data = read_mapping(Path(path), "Qmatic configuration", QmaticConfigError)
        return cls.from_mapping(data, source=str(path))
