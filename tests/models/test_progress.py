import pytest

from models.pipeline import STAGE_SHARE, STAGES, overall_fraction


def test_stage_shares_cover_the_whole_run() -> None:
    assert list(STAGE_SHARE) == list(STAGES)
    assert sum(STAGE_SHARE.values()) == pytest.approx(1.0)


def test_overall_progress_is_monotonic_across_stages() -> None:
    points = [overall_fraction(stage, f) for stage in STAGES for f in (0.0, 0.5, 1.0)]
    assert points == sorted(points)
    assert points[0] == 0.0 and points[-1] == pytest.approx(1.0)
    assert overall_fraction("transcribe", 0.5) == pytest.approx(0.08 + 0.45)
    assert overall_fraction("diarize", 7.0) == overall_fraction("diarize", 1.0)  # clamped
