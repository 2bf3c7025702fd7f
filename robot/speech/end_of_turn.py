"""Has the visitor finished their turn? smart-turn v3.2 answers from how the speech sounds.

A fixed silence cannot tell "ik heb een afspraak." from "mijn code is QM 73 ... 03": the first is done
after a breath, the second pauses in the middle. smart-turn (a small Whisper-encoder classifier, Dutch
and English among its languages) gives the probability that the turn is complete, from the last 8 s of
audio as Whisper log-mel features. The endpointer (vad.py) asks it when a short silence has passed:
complete ends the turn at once, incomplete waits longer. ~70 ms per question on one core.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from .audio import RATE
from .models import ModelError, check_smart_turn

log = logging.getLogger(__name__)
WINDOW_S = 8  # the model hears the last 8 s (zero-padded in front when shorter)


class EndOfTurn:
    def __init__(self, path: Path | None = None, threads: int = 1):
        import onnxruntime as ort
        from faster_whisper.feature_extractor import FeatureExtractor

        path = path or check_smart_turn()
        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        try:
            self._session = ort.InferenceSession(str(path), sess_options=options)
        except Exception as exc:  # noqa: BLE001 - a broken model is a clear start-up error
            raise ModelError(f"the end-of-turn model {path} cannot be loaded ({type(exc).__name__}: {exc}); "
                             "delete it and run `elvie models prepare`") from None
        self._features = FeatureExtractor(feature_size=80, sampling_rate=RATE, hop_length=160,
                                          chunk_length=WINDOW_S, n_fft=400)

    @classmethod
    def if_installed(cls) -> "EndOfTurn | None":
        """The model, or None (with one log line) where it is not installed: turns then end on silence."""
        try:
            return cls()
        except ModelError as exc:
            log.warning("no end-of-turn model, turns end on a fixed silence: %s", exc)
            return None

    def complete(self, audio: np.ndarray) -> float:
        """Probability (0-1) that the speech so far (float32, 16 kHz) is a finished turn."""
        window = RATE * WINDOW_S
        audio = audio[-window:].astype(np.float32)
        audio = np.pad(audio, (window - audio.size, 0))
        # Zero mean, unit variance first, as the model was trained (WhisperFeatureExtractor do_normalize).
        audio = (audio - audio.mean()) / np.sqrt(audio.var() + 1e-7)
        features = self._features(audio, padding=0)[:, :WINDOW_S * 100]
        return float(self._session.run(None, {"input_features": features[None].astype(np.float32)})[0][0][0])
