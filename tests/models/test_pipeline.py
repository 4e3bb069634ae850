"""The real embedded models on a short three-speaker Japanese clip made by scripts/make_fixtures.py.

Content loss is the failure users notice most (a whole answer missing from the minutes), so the
main assertion is that every reference utterance comes back with text, not only a CER bound.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.corpus import load_meeting
from evaluation.metrics import cer, lost_segments
from models.pipeline import STAGES, Pipeline, PipelineOptions

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def meeting_run():
    meeting = load_meeting(FIXTURES / "ja_meeting.json")
    stages: list[tuple[str, float]] = []
    run = Pipeline(PipelineOptions()).run_timed(
        FIXTURES / "ja_meeting.wav", progress=lambda s, f: stages.append((s, f))
    )
    return meeting, run.minutes, stages, run


@pytest.mark.slow
@pytest.mark.ci
def test_no_reference_utterance_is_left_without_text(meeting_run) -> None:
    meeting, minutes, _, _ = meeting_run
    spans = [(s.start, s.end, s.text) for s in meeting.segments]
    assert lost_segments(spans, minutes.turns) == []


@pytest.mark.slow
@pytest.mark.ci
def test_text_is_close_to_the_reference_and_speakers_are_separated(meeting_run) -> None:
    meeting, minutes, _, _ = meeting_run
    hypothesis = "".join(t.text for t in minutes.turns)
    assert cer(meeting.reference_text, hypothesis, numerals=True) < 0.2, hypothesis
    assert len({t.speaker for t in minutes.turns}) >= 2
    assert [s.label for s in minutes.speakers][:2] == ["話者1", "話者2"]
    assert minutes.warnings == []


@pytest.mark.slow
@pytest.mark.ci
def test_words_are_timed_with_probabilities_and_turns_have_clean_text(meeting_run) -> None:
    _, minutes, _, _ = meeting_run
    for turn in minutes.turns:
        assert turn.words and turn.clean_text
        assert turn.start <= turn.words[0].start + 1e-6 and turn.end >= turn.words[-1].end - 1e-6
        assert all(0.0 <= w.probability <= 1.0 and w.end >= w.start for w in turn.words)
    # the filler 「えー、」 of the second speaker is in no cleaned text
    assert not any(t.clean_text.startswith("えー") or "、えー" in t.clean_text for t in minutes.turns)


@pytest.mark.slow
@pytest.mark.ci
def test_progress_reports_every_stage_in_order(meeting_run) -> None:
    _, _, stages, run = meeting_run
    order = list(dict.fromkeys(s for s, _ in stages))
    assert order == list(STAGES)
    assert set(run.stage_seconds) == set(order)


@pytest.mark.slow
@pytest.mark.ci
def test_a_failing_diarizer_degrades_to_one_speaker_without_losing_words() -> None:
    class Broken:
        def diarize(self, audio, **kwargs):
            raise RuntimeError("boom")

    minutes = Pipeline(PipelineOptions(), diarizer=Broken()).run(FIXTURES / "ja_short.wav")
    assert {t.speaker for t in minutes.turns} == {"SPEAKER_00"}
    assert "".join(t.text for t in minutes.turns)
    assert minutes.warnings and "話者識別に失敗" in minutes.warnings[0]
