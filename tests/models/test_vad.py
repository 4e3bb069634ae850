from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from models.audio import decode_audio
from models.types import SAMPLE_RATE
from models.vad import speech_regions, widen

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "diarization"


def test_silence_and_empty_input_have_no_speech():
    assert speech_regions(np.zeros(SAMPLE_RATE * 3, dtype=np.float32)) == []
    assert speech_regions(np.zeros(0, dtype=np.float32)) == []


def test_regions_cover_the_reference_speech_of_a_real_recording():
    audio = decode_audio(FIXTURES / "sample.wav")
    regions = speech_regions(audio)
    assert regions == sorted(regions)
    assert all(0 <= s < e <= len(audio) / SAMPLE_RATE for s, e in regions)
    assert all(e1 <= s2 for (_, e1), (s2, _) in pairwise(regions))
    # the reference starts speaking at 6.69 s: nothing before ~6.5 s is speech
    assert regions[0][0] > 6.0
    ref = [line.split() for line in (FIXTURES / "sample.rttm").read_text().splitlines()]
    ref_speech = sum(float(r[4]) for r in ref)
    found = sum(e - s for s, e in regions)
    assert 0.8 * ref_speech < found < 1.3 * ref_speech


def test_longer_min_silence_merges_regions():
    audio = decode_audio(FIXTURES / "sample.wav")
    assert len(speech_regions(audio, min_silence_s=2.0)) < len(speech_regions(audio, min_silence_s=0.1))


def test_widening_pads_each_region_and_meets_in_the_middle_of_short_gaps():
    regions = [(0.05, 1.0), (1.3, 2.0), (3.0, 3.9)]
    widened = widen(regions, 0.2, duration=4.0)
    assert np.ravel(widened).tolist() == pytest.approx([0.0, 1.15, 1.15, 2.2, 2.8, 4.0])
    assert widen([], 0.2, duration=4.0) == []
