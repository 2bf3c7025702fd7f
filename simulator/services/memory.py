"""ALMemory of the virtual Pepper: data, events, micro-events and subscribers, as on the robot."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

import qi

from ..naoqi_api.binding import NaoqiError, NaoqiModule
from ..state import StateStore, append_bounded

HEARD_EVENT = "Elvie/Heard"
HISTORY_LENGTH = 20


class Subscriber:
    """What ALMemory.subscriber(key) returns: an object with a `signal` carrying the new value."""

    def __init__(self) -> None:
        self.signal = qi.Signal("(m)")


def _stamp(now: float) -> list[int]:
    return [int(now), int((now % 1) * 1_000_000)]


def jsonable(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


class ALMemory(NaoqiModule):
    SERVICE = "ALMemory"

    def __init__(self, state: StateStore, session_getter: Callable[[], Any]):
        super().__init__()
        self._state = state
        self._session = session_getter
        self._data: dict[str, Any] = {}
        self._stamps: dict[str, float] = {}
        self._history: dict[str, list] = {}
        self._events: dict[str, str] = {}  # declared event -> extractor
        self._micro_events: set[str] = set()
        self._descriptions: dict[str, str] = {}
        self._subscribers: dict[str, Subscriber] = {}
        self._modules: dict[str, dict[str, tuple[str, str]]] = {}  # event -> module -> (method, message)
        self._mappings: list[tuple[Any, int]] = []
        self._changed = threading.Condition()

    # -- reading
    def getData(self, key, deprecated=None):
        with self._changed:
            if key not in self._data:
                raise NaoqiError(f"ALMemory::getData\n\tKey not found: {key}")
            return self._data[key]

    def getListData(self, keys):
        with self._changed:
            return [self._data.get(k) for k in keys]

    def getDataOnChange(self, key, deprecated):
        with self._changed:
            if key not in self._data:
                raise NaoqiError(f"ALMemory::getDataOnChange\n\tKey not found: {key}")
            stamp = self._stamps.get(key)
            while self._stamps.get(key) == stamp:
                self._changed.wait(0.5)
            return self._data[key]

    def getTimestamp(self, key):
        with self._changed:
            if key not in self._data:
                raise NaoqiError(f"ALMemory::getTimestamp\n\tKey not found: {key}")
            return [self._data[key], *_stamp(self._stamps[key])]

    def getEventHistory(self, key):
        with self._changed:
            return [[value, _stamp(at)] for value, at in self._history.get(key, [])]

    def getType(self, key):
        value = self.getData(key)
        for kind, name in ((bool, "Bool"), (int, "Int"), (float, "Float"), (str, "String"),
                           ((list, tuple), "Array"), ((bytes, bytearray), "Binary")):
            if isinstance(value, kind):
                return name
        return "Invalid" if value is None else "Object"

    def getDataList(self, filter):  # noqa: A002 - NAOqi's parameter name
        with self._changed:
            return sorted(k for k in self._data if filter in k)

    def getDataListName(self):
        with self._changed:
            return sorted(self._data)

    def getEventList(self):
        with self._changed:
            return sorted(self._events)

    def getMicroEventList(self):
        with self._changed:
            return sorted(self._micro_events)

    def getExtractorEvent(self, extractor_name):
        with self._changed:
            return sorted(e for e, x in self._events.items() if x == extractor_name)

    def getSubscribers(self, name):
        with self._changed:
            return sorted(self._modules.get(name, {}))

    def getDescriptionList(self, keys):
        return [[k, self._descriptions.get(k, "")] for k in keys]

    def setDescription(self, name, description):
        self._descriptions[name] = description

    def getDataPtr(self, key):
        raise NaoqiError("ALMemory::getDataPtr\n\tCannot be called remotely")

    getIntPtr = getDataPtr
    getFloatPtr = getDataPtr

    # -- writing
    def insertData(self, key, value):
        self._set(key, value)

    def insertListData(self, pairs):
        for pair in pairs:
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise NaoqiError("ALMemory::insertListData\n\texpected a list of [key, value] pairs")
            self._set(str(pair[0]), pair[1])

    def removeData(self, key):
        with self._changed:
            self._data.pop(key, None)
            self._stamps.pop(key, None)

    def declareEvent(self, name, extractor=""):
        with self._changed:
            self._events.setdefault(name, extractor)

    def removeEvent(self, name):
        with self._changed:
            self._events.pop(name, None)
            self._data.pop(name, None)

    def removeMicroEvent(self, name):
        with self._changed:
            self._micro_events.discard(name)

    def raiseEvent(self, name, value):
        with self._changed:
            self._events.setdefault(name, "")
        self._set(name, value, event=True)

    def raiseMicroEvent(self, name, value):
        with self._changed:
            self._micro_events.add(name)
        self._set(name, value, event=True)

    def subscriber(self, name):
        with self._changed:
            if name not in self._subscribers:
                self._subscribers[name] = Subscriber()
            return self._subscribers[name]

    # -- the old (NAOqi 1.x / 2.x ALModule) way: call a module's method by name
    def subscribeToEvent(self, name, module, *message_and_method):
        method = message_and_method[-1]
        message = message_and_method[0] if len(message_and_method) == 2 else ""
        with self._changed:
            self._events.setdefault(name, "")
            self._modules.setdefault(name, {})[module] = (method, message)

    def subscribeToMicroEvent(self, name, module, message, method):
        with self._changed:
            self._micro_events.add(name)
            self._modules.setdefault(name, {})[module] = (method, message)

    def unsubscribeToEvent(self, name, module):
        with self._changed:
            if module not in self._modules.get(name, {}):
                raise NaoqiError(f"ALMemory::unsubscribeToEvent\n\t{module} is not subscribed to {name}")
            del self._modules[name][module]

    unsubscribeToMicroEvent = unsubscribeToEvent

    def unregisterModuleReference(self, module):
        with self._changed:
            for modules in self._modules.values():
                modules.pop(module, None)

    def addMapping(self, service, signal_or_map, event=None):
        mapping = {signal_or_map: event} if event is not None else dict(signal_or_map)
        session = self._session()
        proxy = session.service(service)
        for signal, key in mapping.items():
            link = getattr(proxy, signal).connect(lambda *args, key=key: self.raiseEvent(
                key, args[0] if len(args) == 1 else list(args)))
            self._mappings.append((getattr(proxy, signal), link))

    # -- shared by every write
    def _set(self, key: str, value: Any, event: bool = False) -> None:
        now = time.time()
        with self._changed:
            self._data[key] = value
            self._stamps[key] = now
            history = self._history.setdefault(key, [])
            history.append((value, now))
            del history[:-HISTORY_LENGTH]
            subscriber = self._subscribers.get(key)
            modules = dict(self._modules.get(key, {}))
            self._changed.notify_all()
        if event:
            self._state.update(lambda s: append_bounded(s.events, {"name": key, "value": jsonable(value),
                                                                   "time": now}))
            if key == HEARD_EVENT:  # what the engine understood from the microphone: into the conversation log
                self._state.update(lambda s: append_bounded(s.log, {"who": "visitor", "text": f"(heard) {value}",
                                                                    "time": now}))
        if subscriber is not None:
            subscriber.signal(value)
        for module, (method, message) in modules.items():
            threading.Thread(target=self._call_module, args=(module, method, key, value, message),
                             daemon=True).start()

    def _call_module(self, module: str, method: str, key: str, value: Any, message: str) -> None:
        try:
            getattr(self._session().service(module), method)(key, value, message)
        except Exception:  # noqa: BLE001 - a vanished module is dropped, as NAOqi does
            with self._changed:
                self._modules.get(key, {}).pop(module, None)
