"""Text-to-speech off the robot: pyttsx3 with espeak-ng (Dutch and English voices).

On Pepper, ALTextToSpeech / ALAnimatedSpeech speak. Here TTS serves the virtual Pepper (speaking
aloud, and its "echo" into the microphone) and the tests and benchmarks (clips with different
voices, speeds and pitches, straight from espeak-ng).
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from dialogue.content.language_pack import language_pack

from .audio import read_wav

log = logging.getLogger(__name__)

_engine_lock = threading.Lock()
_engine = None


class TtsError(RuntimeError):
    pass


def espeak_voice(lang: str) -> str:
    """The language's espeak-ng voice (locales/<lang>/language.yml); espeak-ng's own name otherwise ("ko")."""
    pack = language_pack(lang)
    return pack.espeak_voice if pack is not None else lang


def synthesise(text: str, lang: str, voice: str | None = None, rate: int | None = None) -> bytes:
    """Speech for `text` as 16 kHz mono s16le, via pyttsx3 (espeak-ng driver)."""
    global _engine
    import pyttsx3

    with _engine_lock:
        if _engine is None:
            try:
                _engine = pyttsx3.init("espeak")
            except Exception as exc:  # noqa: BLE001 - a missing espeak-ng is a set-up problem
                raise TtsError(f"text-to-speech is not available ({exc}); install espeak-ng "
                               "(`make setup` does this as root)") from None
        _engine.setProperty("voice", voice or espeak_voice(lang))
        if rate:
            _engine.setProperty("rate", rate)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "speech.wav"
            _engine.save_to_file(text, str(path))
            _engine.runAndWait()
            if not path.exists():
                raise TtsError("text-to-speech produced no audio")
            return read_wav(path)


def espeak_clip(text: str, lang: str, variant: str | None = None, speed: int = 160, pitch: int = 50,
                gap: int = 0) -> bytes:
    """A clip straight from espeak-ng (voice variants like '+f2', speed in words/min, pitch 0-99)."""
    if shutil.which("espeak-ng") is None:
        raise TtsError("espeak-ng is not installed; `make setup` installs it")
    voice = espeak_voice(lang) + (f"+{variant}" if variant else "")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-g", str(gap), "-w",
                        str(path), text], check=True, capture_output=True)
        return read_wav(path)


def play(pcm: bytes) -> None:
    """Play through the sound card if there is a player (none on a server: then silently skip)."""
    player = shutil.which("aplay") or shutil.which("play")
    if player is None:
        log.info("no audio player installed; not speaking aloud")
        return
    from .audio import wav_bytes

    args = [player, "-q", "-"] if player.endswith("aplay") else [player, "-q", "-t", "wav", "-"]
    subprocess.run(args, input=wav_bytes(pcm), check=False, capture_output=True)
