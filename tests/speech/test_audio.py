"""Audio in any common format becomes 16 kHz mono 16-bit; unusable audio gets a clear error."""
from __future__ import annotations

import wave

import numpy as np
import pytest

from robot.speech.audio import AudioFormatError, describe, read_wav, to_pcm16_mono_16k


def tone(rate: int, seconds: float = 0.5, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return amplitude * np.sin(2 * np.pi * 440 * t)


def test_stereo_44k_is_converted():
    left = (tone(44100) * 32767).astype("<i2")
    stereo = np.stack([left, left], axis=1).reshape(-1).tobytes()
    pcm = to_pcm16_mono_16k(stereo, 44100, 2, 2)
    assert abs(len(pcm) / 2 - 8000) <= 2
    assert describe(pcm).peak > 9000


def test_24_bit_and_32_bit_are_converted():
    samples = (tone(16000) * (2 ** 23 - 1)).astype(np.int32)
    packed = b"".join(int(s).to_bytes(3, "little", signed=True) for s in samples)
    assert len(to_pcm16_mono_16k(packed, 16000, 1, 3)) == 2 * samples.size
    wide = (tone(48000) * (2 ** 31 - 1)).astype("<i4").tobytes()
    assert abs(len(to_pcm16_mono_16k(wide, 48000, 1, 4)) / 2 - 8000) <= 2


@pytest.mark.parametrize("args, message", [
    ((b"", 16000, 1, 2), "empty"),
    ((b"\x00" * 100, 16000, 1, 1), "8-bit audio is not supported"),
    ((b"\x00" * 100, 400, 1, 2), "400 Hz is not usable"),
    ((b"\x00" * 100, 16000, 12, 2), "12 channels"),
])
def test_unusable_audio_is_rejected_clearly(args, message):
    with pytest.raises(AudioFormatError, match=message):
        to_pcm16_mono_16k(*args)


def test_wav_files(tmp_path):
    path = tmp_path / "x.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes((np.repeat(tone(22050), 2) * 32767).astype("<i2").tobytes())
    assert abs(len(read_wav(path)) / 2 - 8000) <= 2
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"this is not audio at all")
    with pytest.raises(AudioFormatError, match="not a PCM WAV file"):
        read_wav(garbage)
    with pytest.raises(AudioFormatError, match="file not found"):
        read_wav(tmp_path / "missing.wav")


def test_clipping_is_noticed():
    clipped = np.clip(tone(16000, amplitude=3.0), -1, 1)
    info = describe((clipped * 32767).astype("<i2").tobytes())
    assert info.clipped and info.rms_dbfs > -6
    assert not describe((tone(16000) * 32767).astype("<i2").tobytes()).clipped
