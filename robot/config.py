"""Settings for running Elvie: embedded defaults, an optional YAML file, then environment variables.

Defaults run everything locally: the virtual Pepper and the Qmatic emulator. To use a real
Pepper or a real Orchestra, set `robot_url` / `qmatic_config` in elvie.yml (see
elvie.example.yml) or ELVIE_ROBOT_URL / ELVIE_QMATIC_CONFIG. Secrets come only from the
environment or an untracked .env file, never from the repository.
"""
from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import yaml

from core.paths import REPO_ROOT

CONFIG_FILE = REPO_ROOT / "elvie.yml"
ENV_FILE = REPO_ROOT / ".env"


SECRETS_FILE = REPO_ROOT / "var" / "secrets.json"


class ConfigError(ValueError):
    pass


def local_secret(name: str) -> str:
    """A token shared by this machine's Elvie processes, kept in var/secrets.json (untracked, 0600)."""
    import json

    data = {}
    if SECRETS_FILE.exists():
        try:
            data = json.loads(SECRETS_FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
    if name not in data:
        # Hex, never base64: a token starting with "-" is read as an option by argparse.
        data[name] = secrets.token_hex(16)
        SECRETS_FILE.parent.mkdir(parents=True, exist_ok=True)
        tmp = SECRETS_FILE.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(SECRETS_FILE)
    return data[name]


@dataclass(frozen=True)
class StackSettings:
    host: str = "127.0.0.1"
    engine_port: int = 8700  # tablet app and engine API
    simulator_ui_port: int = 8701  # the desktop UI of the virtual Pepper
    qmatic_port: int = 8702  # the Qmatic emulator
    rasa_port: int = 5005
    actions_port: int = 5055  # custom actions + NLG endpoint
    simulator_qi_port: int = 9559  # the virtual Pepper's qi port (NAOqi's usual port)
    robot_url: str | None = None  # e.g. tcp://192.168.1.20:9559; None: start the virtual Pepper
    robot_user: str | None = None  # NAOqi 2.9 (tcps://IP:9503); password from ELVIE_ROBOT_PASSWORD
    robot_listen_url: str | None = None  # where the robot calls back (microphone); default: all interfaces
    qmatic_config: str | None = None  # YAML for a real Orchestra; None: start the emulator
    qmatic_fixtures: str | None = None  # emulator seed (default: integrations/qmatic/fixtures/default.yml)
    tablet_host: str = "127.0.0.1"  # how the robot's tablet reaches the engine (the PC's IP for a real Pepper)
    expose_tablet: bool = False  # listen where the real tablet can reach the engine (on tablet_host)
    tablet_allow: str | None = None  # client addresses allowed to use the tablet API, e.g. "198.18.0.1,192.168.1.20"
    speech: bool = True  # listen through the robot's microphone
    speak_aloud: bool = False  # the virtual Pepper speaks with espeak-ng
    speech_time_scale: float = 1.0  # the virtual Pepper's speaking time factor (tests: small)
    simulator_echo: bool = False  # the virtual Pepper's own voice reaches its microphone (as on the robot)
    # Replicated setup (robot/replicated.py, docs/deployment.md): 2+ Rasa and action servers behind HAProxy
    # on Rasa's SQL tracker store (PostgreSQL) and RedisLockStore. 1: the single stack, in-memory stores.
    replicas: int = 1
    tracker_store_url: str | None = None  # postgresql://user@host:port/db; None: a throwaway PostgreSQL
    lock_store_url: str | None = None  # redis://host:port/db; None: a throwaway redis-server
    lock_lifetime_s: int = 8  # Rasa's TICKET_LOCK_LIFETIME in the replicated setup (see robot/replicated.py)
    control_token: str = field(default_factory=lambda: local_secret("control_token"))
    rasa_token: str = field(default_factory=lambda: local_secret("rasa_token"))
    qmatic_admin_token: str = field(default_factory=lambda: local_secret("qmatic_admin_token"))

    @property
    def engine_bind(self) -> str:
        """Loopback unless the tablet is exposed; then the interface the robot reaches (`tablet_host`) when
        that is an IP address, and every interface only when it is a host name."""
        if not self.expose_tablet:
            return self.host
        return self.tablet_host if _is_ip(self.tablet_host) else "0.0.0.0"

    def tablet_base_url(self, port: int | None = None) -> str:
        """The tablet app's address as the robot sees it, without the secret (robot/tablet/access.py adds it)."""
        return f"http://{self.tablet_host}:{port or self.engine_port}/tablet/"

    def url(self, port: int) -> str:
        return f"http://{self.host}:{port}"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _client_list(value) -> str | None:
    """`tablet_allow`: a YAML list or a comma-separated string of addresses / networks, checked here."""
    from robot.tablet.access import parse_client_networks

    if value in (None, "", []):
        return None
    entries = [str(v) for v in value] if isinstance(value, list) else str(value).split(",")
    parse_client_networks(entries)  # ValueError names the bad entry
    return ",".join(e.strip() for e in entries if e.strip())


ENV_NAMES = {f.name: f"ELVIE_{f.name.upper()}" for f in fields(StackSettings)}
SPECIAL_VALUES = {"tablet_allow": _client_list}


def _load_env_file() -> None:
    """KEY=value lines from .env (untracked) into the environment, without overriding it."""
    if not ENV_FILE.exists():
        return
    for number, line in enumerate(ENV_FILE.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ConfigError(f"{ENV_FILE}:{number}: expected KEY=value")
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


def _coerce(name: str, value, source: str):
    kind = {f.name: f.type for f in fields(StackSettings)}[name]
    if name in SPECIAL_VALUES:
        try:
            return SPECIAL_VALUES[name](value)
        except ValueError as exc:
            raise ConfigError(f"{source}: '{name}': {exc}") from None
    try:
        if "bool" in str(kind):
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("1", "true", "yes", "on"):
                return True
            if str(value).lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if "int" in str(kind):
            return int(value)
        if "float" in str(kind):
            return float(value)
        return None if value in (None, "") else str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{source}: '{name}' has an invalid value {value!r} (expected {kind})") from None


def load_settings(path: Path | None = None, **overrides) -> StackSettings:
    _load_env_file()
    settings = StackSettings()
    path = Path(os.environ.get("ELVIE_CONFIG", path or CONFIG_FILE))
    if path.exists():
        from dialogue.content.yamlsource import YamlError, load_yaml
        try:
            source = load_yaml(path)
        except YamlError as exc:
            raise ConfigError(str(exc)) from None
        data = source.data or {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path}:1: expected 'setting: value' lines")
        values = {}
        for key, value in data.items():
            if key not in ENV_NAMES:
                raise ConfigError(f"{path}:{source.line(key)}: unknown setting '{key}'")
            values[key] = _coerce(key, value, f"{path}:{source.line(key)}")
        settings = replace(settings, **values)
    env_values = {name: _coerce(name, os.environ[env], env) for name, env in ENV_NAMES.items() if env in os.environ}
    settings = replace(settings, **env_values)
    settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    _check_replicated(settings, path)
    return settings


def _check_replicated(settings: StackSettings, path: Path) -> None:
    if settings.replicas < 1:
        raise ConfigError(f"{path}: 'replicas' must be 1 (one stack) or more (replicated), not {settings.replicas}")
    if settings.replicas > 1 and not 6 <= settings.lock_lifetime_s < 10:
        raise ConfigError(f"{path}: 'lock_lifetime_s' must be at least 6 s (a turn with a slow Qmatic must keep its "
                          f"lock) and below the engine's 10 s turn timeout (a visitor's repeat after a Rasa replica "
                          f"died must not time out), not {settings.lock_lifetime_s}; see docs/deployment.md")
