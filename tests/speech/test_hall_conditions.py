"""The acoustic benchmark's hall must be what it says: the figures mean nothing otherwise."""
from __future__ import annotations

import numpy as np

from benchmarks.acoustics import FAR_FIELD_PEAK_DBFS, in_condition

from .conftest import clip


def _samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32)


def test_a_visitor_standing_back_peaks_at_the_far_field_level():
    far = _samples(in_condition(clip("ik heb een afspraak", "nl", lead_s=0, tail_s=0), "far_field", seed=1))
    peak_dbfs = 20 * np.log10(np.max(np.abs(far)) / 32768)
    assert abs(peak_dbfs - FAR_FIELD_PEAK_DBFS) < 1.0


def test_the_hall_rings_on_after_the_visitor_stops():
    said = clip("goedemorgen", "nl", lead_s=0, tail_s=0)
    in_hall = _samples(in_condition(said, "hall", seed=1))
    end = 6400 + _samples(said).size  # the lead-in, then the speech: what follows is the hall's tail
    tail = np.sqrt(np.mean(in_hall[end:end + 4000] ** 2))
    assert tail > 30  # clearly more than the microphone's hiss (rms 2)


def test_other_visitors_talk_over_the_one_elvie_listens_to():
    said = clip("ik heb een afspraak om tien uur", "nl", lead_s=0, tail_s=0)
    hall, babble = _samples(in_condition(said, "hall", seed=2)), _samples(in_condition(said, "hall_babble", seed=2))
    others = babble[:hall.size] - hall[:babble.size]
    speech = _samples(said)
    active = speech[np.abs(speech) > 0.05 * np.max(np.abs(speech))]
    ratio_db = 20 * np.log10(np.sqrt(np.mean(active ** 2)) / np.sqrt(np.mean(others ** 2)))
    assert 4 < ratio_db < 6  # all the time, 5 dB below the visitor's voice
