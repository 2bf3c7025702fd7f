"""ALAudioDevice of the virtual Pepper: a front microphone that streams like the real one.

While a module is subscribed, the microphone delivers 16 kHz mono 16-bit buffers of 1365
samples (~85 ms) at real-time pace by calling the subscriber's `processRemote(nbOfChannels,
nbOfSamplesByChannel, timeStamp, inputBuffer)` over qi, as NAOqi does for remote audio.
It carries whatever the desktop UI's browser microphone or a WAV file feeds in, otherwise a
faint hiss; with `echo` on, Elvie's own speech is heard too, as on the real robot.
"""
from __future__ import annotations

import collections
import logging
import random
import struct
import threading
import time

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
        self.delivered_buffers = 0

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
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="virtual-mic", daemon=True)
            self._thread.start()

    def unsubscribe(self, name: str) -> None:
        self._subscribers.pop(name, None)

    def active(self) -> list[str]:
        return [n for n, s in self._subscribers.items() if s.get("active")]

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

    def _run(self) -> None:
        period = SAMPLES_PER_BUFFER / RATE
        next_at = time.monotonic()
        while not self._stop.is_set() and self.active():
            buffer = self._next_buffer()
            now = time.time()
            stamp = [int(now), int((now % 1) * 1_000_000)]
            for name in self.active():
                try:
                    service = self._session_getter().service(name)
                    service.processRemote(1, SAMPLES_PER_BUFFER, stamp, buffer)
                except Exception as exc:  # noqa: BLE001 - a vanished client must not stop the microphone
                    log.info("audio subscriber %s unreachable (%s); unsubscribing it", name, exc)
                    self.unsubscribe(name)
            self.delivered_buffers += 1
            if self._realtime:
                next_at += period
                self._stop.wait(max(0.0, next_at - time.monotonic()))


class ALAudioDevice:
    def __init__(self, microphone: Microphone, state):
        self._mic = microphone
        self._state = state
        self._volume = 60

    def setClientPreferences(self, name, sample_rate, channels, deinterleave):
        self._mic.set_preferences(name, int(sample_rate), int(channels), int(deinterleave))

    def subscribe(self, name):
        self._mic.subscribe(name)
        self._state.update(lambda s: setattr(s, "audio_subscribers", self._mic.active()))

    def unsubscribe(self, name):
        self._mic.unsubscribe(name)
        self._state.update(lambda s: setattr(s, "audio_subscribers", self._mic.active()))

    def setOutputVolume(self, volume):
        self._volume = int(volume)

    def getOutputVolume(self):
        return self._volume

    def enableEnergyComputation(self):
        return None

    def getFrontMicEnergy(self):
        return 0.0
