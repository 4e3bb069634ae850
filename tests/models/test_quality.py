"""Recording-quality estimates on the committed meeting fixture with known degradations
(``recording_conditions``): noise at a known SNR, clipping, a 3.4 kHz line, rooms of known T60."""

from __future__ import annotations

import numpy as np
import pytest
from recording_conditions import add_noise, clip, lowpass, reverberate, speech

from models.quality import ADVICE, estimate_quality, grade
from models.types import SAMPLE_RATE, Minutes, RecordingQuality


@pytest.fixture(scope="module")
def clean() -> np.ndarray:
    return speech()


@pytest.mark.parametrize("kind", ["white", "pink"])
def test_snr_estimates_follow_the_added_noise(clean, kind):
    estimates = {snr: estimate_quality(add_noise(clean, snr, kind)).snr_db for snr in (5, 10, 20)}
    for snr, estimate in estimates.items():
        # pink noise at 5 dB reads ~8 dB: its loud frames pass for quiet speech
        assert estimate == pytest.approx(snr, abs=2.5 if snr > 5 else 3.5), estimates
    assert estimates[5] < estimates[10] < estimates[20] < estimate_quality(clean).snr_db


def test_noise_grades_and_advises(clean):
    noisy = estimate_quality(add_noise(clean, 10, "pink"))
    assert noisy.grade == "poor"
    assert noisy.advice[0] == ADVICE["noise"]
    fair = estimate_quality(add_noise(clean, 17, "pink"))
    assert (fair.grade, fair.advice) == ("fair", (ADVICE["noise"],))
    assert estimate_quality(add_noise(clean, 30, "pink")).grade == "good"


def test_speech_level_is_the_active_level_in_dbfs(clean):
    loud = estimate_quality(add_noise(clean, 40))
    quiet = estimate_quality(add_noise(clean * 10 ** (-30 / 20), 40))
    assert quiet.speech_level_dbfs == pytest.approx(loud.speech_level_dbfs - 30, abs=1.0)
    assert -25 < loud.speech_level_dbfs < -10  # the fixture's TTS peaks at -2 dBFS
    assert ADVICE["quiet"] in quiet.advice and ADVICE["quiet"] not in loud.advice


@pytest.mark.parametrize("gain", [1.6, 4.0])
def test_clipping_ratio_matches_the_samples_clipped(clean, gain):
    clipped, true_ratio = clip(clean, gain)
    q = estimate_quality(clipped)
    assert q.clipping_ratio == pytest.approx(true_ratio, rel=0.25)
    assert q.advice[0] == ADVICE["clipping"]
    assert q.grade == ("poor" if true_ratio > 1e-3 else "fair")


def test_unclipped_recording_has_no_clipping(clean):
    q = estimate_quality(add_noise(clean, 30))
    assert q.clipping_ratio < 1e-4
    assert ADVICE["clipping"] not in q.advice


def test_bandwidth_of_a_telephone_line(clean):
    wide = estimate_quality(add_noise(clean, 40))
    line = estimate_quality(add_noise(lowpass(clean, 3400), 30))
    assert wide.bandwidth_hz >= 7500
    assert line.bandwidth_hz == pytest.approx(3400, abs=300)
    assert line.advice == (ADVICE["narrowband"],)


def test_reverberation_estimate_follows_the_room(clean):
    t60 = {room: estimate_quality(add_noise(reverberate(clean, room), 40)).reverb_t60_s for room in (0.3, 0.6, 1.0)}
    dry = estimate_quality(add_noise(clean, 40)).reverb_t60_s
    assert dry < t60[0.3] < t60[0.6] < t60[1.0], (dry, t60)
    assert t60[0.3] == pytest.approx(0.3, rel=0.3)
    assert t60[0.6] == pytest.approx(0.6, rel=0.3)
    assert t60[1.0] == pytest.approx(1.0, rel=0.4)
    assert dry < 0.25


def test_reverberant_room_is_advised_to_move_the_microphone(clean):
    q = estimate_quality(add_noise(reverberate(clean, 1.0), 40))
    assert q.grade == "poor"
    assert ADVICE["reverb"] in q.advice
    assert "マイクを発言者の近くに置く" in ADVICE["reverb"]


def test_clean_recording_is_good_without_advice(clean):
    q = estimate_quality(clean)
    assert (q.grade, q.advice) == ("good", ())


def test_too_short_or_silent_audio_is_not_judged():
    short = estimate_quality(np.zeros(SAMPLE_RATE // 2, dtype=np.float32))
    assert (short.grade, short.snr_db, short.advice) == ("unknown", None, ())
    silent = estimate_quality(np.zeros(SAMPLE_RATE * 5, dtype=np.float32))
    assert silent.clipping_ratio == 0.0  # digital silence is no clipping plateau


def test_the_worst_problem_decides_the_grade_and_comes_first():
    verdict, advice = grade(-20.0, 18.0, 1.2, 0.0, 8000.0)
    assert verdict == "poor"
    assert advice == (ADVICE["reverb"], ADVICE["noise"])
    # a narrow band under heavy noise is the noise's doing: one piece of advice, not two
    assert grade(-20.0, 8.0, None, 0.0, 3000.0)[1] == (ADVICE["noise"],)


def test_quality_round_trips_through_the_minutes_json(clean):
    q = estimate_quality(add_noise(clean, 10))
    minutes = Minutes.from_dict({"turns": [], "quality": q.to_dict()})
    assert minutes.quality == q
    assert minutes.to_dict()["quality"]["advice"] == list(q.advice)
    assert "quality" not in Minutes.from_dict({"turns": []}).to_dict()
    assert RecordingQuality.from_dict({}).grade == "unknown"
