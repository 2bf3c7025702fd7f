"""ALAudioDevice of the virtual Pepper: a front microphone that streams like the real one.

While a module is subscribed, the microphone delivers 16 kHz mono 16-bit buffers of 1365
samples (~85 ms) at real-time pace by calling the subscriber's `processRemote(nbOfChannels,
nbOfSamplesByChannel, timeStamp, inputBuffer)` over qi, as NAOqi does for remote audio.
It carries whatever the desktop UI's browser microphone or a WAV file feeds in, otherwise a
faint hiss; with `echo` on, Elvie's own speech is heard too, as on the real robot.
"""
from __future__ import annotations

import logging
import random
import struct
import threading
import time

from .naoqi_api.binding import NaoqiError, NaoqiModule

log = logging.getLogger(__name__)

RATE = 16000
SAMPLES_PER_BUFFER = 1365
BYTES_PER_BUFFER = SAMPLES_PER_BUFFER * 2


def _hiss(n_samples: int, rng: random.Random, amplitude: int = 4) -> bytes:
    return struct.pack(f"<{n_samples}h", *(rng.randint(-amplitude, amplitude) for _ in range(n_samples)))


def _mix(a: bytes, b: bytes) -> bytes:
    n = min(len(a), len(b)) // 2
    xa = struct.unpack(f"<{n}h", a[: n * 2])
    xb = struct.unpack(f"<{n}h", b[: n * 2])
    return struct.pack(f"<{n}h", *(max(-32768, min(32767, x + y)) for x, y in zip(xa, xb)))


class Microphone:
    def __init__(self, session_getter, realtime: bool = True):
        self._session_getter = session_getter
        self._realtime = realtime
        self._pending = bytearray()
        self._echo = bytearray()
        self._lock = threading.Lock()
        self._subscribers: dict[str, dict] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._rng = random.Random(7)
        self._listeners: list = []  # in-process listeners (ALSpeechRecognition)
        self._declares_raw: dict[str, bool] = {}  # subscriber -> its processRemote takes a raw buffer
        self.muted_input = False
        self.delivered_buffers = 0
        self.energy = 0.0

    # -- what the simulator feeds in
    def feed(self, pcm: bytes) -> None:
        """Queue 16 kHz mono s16le audio to be 'heard' by the microphone."""
        with self._lock:
            self._pending.extend(pcm[: len(pcm) - len(pcm) % 2])

    def echo(self, pcm: bytes, gain: float = 0.5) -> None:
        """Elvie's own voice reaching the microphone."""
        n = len(pcm) // 2
        samples = struct.unpack(f"<{n}h", pcm[: n * 2])
        with self._lock:
            self._echo.extend(struct.pack(f"<{n}h", *(int(s * gain) for s in samples)))

    def pending_seconds(self) -> float:
        with self._lock:
            return len(self._pending) / (2 * RATE)

    # -- ALAudioDevice side
    def set_preferences(self, name: str, rate: int, channels: int, deinterleave: int) -> None:
        self._subscribers.setdefault(name, {})["prefs"] = (rate, channels, deinterleave)

    def subscribe(self, name: str) -> None:
        prefs = self._subscribers.setdefault(name, {}).get("prefs", (RATE, 3, 0))
        if prefs[0] != RATE:
            raise RuntimeError(f"ALAudioDevice: virtual microphone only supports {RATE} Hz, asked {prefs[0]}")
        self._subscribers[name]["active"] = True
        self._ensure_running()

    def unsubscribe(self, name: str) -> None:
        self._subscribers.pop(name, None)
        self._declares_raw.pop(name, None)

    def active(self) -> list[str]:
        return [n for n, s in self._subscribers.items() if s.get("active")]

    def add_listener(self, listener) -> None:
        self._listeners.append(listener)
        self._ensure_running()

    def remove_listener(self, listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _ensure_running(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="virtual-mic", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)

    def _next_buffer(self) -> bytes:
        with self._lock:
            chunk = bytes(self._pending[:BYTES_PER_BUFFER])
            del self._pending[:BYTES_PER_BUFFER]
            echo = bytes(self._echo[:BYTES_PER_BUFFER])
            del self._echo[:BYTES_PER_BUFFER]
        if len(chunk) < BYTES_PER_BUFFER:
            chunk += _hiss((BYTES_PER_BUFFER - len(chunk)) // 2, self._rng)
        if echo:
            chunk = _mix(chunk, echo + bytes(BYTES_PER_BUFFER - len(echo)))
        return chunk

    def _deliver(self, name: str, stamp: list[int], buffer: bytes) -> None:
        """processRemote(nbOfChannels, nbOfSamplesByChannel, timeStamp, inputBuffer), as NAOqi calls it.

        A receiver that declared its buffer raw (qi.Buffer) gets the bytes. One that declared nothing
        (dynamic) cannot be sent bytes by qi's Python binding, which would turn them into their repr
        ("b'\\x00...'"); it gets the same bytes as a string of one character per byte instead
        (`inputBuffer.encode("latin-1")` gives them back exactly), as a Python 2 receiver did on NAOqi 2.5."""
        service = self._session_getter().service(name)
        raw = self._declares_raw.get(name)
        if raw is None:
            methods = [m for m in service.metaObject()["methods"].values() if m["name"] == "processRemote"]
            raw = self._declares_raw[name] = any(m["parametersSignature"].endswith("r)") for m in methods)
        service.processRemote(1, SAMPLES_PER_BUFFER, stamp, bytes(buffer) if raw else buffer.decode("latin-1"))

    def _run(self) -> None:
        period = SAMPLES_PER_BUFFER / RATE
        next_at = time.monotonic()
        while not self._stop.is_set() and (self.active() or self._listeners):
            buffer = self._next_buffer()
            if self.muted_input:
                buffer = bytes(len(buffer))
            samples = struct.unpack(f"<{len(buffer) // 2}h", buffer)
            self.energy = sum(abs(v) for v in samples) / max(1, len(samples))
            now = time.time()
            stamp = [int(now), int((now % 1) * 1_000_000)]
            for listener in list(self._listeners):
                try:
                    listener(buffer)
                except Exception:  # noqa: BLE001
                    log.exception("microphone listener failed")
            for name in self.active():
                try:
                    self._deliver(name, stamp, buffer)
                except Exception as exc:  # noqa: BLE001 - a vanished client must not stop the microphone
                    log.info("audio subscriber %s unreachable (%s); unsubscribing it", name, exc)
                    self.unsubscribe(name)
            self.delivered_buffers += 1
            if self._realtime:
                next_at += period
                self._stop.wait(max(0.0, next_at - time.monotonic()))


class ALAudioDevice(NaoqiModule):
    SERVICE = "ALAudioDevice"

    def __init__(self, microphone: Microphone, state):
        super().__init__()
        self._mic = microphone
        self._state = state
        self._volume = 60
        self._muted = False
        self._inputs_open = True
        self._outputs_open = True
        self._energy = False
        self._parameters = {"outputSampleRate": 48000}
        self._recording: str | None = None

    def setClientPreferences(self, name, sample_rate, channels, deinterleave):
        self._mic.set_preferences(name, int(sample_rate), int(channels), int(deinterleave))

    def subscribe(self, name):
        try:
            self._mic.subscribe(name)
        except RuntimeError as exc:
            raise NaoqiError(f"ALAudioDevice::subscribe\n\t{exc}") from None
        self._state.update(lambda s: setattr(s, "audio_subscribers", self._mic.active()))

    def unsubscribe(self, name):
        self._mic.unsubscribe(name)
        self._state.update(lambda s: setattr(s, "audio_subscribers", self._mic.active()))

    def setOutputVolume(self, volume):
        if not 0 <= volume <= 100:
            raise NaoqiError("ALAudioDevice::setOutputVolume\n\tvolume must be between 0 and 100")
        self._volume = int(volume)

    def getOutputVolume(self):
        return self._volume

    def muteAudioOut(self, mute):
        self._muted = bool(mute)

    def isAudioOutMuted(self):
        return self._muted

    def openAudioInputs(self):
        self._inputs_open = True
        self._mic.muted_input = False

    def closeAudioInputs(self):
        self._inputs_open = False
        self._mic.muted_input = True

    def isInputClosed(self):
        return not self._inputs_open

    def openAudioOutputs(self):
        self._outputs_open = True

    def closeAudioOutputs(self):
        self._outputs_open = False

    def isOutputClosed(self):
        return not self._outputs_open

    def enableEnergyComputation(self):
        self._energy = True

    def disableEnergyComputation(self):
        self._energy = False

    def getFrontMicEnergy(self):
        return float(self._mic.energy) if self._energy else 0.0

    getLeftMicEnergy = getRightMicEnergy = getRearMicEnergy = getFrontMicEnergy

    def setParameter(self, name, value):
        self._parameters[name] = int(value)

    def getParameter(self, name):
        if name not in self._parameters:
            raise NaoqiError(f"ALAudioDevice::getParameter\n\tunknown parameter \"{name}\"")
        return self._parameters[name]

    def flushAudioOutputs(self):
        return None

    def playSine(self, frequency, gain, pan, duration):
        return None

    def sendLocalBufferToOutput(self, frames, address):
        raise NaoqiError("ALAudioDevice::sendLocalBufferToOutput\n\tCannot be called remotely")

    def sendRemoteBufferToOutput(self, frames, buffer):
        return self._outputs_open

    def setFileAsInput(self, path):
        raise NaoqiError(f"ALAudioDevice::setFileAsInput\n\tfile not found on the robot: {path}")

    def startMicrophonesRecording(self, filename, *options):
        self._recording = filename

    def stopMicrophonesRecording(self):
        self._recording = None
