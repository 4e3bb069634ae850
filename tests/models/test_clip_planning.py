"""Clip planning can never hand faster-whisper overlapping, out-of-bounds or empty clips (issue 16).

faster-whisper's batched decoding asserts that the clips of one call are no longer in total than the
audio, crashes on an empty clip and hears only the first 30 s of a clip. The padded lost-turn retry
clips overlapped and crashed a real 18 s cut; these properties hold for every clip-producing
function over random turn layouts and durations, and the cut itself runs through the real models.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.pipeline import Pipeline, PipelineOptions
from models.transcription import (
    MIN_CLIP_S,
    Clip,
    ClipWords,
    TranscriptionOptions,
    disjoint_clips,
    pack_clips,
    plan_clips,
    retry_clips,
    uncovered_segments,
)
from models.types import SAMPLE_RATE, SpeakerSegment, Word

FIXTURES = Path(__file__).parents[1] / "fixtures"
EPS = 1e-6

durations = st.floats(0.0, 600.0, allow_nan=False)
speakers = st.sampled_from(["SPEAKER_00", "SPEAKER_01", "SPEAKER_02"])


@st.composite
def layouts(draw) -> tuple[float, list[SpeakerSegment]]:
    """A duration and diarized turns: mostly inside the audio, some overlapping, some reaching
    past either end (diarizers round), some empty or reversed."""
    duration = draw(durations)
    turns = draw(
        st.lists(
            st.tuples(
                st.floats(-2.0, duration + 2.0, allow_nan=False), st.floats(-1.0, 60.0, allow_nan=False), speakers
            ),
            max_size=40,
        )
    )
    return duration, [SpeakerSegment(start, start + length, speaker) for start, length, speaker in turns]


@st.composite
def transcription_options(draw) -> TranscriptionOptions:
    return TranscriptionOptions(
        max_clip_s=draw(st.floats(1.0, 28.0)),
        merge_gap_s=draw(st.floats(0.0, 2.0)),
        pack_s=draw(st.floats(0.0, 30.0)),
        pad_s=draw(st.floats(0.0, 1.0)),
    )


@st.composite
def arbitrary_clips(draw) -> tuple[float, list[Clip]]:
    duration = draw(durations)
    clips = draw(
        st.lists(
            st.tuples(
                st.floats(-10.0, duration + 10.0, allow_nan=False),
                st.floats(-1.0, 100.0, allow_nan=False),
                st.one_of(st.none(), speakers),
            ),
            max_size=40,
        )
    )
    return duration, [Clip(start, start + length, speaker) for start, length, speaker in clips]


def assert_decodable(clips: Sequence[Clip], duration: float, max_s: float) -> None:
    """Sorted, disjoint, inside the audio, each MIN_CLIP_S..max_s, and what faster-whisper checks."""
    for clip in clips:
        assert 0.0 <= clip.start < clip.end <= duration, clip
        assert MIN_CLIP_S - EPS <= clip.end - clip.start <= max_s + EPS, clip
    for before, after in pairwise(clips):
        assert before.end <= after.start, (before, after)
    # faster-whisper's own sum, in samples: its "VAD filter removed" time must not be negative
    kept = sum(int(c.end * SAMPLE_RATE) - int(c.start * SAMPLE_RATE) for c in clips) / SAMPLE_RATE
    assert duration - kept >= 0.0


def uncovered_s(start: float, end: float, clips: Sequence[Clip], duration: float) -> float:
    """Seconds of ``[start, end]`` inside the audio that no clip covers."""
    start, end = max(0.0, start), min(duration, end)
    missing, cursor = 0.0, start
    for clip in sorted(clips, key=lambda c: c.start):
        if clip.end <= cursor:
            continue
        if clip.start >= end:
            break
        missing += max(0.0, clip.start - cursor)
        cursor = max(cursor, clip.end)
    return missing + max(0.0, end - cursor)


@settings(max_examples=300, deadline=None)
@given(layouts(), transcription_options())
def test_planned_and_packed_clips_are_decodable_and_cover_every_turn(layout, options) -> None:
    duration, segments = layout
    planned = plan_clips(segments, duration, options)
    assert_decodable(planned, duration, options.longest_clip_s)
    packed = pack_clips(planned, options.pack_s)
    assert_decodable(packed, duration, max(options.pack_s, options.longest_clip_s))
    for seg in segments:  # no speech is left out; only a sliver under MIN_CLIP_S at the audio's ends
        assert uncovered_s(seg.start, seg.end, planned, duration) <= MIN_CLIP_S + EPS, seg
        assert uncovered_s(seg.start, seg.end, packed, duration) <= MIN_CLIP_S + EPS, seg


@st.composite
def recognised(draw, duration: float) -> list[ClipWords]:
    """Words Whisper returned somewhere in the audio (the first pass)."""
    spans = draw(
        st.lists(st.tuples(st.floats(0.0, max(duration, 0.0), allow_nan=False), st.floats(0.01, 2.0)), max_size=30)
    )
    words = [Word(start, start + length, "あ", 0.9) for start, length in spans]
    return [ClipWords(Clip(0.0, duration, None), words)]


@settings(max_examples=300, deadline=None)
@given(st.data(), layouts(), transcription_options())
def test_retry_clips_are_decodable_and_cover_every_missed_turn(data, layout, options) -> None:
    duration, segments = layout
    words = data.draw(recognised(duration))
    retry = retry_clips(segments, words, duration, options)
    assert_decodable(retry, duration, options.longest_clip_s)
    for seg in uncovered_segments(segments, words):
        assert uncovered_s(seg.start, seg.end, retry, duration) <= MIN_CLIP_S + EPS, seg


def test_retry_clips_of_adjacent_missed_turns_do_not_overlap() -> None:
    """The layout the diarizer gave for the 18 s cut of issue 16: one speaker, short pauses."""
    segments = [
        SpeakerSegment(s, e, "SPEAKER_00")
        for s, e in [(0.0, 2.6), (2.75, 5.85), (6.1, 14.15), (14.45, 16.5), (16.75, 18.0)]
    ]
    retry = retry_clips(segments, [], 18.0, TranscriptionOptions())
    assert [(round(c.start, 3), round(c.end, 3)) for c in retry] == [
        (0.0, 2.675),
        (2.675, 5.975),
        (5.975, 14.3),
        (14.3, 16.625),
        (16.625, 18.0),
    ]


@settings(max_examples=300, deadline=None)
@given(arbitrary_clips(), st.floats(2 * MIN_CLIP_S, 60.0))
def test_disjoint_clips_are_decodable_and_cover_every_clip(layout, max_s) -> None:
    duration, clips = layout
    out = disjoint_clips(clips, duration, max_s)
    assert_decodable(out, duration, max_s)
    for clip in clips:  # only a clip shorter than MIN_CLIP_S inside the audio may be dropped
        inside = max(0.0, min(duration, clip.end) - max(0.0, clip.start))
        allowed = inside if inside < MIN_CLIP_S else EPS
        assert uncovered_s(clip.start, clip.end, out, duration) <= allowed + EPS, clip


@settings(max_examples=300, deadline=None)
@given(arbitrary_clips(), st.floats(2 * MIN_CLIP_S, 30.0), st.floats(0.0, 40.0))
def test_packing_keeps_any_decodable_clips_decodable(layout, max_s, pack_s) -> None:
    duration, clips = layout
    planned = disjoint_clips(clips, duration, max_s)
    packed = pack_clips(planned, pack_s)
    assert_decodable(packed, duration, max(max_s, pack_s))
    assert sum(c.end - c.start for c in packed) >= sum(c.end - c.start for c in planned) - EPS


@pytest.mark.slow
@pytest.mark.ci
def test_kyouiku_cut_that_crashed_the_retry_transcribes_with_text() -> None:
    """kyouiku_iinkai.wav 170–188 s (scripts/make_crash_fixture.py): the first pass loops on the
    prompt and is dropped, so every turn is retried; the retry clips used to overlap and crash."""
    minutes = Pipeline(PipelineOptions()).run(FIXTURES / "kyouiku_170_188.flac")
    text = "".join(turn.text for turn in minutes.turns)
    assert "小中学校" in text and "上限" in text, text
