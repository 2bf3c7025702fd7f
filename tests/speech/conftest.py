"""Speech test fixtures: the real models, loaded once; clips made with espeak-ng at test time."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def pipeline():
    from robot.speech.pipeline import SpeechPipeline

    events = []
    pipe = SpeechPipeline(events.append)
    pipe.events = events
    yield pipe
    pipe.stop()


def clip(text: str, lang: str, variant: str | None = None, speed: int = 160, pitch: int = 50,
         lead_s: float = 0.5, tail_s: float = 1.0) -> bytes:
    from robot.speech.tts import espeak_clip

    pcm = espeak_clip(text, lang, variant, speed, pitch)
    return bytes(int(lead_s * 16000) * 2) + pcm + bytes(int(tail_s * 16000) * 2)
