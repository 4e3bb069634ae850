"""``Pipeline.run`` around fake models: what the pipeline itself decides (stage order, the second
pass for lost turns, the one-speaker fallback, no speech, the vocabulary, per-run options) without
Whisper or the speaker encoder. The real ``Transcriber`` runs on the fake's batched ``transcribe``;
decoding and the VAD are real. The real-model checks stay in ``test_pipeline.py``."""

from __future__ import annotations

import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from models.draft.vocabulary import Vocabulary, VocabularyEntry
from models.errors import GijirokuError
from models.pipeline import STAGES, NoSpeechError, Pipeline, PipelineOptions, RunOptions
from models.types import NO_HINT, SAMPLE_RATE, Minutes, SpeakerCountHint, SpeakerSegment

FIXTURES = Path(__file__).parents[1] / "fixtures"


@dataclass(frozen=True)
class Utterance:
    start: float
    end: float
    text: str


# Two speakers; 「はい、委員長。」 is what Whisper tends to drop next to another turn (issue 16).
SCRIPT = (  # read at committee pace (5–7 characters a second), so no turn reads too slowly
    Utterance(1.0, 4.0, "それでは、ただいまから会議を始めます。"),
    Utterance(5.0, 8.0, "ぎかいの議案について、順に説明します。"),
    Utterance(8.6, 9.6, "はい、委員長。"),
)
TURNS = [
    SpeakerSegment(1.0, 4.0, "SPEAKER_00"),
    SpeakerSegment(5.0, 8.0, "SPEAKER_01"),
    SpeakerSegment(8.6, 9.6, "SPEAKER_00"),
]


class FakeWhisper:
    """faster-whisper's batched ``transcribe`` and ``detect_language`` over a fixed script: every
    utterance whose middle lies in a requested clip comes back as one segment, except those in
    ``missed_first`` on the first call. Each call's arguments are kept in ``calls``."""

    def __init__(self, script: tuple[Utterance, ...] = SCRIPT, missed_first: tuple[str, ...] = ()) -> None:
        self.script, self.missed_first = script, missed_first
        self.calls: list[dict[str, Any]] = []
        self.detected = 0

    def detect_language(self, audio: np.ndarray) -> tuple[str, float, list[Any]]:
        self.detected += 1
        return "ja", 0.99, []

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[list[SimpleNamespace], None]:
        first = not self.calls
        self.calls.append(kwargs)
        segments = []
        for clip in kwargs["clip_timestamps"]:
            for u in self.script:
                if clip["start"] <= (u.start + u.end) / 2 <= clip["end"] and not (
                    first and u.text in self.missed_first
                ):
                    segments.append(_segment(u))
        return segments, None


def _segment(u: Utterance) -> SimpleNamespace:
    """One Whisper segment whose words share the utterance's time evenly."""
    step = (u.end - u.start) / len(u.text)
    words = [
        SimpleNamespace(start=u.start + i * step, end=u.start + (i + 1) * step, word=ch, probability=0.9)
        for i, ch in enumerate(u.text)
    ]
    return SimpleNamespace(
        start=u.start, end=u.end, text=u.text, words=words, no_speech_prob=0.01, avg_logprob=-0.2, compression_ratio=1.1
    )


class FakeDiarizer:
    """Returns ``segments`` (or raises ``error``) and remembers each call's speaker hint."""

    def __init__(self, segments: list[SpeakerSegment] | None = None, error: Exception | None = None) -> None:
        self.segments, self.error = TURNS if segments is None else segments, error
        self.hints: list[SpeakerCountHint] = []

    def diarize(
        self, audio: np.ndarray, *, speakers: SpeakerCountHint = NO_HINT, progress: Any = None
    ) -> list[SpeakerSegment]:
        self.hints.append(speakers)
        if self.error is not None:
            raise self.error
        if progress:
            progress(0.5)
        return list(self.segments)


def _wav(path: Path, seconds: float, amplitude: float = 0.0) -> Path:
    noise = (
        np.random.default_rng(0).normal(0.0, amplitude, int(seconds * SAMPLE_RATE))
        if amplitude
        else np.zeros(int(seconds * SAMPLE_RATE))
    )
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((noise * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _wav(tmp_path_factory.mktemp("audio") / "meeting.wav", 12.0, amplitude=0.01)


def _texts(minutes: Minutes) -> list[tuple[str, str]]:
    return [(t.speaker, t.text) for t in minutes.turns]


def test_stages_are_reported_in_order_each_from_0_to_1(recording: Path) -> None:
    reported: list[tuple[str, float]] = []
    run = Pipeline(whisper=FakeWhisper(), diarizer=FakeDiarizer()).run_timed(
        recording, progress=lambda s, f: reported.append((s, f))
    )
    assert list(dict.fromkeys(stage for stage, _ in reported)) == list(STAGES)
    for stage in STAGES:
        fractions = [f for s, f in reported if s == stage]
        assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert ("diarize", 0.5) in reported  # the diarizer's own progress goes through
    assert list(run.stage_seconds) == list(STAGES) and all(s >= 0 for s in run.stage_seconds.values())
    assert [s.label for s in run.minutes.speakers] == ["話者1", "話者2"]
    assert run.minutes.duration == 12.0 and run.minutes.warnings == []


def test_a_turn_lost_in_the_first_pass_is_decoded_again_on_its_own(recording: Path) -> None:
    whisper = FakeWhisper(missed_first=("はい、委員長。",))
    minutes = Pipeline(whisper=whisper, diarizer=FakeDiarizer()).run(recording)
    assert len(whisper.calls) == 2
    [retry] = whisper.calls[1]["clip_timestamps"]
    assert 8.0 <= retry["start"] <= 8.6 and 9.6 <= retry["end"] <= 10.0  # the lost turn, padded, alone
    assert whisper.calls[1]["language"] == "ja"
    # the prompt is what a lost stretch may have been decoded as (「答弁。答弁。」): not on the retry
    assert whisper.calls[0]["initial_prompt"] and whisper.calls[1]["initial_prompt"] is None
    speakers = [speaker for speaker, _ in _texts(minutes)]
    assert speakers == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_00"]
    assert "委員長" in minutes.turns[-1].text


class SkipsAnOpening(FakeWhisper):
    """Whisper dropping a turn's first sentence when prompted and aligning the next one over the whole
    turn (no stretch is left without words); heard alone and without the prompt it says both."""

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[list[SimpleNamespace], None]:
        segments, _ = super().transcribe(audio, **kwargs)
        if kwargs["initial_prompt"] is None:
            return segments, None
        opening, following = self.script[0], self.script[1]
        stretched = Utterance(opening.start, following.end, following.text)
        return [
            _segment(stretched) if s.text == following.text else s for s in segments if s.text != opening.text
        ], None


def test_a_sentence_skipped_under_the_next_ones_words_is_decoded_again_and_replaced(recording: Path) -> None:
    whisper = SkipsAnOpening()
    one_turn = [SpeakerSegment(1.0, 8.0, "SPEAKER_00"), SpeakerSegment(8.6, 9.6, "SPEAKER_01")]
    minutes = Pipeline(whisper=whisper, diarizer=FakeDiarizer(segments=one_turn)).run(recording)
    assert len(whisper.calls) == 2 and whisper.calls[1]["initial_prompt"] is None
    text = minutes.turns[0].text
    assert "会議を始めます" in text and text.count("説明します") == 1  # recovered, and not read twice


def test_no_second_pass_when_every_turn_got_words(recording: Path) -> None:
    whisper = FakeWhisper()
    Pipeline(whisper=whisper, diarizer=FakeDiarizer()).run(recording)
    assert len(whisper.calls) == 1


@pytest.mark.parametrize(
    ("error", "detail"),
    [
        (RuntimeError("boom"), "RuntimeError"),
        (GijirokuError("x", "話者モデルが壊れています", "broken"), "話者モデルが壊れています"),
    ],
)
def test_a_failing_diarizer_falls_back_to_one_speaker_over_the_speech(error: Exception, detail: str) -> None:
    whisper = FakeWhisper(script=(Utterance(0.5, 3.6, "それでは本日の会議を始めます。"),))
    minutes = Pipeline(whisper=whisper, diarizer=FakeDiarizer(error=error)).run(FIXTURES / "ja_short.wav")
    assert {t.speaker for t in minutes.turns} == {"SPEAKER_00"} and "会議を始めます" in minutes.turns[0].text
    assert len(minutes.warnings) == 1 and "話者識別に失敗" in minutes.warnings[0] and detail in minutes.warnings[0]


def test_no_speech_is_a_422_error_before_transcription(tmp_path: Path) -> None:
    """Nothing from the diarizer and nothing the VAD calls speech (a quiet hiss): no transcription,
    and the error says what to change next time."""
    whisper, reported = FakeWhisper(), []
    pipeline = Pipeline(whisper=whisper, diarizer=FakeDiarizer(segments=[]))
    with pytest.raises(GijirokuError) as raised:
        pipeline.run(_wav(tmp_path / "hiss.wav", 3.0, amplitude=0.01), progress=lambda s, f: reported.append(s))
    assert raised.value.code == "no_speech" and raised.value.status == 422
    assert "transcribe" not in reported and whisper.calls == []
    # the error carries the recording's quality, and its first advice says what to change
    assert isinstance(raised.value, NoSpeechError) and raised.value.quality.grade == "poor"
    assert raised.value.quality.advice[0] in raised.value.ja


def test_the_vocabulary_corrects_the_draft_and_is_a_hint_only_when_asked(recording: Path) -> None:
    vocabulary = Vocabulary([VocabularyEntry("議会", ["ぎかい"])])
    whisper = FakeWhisper()
    minutes = Pipeline(whisper=whisper, diarizer=FakeDiarizer()).run(
        recording, options=RunOptions(vocabulary=vocabulary)
    )
    assert "議会の議案" in minutes.turns[1].text and "議会の議案" in minutes.turns[1].clean_text
    assert whisper.calls[0]["hotwords"] is None
    hinted = FakeWhisper()
    Pipeline(PipelineOptions(vocabulary_hints=True), whisper=hinted, diarizer=FakeDiarizer()).run(
        recording, options=RunOptions(vocabulary=vocabulary)
    )
    assert hinted.calls[0]["hotwords"] == "議会"


def test_options_of_one_run_do_not_reach_the_next(recording: Path) -> None:
    whisper, diarizer = FakeWhisper(), FakeDiarizer()
    pipeline = Pipeline(PipelineOptions(language="ja"), whisper=whisper, diarizer=diarizer)
    asked = RunOptions(
        speakers=SpeakerCountHint(num=3), language="auto", vocabulary=Vocabulary([VocabularyEntry("議会", ["ぎかい"])])
    )
    first = pipeline.run(recording, options=asked)
    second = pipeline.run(recording)
    assert diarizer.hints == [SpeakerCountHint(num=3), NO_HINT]
    assert whisper.detected == 1  # "auto" detected the language for the first run only
    assert [call["language"] for call in whisper.calls] == ["ja", "ja"]
    assert "議会" in first.turns[1].text and "ぎかい" in second.turns[1].text
    assert pipeline.options == PipelineOptions(language="ja")


def test_concurrent_runs_keep_their_own_options(recording: Path) -> None:
    """Two jobs on one shared pipeline at once: each gets its own hint back, none the other's."""
    together = threading.Barrier(2, timeout=10)

    class Meeting(FakeDiarizer):
        def diarize(
            self, audio: np.ndarray, *, speakers: SpeakerCountHint = NO_HINT, progress: Any = None
        ) -> list[SpeakerSegment]:
            together.wait()
            return [SpeakerSegment(u.start, u.end, f"SPEAKER_{i:02d}") for i, u in enumerate(SCRIPT[: speakers.num])]

    pipeline = Pipeline(whisper=FakeWhisper(), diarizer=Meeting())
    results: dict[int, Any] = {}

    def run(n: int) -> None:
        results[n] = pipeline.run(recording, options=RunOptions(speakers=SpeakerCountHint(num=n)))

    threads = [threading.Thread(target=run, args=(n,)) for n in (1, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results[1].speakers) == 1 and len(results[3].speakers) == 3
