"""End to end on fixture audio: ``gijiroku voices enroll`` from one recording's named speakers, then
the pipeline names the same voice in another recording, and a voice never enrolled stays 話者N.

ja_meeting.wav has kokoro jm_kumo (委員長), open_jtalk mei_normal and kokoro jf_alpha;
kyouiku_170_188.flac is jf_alpha alone, in another meeting, at another speed (tests/fixtures).
Whisper is replaced by a fake that returns one sentence per clip; the diarizer, the GE2E encoder
and the matching are real.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from models.pipeline import Pipeline, PipelineOptions, RunOptions
from models.types import MeetingInfo, Minutes, Speaker, SpeakerSegment, Turn
from models.voices.embedding import GE2E_ENCODER
from models.voices.matching import Person, VoicePrint, VoiceRegistry
from models.voices.store import VoiceStore
from service.cli import main as cli
from service.voices_cli import load_registry

FIXTURES = Path(__file__).parents[2] / "fixtures"
NAMES = {"chair": "委員長（佐藤）", "manager": "財政課長（佐藤）", "member_a": "委員（鈴木）"}


class OneSentenceWhisper:
    """Every clip comes back as one short sentence spread over the clip."""

    def detect_language(self, audio: np.ndarray) -> tuple[str, float, list[Any]]:
        return "ja", 0.99, []

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[list[SimpleNamespace], None]:
        out = []
        for clip in kwargs["clip_timestamps"]:
            start, end, text = clip["start"], clip["end"], "説明します"
            step = (end - start) / len(text)
            words = [
                SimpleNamespace(start=start + i * step, end=start + (i + 1) * step, word=ch, probability=0.9)
                for i, ch in enumerate(text)
            ]
            out.append(
                SimpleNamespace(
                    start=start,
                    end=end,
                    text=text,
                    words=words,
                    no_speech_prob=0.01,
                    avg_logprob=-0.2,
                    compression_ratio=1.1,
                )
            )
        return out, None


def reference_minutes(named: set[str]) -> Minutes:
    """ja_meeting's reference turns as minutes; speakers in ``named`` carry names, the rest 話者N."""
    data = json.loads((FIXTURES / "ja_meeting.json").read_text(encoding="utf-8"))
    keys = list(dict.fromkeys(s["speaker"] for s in data["segments"]))
    speakers = [Speaker(k, NAMES[k] if k in named else f"話者{i + 1}") for i, k in enumerate(keys)]
    turns = [Turn(s["speaker"], s["start"], s["end"], s["text"], s["text"]) for s in data["segments"]]
    return Minutes(meeting=MeetingInfo(), speakers=speakers, turns=turns)


def enrol(tmp_path: Path, named: set[str], capsys) -> Path:
    minutes_path, store = tmp_path / "minutes.json", tmp_path / "voices.json"
    minutes = reference_minutes(named)
    minutes_path.write_text(
        json.dumps({"speakers": [s.__dict__ for s in minutes.speakers], "turns": [t.__dict__ for t in minutes.turns]})
    )
    assert cli(["voices", "enroll", str(store), str(FIXTURES / "ja_meeting.wav"), str(minutes_path)]) == 0
    capsys.readouterr()
    return store


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(PipelineOptions(diarizer="bundled"), whisper=OneSentenceWhisper())


@pytest.mark.slow
def test_enrolled_voice_is_named_in_another_meeting(tmp_path, capsys, pipeline) -> None:
    store = enrol(tmp_path, {"chair", "manager", "member_a"}, capsys)
    assert [p.label for p in VoiceStore.load(store).people()] == list(NAMES.values())
    assert cli(["voices", "list", str(store)]) == 0
    listing = capsys.readouterr().out
    assert "委員（鈴木）\t1\tja_meeting.wav" in listing and "[" not in listing  # no vector is printed
    assert (store.stat().st_mode & 0o777) == 0o600

    run = pipeline.run_timed(FIXTURES / "kyouiku_170_188.flac", options=RunOptions(voices=load_registry(store)))
    assert {s.label for s in run.minutes.speakers} == {"委員（鈴木）"}
    (match,) = run.minutes.voice_matches
    assert match.label == "委員（鈴木）" and match.score >= 0.8 and "voices" in run.stage_seconds
    assert "voice_matches" not in run.minutes.to_dict()  # matches and scores never reach an export


@pytest.mark.slow
def test_a_voice_never_enrolled_is_never_named(tmp_path, capsys, pipeline) -> None:
    store = enrol(tmp_path, {"chair", "manager"}, capsys)  # jf_alpha stays 話者3: not enrolled
    run = pipeline.run_timed(FIXTURES / "kyouiku_170_188.flac", options=RunOptions(voices=load_registry(store)))
    assert [s.label for s in run.minutes.speakers] == ["話者1"]
    assert run.minutes.voice_matches == []


class OneSegmentDiarizer:
    def diarize(self, audio: np.ndarray, *, speakers: Any = None, progress: Any = None) -> list[SpeakerSegment]:
        return [SpeakerSegment(0.5, 3.6, "SPEAKER_00")]


def test_a_matching_failure_leaves_numbers_and_a_warning_not_a_failed_run(monkeypatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> list[Any]:
        raise RuntimeError("encoder exploded")

    monkeypatch.setattr("models.pipeline.identify_speakers", broken)
    person = Person("p1", "委員長（佐藤）", prints=(VoicePrint("v1", GE2E_ENCODER, np.ones(256, np.float32) / 16),))
    pipeline = Pipeline(PipelineOptions(), whisper=OneSentenceWhisper(), diarizer=OneSegmentDiarizer())
    minutes = pipeline.run(FIXTURES / "ja_short.wav", options=RunOptions(voices=VoiceRegistry((person,))))
    assert [s.label for s in minutes.speakers] == ["話者1"] and minutes.turns
    assert minutes.warnings == ["登録話者との照合に失敗したため、話者名は付けていません。"]
