"""Bounded fuzz (issue 16): random cuts of the repo's recordings, clean and degraded (noise,
telephone band, clipping, a quiet far microphone), through the real pipeline and every export
format: no exception but a ``GijirokuError`` may come out. The full run over the shared corpus is
``python -m evaluation fuzz`` (evaluation/fuzz.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from evaluation.fuzz import DEGRADATIONS, Source, fuzz, random_cuts, summary
from models.audio import decode_audio
from models.pipeline import Pipeline, PipelineOptions
from models.types import SAMPLE_RATE

FIXTURES = Path(__file__).parents[1] / "fixtures"
RECORDINGS = ("ja_meeting.wav", "ja_short.wav", "kyouiku_170_188.flac")


@pytest.fixture(scope="module")
def sources() -> list[Source]:
    """The fixtures, and all of them end to end (~51 s), so cuts up to a minute exist."""
    decoded = [Source(name, decode_audio(FIXTURES / name)) for name in RECORDINGS]
    joined = Source("joined", np.concatenate([s.audio for s in decoded]))
    return [*decoded, joined]


def test_cuts_are_reproducible_within_bounds_and_meet_every_degradation(sources) -> None:
    first = list(random_cuts(sources, 10, seed=7))
    again = list(random_cuts(sources, 10, seed=7))
    assert [c for c, _ in first] == [c for c, _ in again]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(first, again, strict=True))
    assert {c.degradation for c, _ in first} == set(DEGRADATIONS)
    lengths = {s.name: len(s.audio) / SAMPLE_RATE for s in sources}
    for cut, audio in first:
        assert 0.5 <= cut.length <= 60.0 and cut.start >= 0.0 and cut.start + cut.length <= lengths[cut.source] + 1e-9
        assert abs(len(audio) - cut.length * SAMPLE_RATE) <= 1 and np.isfinite(audio).all()


@pytest.mark.slow
@pytest.mark.ci
def test_random_degraded_cuts_never_crash_the_pipeline(sources) -> None:
    outcomes = fuzz(Pipeline(PipelineOptions()), sources, count=6, seed=16)
    crashes = [str(o) for o in outcomes if o.result == "crash"]
    assert not crashes, "\n".join(crashes)
    assert any(o.result == "ok" for o in outcomes), summary(outcomes)
