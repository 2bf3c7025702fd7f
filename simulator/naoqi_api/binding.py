"""Register a service implementation on qi with the real robot's method table.

`bind(impl)` builds a qi object whose methods and signals are exactly the public entries of the
service's listing (real names, one qi method per overload with its real parameter and return
types) and nothing else: helpers of the implementation are never visible over qi. A call is
routed to the implementation method of the same name; errors reach the caller the way NAOqi
reports them (`RuntimeError: ALMemory::getData` + tab + reason), without a Python traceback.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

import qi

from .listing import Entry, public_entries, reference

log = logging.getLogger(__name__)

NAOQI_VERSION = "2.5.10.7"
_DEFAULTS = {"b": False, "i": 0, "I": 0, "l": 0, "L": 0, "w": 0, "W": 0, "c": 0, "C": 0, "f": 0.0, "d": 0.0,
             "s": "", "m": None}


class NaoqiError(RuntimeError):
    """A failure the robot would report: the message is NAOqi's `Service::method\\n\\treason`."""


def default_value(signature: str) -> Any:
    """What a method of this return type answers when there is nothing to report."""
    if signature.startswith("["):
        return []
    if signature.startswith("{"):
        return {}
    return _DEFAULTS.get(signature, None)


class NaoqiModule:
    """Base of every virtual NAOqi service: ALModule's common methods and NAOqi-shaped state.

    Methods the implementation defines with a listed name are what callers reach over qi.
    Listed setters and getters without a dedicated implementation share one store, so what
    `setX(...)` sets, `getX(...)` / `isX(...)` returns (DEFAULTS gives the robot's defaults).
    """

    SERVICE = ""
    DEFAULTS: dict[str, Any] = {}

    def __init__(self) -> None:
        self._settings: dict[tuple, Any] = {}
        self._settings_lock = threading.Lock()
        self.signals: dict[str, Any] = {}

    # -- ALModule
    def exit(self):
        raise NaoqiError(f"{self.SERVICE}::exit\n\tthis module cannot be stopped on this robot")

    def version(self):
        return NAOQI_VERSION

    def ping(self):
        return True

    def getMethodList(self):
        return sorted({e.name for e in public_entries(self.SERVICE) if e.kind == "fn"})

    def getMethodHelp(self, method_name):
        entries = [e for e in public_entries(self.SERVICE) if e.kind == "fn" and e.name == method_name]
        if not entries:
            raise NaoqiError(f"{self.SERVICE}::getMethodHelp\n\tmethod '{method_name}' does not exist")
        e = entries[0]
        return [e.name, [[p, t] for p, t in e.params], e.returns or "void"]

    def getModuleHelp(self):
        return [self.SERVICE, ["virtual Pepper"], []]

    def getBrokerName(self):
        return self.SERVICE

    def getUsage(self, name):
        entries = [e for e in public_entries(self.SERVICE) if e.kind == "fn" and e.name == name]
        if not entries:
            raise NaoqiError(f"{self.SERVICE}::getUsage\n\tmethod '{name}' does not exist")
        return "\n".join(f"{e.returns or 'void'} {name}({', '.join(p for p, _ in e.params)})" for e in entries)

    def pCall(self, *args):
        raise NaoqiError(f"{self.SERVICE}::pCall\n\tpCall is only available to local ALModules")

    def wait(self, task_id, timeout=None):
        return None if timeout is None else True

    def isRunning(self, task_id):
        return False

    def stop(self, task_id):
        return None

    # -- helpers for implementations (never exposed)
    def emit(self, signal: str, *args) -> None:
        target = self.signals.get(signal)
        if target is not None:
            if isinstance(target, qi.Property):
                target.setValue(args[0])
            else:
                target(*args)

    def setting(self, name: str, *keys, default: Any = None) -> Any:
        with self._settings_lock:
            if (name, *keys) in self._settings:
                return self._settings[(name, *keys)]
        return self.DEFAULTS.get(name, default)

    def store(self, name: str, *keys_and_value) -> None:
        *keys, value = keys_and_value
        with self._settings_lock:
            self._settings[(name, *keys)] = value

    def generic(self, entry: Entry, args: tuple) -> Any:
        """Listed methods without dedicated behaviour: settings round-trip, else the type's neutral answer."""
        for prefix in ("set", "enable", "disable"):
            if entry.name.startswith(prefix) and entry.name != prefix and args:
                key = entry.name[len(prefix):]
                if prefix == "set":
                    self.store(key, *args)
                else:
                    self.store(key, *args, prefix == "enable")
                return default_value(entry.return_signature)
        for prefix in ("get", "is"):
            if entry.name.startswith(prefix) and entry.name != prefix and entry.returns:
                key = entry.name[len(prefix):]
                return self.setting(key, *args, default=default_value(entry.return_signature))
        return default_value(entry.return_signature)


def _error_future(message: str):
    promise = qi.Promise()
    promise.setError(message)
    return promise.future()


def _make_method(impl: NaoqiModule, entry: Entry):
    target = getattr(type(impl), entry.name, None)
    implemented = callable(target) and not entry.name.startswith("_")
    returns_nothing = entry.return_signature == "v"

    def call(_self, *args):
        try:
            if implemented:
                result = getattr(impl, entry.name)(*args)
            else:
                result = impl.generic(entry, args)
        except NaoqiError as exc:
            return _error_future(str(exc))
        except Exception as exc:  # noqa: BLE001 - the caller gets NAOqi's shape; details stay in our log
            log.exception("%s.%s failed", entry.service, entry.name)
            return _error_future(f"{entry.service}::{entry.name}\n\t{type(exc).__name__}: {exc}")
        if returns_nothing:
            return None
        if result is None:
            result = default_value(entry.return_signature)
        return result

    call.__name__ = entry.name
    return qi.bind(entry.return_signature, [entry.param_signature[1:-1]] if entry.params else [],
                   methodName=entry.name)(call)


def bind(impl: NaoqiModule) -> object:
    """The qi object to register for `impl`: the listing's public methods and signals, nothing else."""
    service = impl.SERVICE
    namespace: dict[str, Any] = {}
    for entry in public_entries(service):
        if entry.kind == "fn":
            namespace[f"_qi_{entry.uid}"] = _make_method(impl, entry)
    facade_class = qi.multiThreaded()(type(service, (), namespace))
    facade = facade_class()
    properties = {e.name: e for e in reference()[service] if e.kind == "prop"}
    for entry in public_entries(service):
        if entry.kind != "sig":
            continue
        if entry.name in properties:  # a property announces itself as a signal of the same name
            signal = qi.Property(properties[entry.name].param_signature[1:-1])
        else:
            signal = qi.Signal(entry.param_signature)
        setattr(facade, entry.name, signal)
        impl.signals[entry.name] = signal
    return facade
