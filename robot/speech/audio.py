"""Audio in Elvie's one format: 16 kHz, mono, 16-bit little-endian PCM.

Pepper's front microphone (ALAudioDevice remote audio), the simulator's browser microphone and
WAV files all end up here. Anything else is converted (resampled, down-mixed, re-quantised)
or rejected with an error that says what was wrong and what is expected.
"""
from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 16000
SAMPLE_WIDTH = 2
MIN_RATE, MAX_RATE = 8000, 192000
CLIP_LEVEL = 32000  # samples at or above this magnitude are clipped


class AudioFormatError(ValueError):
    """The audio cannot be used; the message says why and what is expected."""


@dataclass(frozen=True)
class AudioInfo:
    seconds: float
    rms_dbfs: float
    peak: int
    clipped_fraction: float

    @property
    def clipped(self) -> bool:
        return self.clipped_fraction > 0.005


def to_pcm16_mono_16k(data: bytes, sample_rate: int, channels: int, sample_width: int) -> bytes:
    """Convert raw interleaved PCM to 16 kHz mono s16le, or raise AudioFormatError."""
    if not data:
        raise AudioFormatError("the audio is empty; expected 16 kHz mono 16-bit PCM")
    if channels < 1 or channels > 8:
        raise AudioFormatError(f"{channels} channels is not supported; expected mono (1) or stereo (2)")
    if not MIN_RATE <= sample_rate <= MAX_RATE:
        raise AudioFormatError(f"a sample rate of {sample_rate} Hz is not usable; expected 16000 Hz "
                               f"(anything from {MIN_RATE} to {MAX_RATE} Hz is converted)")
    if sample_width == 2:
        samples = np.frombuffer(data[: len(data) - len(data) % (2 * channels)], dtype="<i2").astype(np.float32)
    elif sample_width == 4:
        samples = np.frombuffer(data[: len(data) - len(data) % (4 * channels)], dtype="<i4").astype(np.float32) / 65536
    elif sample_width == 3:
        usable = len(data) - len(data) % (3 * channels)
        raw = np.frombuffer(data[:usable], dtype=np.uint8).reshape(-1, 3)
        values = (raw[:, 0].astype(np.int32) | (raw[:, 1].astype(np.int32) << 8) | (raw[:, 2].astype(np.int32) << 16))
        values = np.where(values >= 1 << 23, values - (1 << 24), values)
        samples = values.astype(np.float32) / 256
    else:
        raise AudioFormatError(f"{8 * sample_width}-bit audio is not supported; expected 16-bit PCM")
    if samples.size < channels:
        raise AudioFormatError("the audio is empty; expected 16 kHz mono 16-bit PCM")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    if sample_rate != RATE:
        samples = resample(samples, sample_rate, RATE)
    return np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes()


def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Band-limited enough for speech: low-pass by averaging when going down, then linear interpolation."""
    if source_rate == target_rate or samples.size == 0:
        return samples
    if source_rate > target_rate:
        factor = source_rate / target_rate
        width = max(1, int(round(factor)))
        if width > 1:
            kernel = np.ones(width, dtype=np.float32) / width
            samples = np.convolve(samples, kernel, mode="same")
    duration = samples.size / source_rate
    count = max(1, int(round(duration * target_rate)))
    positions = np.linspace(0, samples.size - 1, count)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)


def read_wav(path: Path | str) -> bytes:
    """A WAV file as 16 kHz mono s16le (converted if needed)."""
    path = Path(path)
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise AudioFormatError(f"{path}: file not found") from None
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(f"{path}: not a PCM WAV file ({exc}); expected 16 kHz mono 16-bit WAV") from None
    try:
        return to_pcm16_mono_16k(frames, rate, channels, width)
    except AudioFormatError as exc:
        raise AudioFormatError(f"{path}: {exc}") from None


def wav_bytes(pcm: bytes, rate: int = RATE) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return buffer.getvalue()


def write_wav(path: Path | str, pcm: bytes, rate: int = RATE) -> None:
    Path(path).write_bytes(wav_bytes(pcm, rate))


def to_float(pcm: bytes) -> np.ndarray:
    """s16le bytes -> float32 in [-1, 1] (what the models take)."""
    return np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype="<i2").astype(np.float32) / 32768.0


def describe(pcm: bytes) -> AudioInfo:
    samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype="<i2").astype(np.float32)
    if samples.size == 0:
        return AudioInfo(0.0, -120.0, 0, 0.0)
    rms = float(np.sqrt(np.mean(samples ** 2)))
    return AudioInfo(seconds=samples.size / RATE, rms_dbfs=20 * np.log10(max(rms, 1e-3) / 32768.0),
                     peak=int(np.max(np.abs(samples))),
                     clipped_fraction=float(np.mean(np.abs(samples) >= CLIP_LEVEL)))


def dbfs(samples: np.ndarray) -> float:
    """Level of float samples in dBFS."""
    if samples.size == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    return 20 * np.log10(max(rms, 1e-6))
