"""The pipeline with a meeting's materials, around a fake Whisper (the real ``Transcriber`` runs on
the fake's batched ``transcribe``): how the terms reach the decoder in each hint mode, that the
second pass decodes only the clips that gain from it, that material text never appears in
silence, and that replacements are recorded on the turns and survive the JSON form."""

from __future__ import annotations

import wave
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from models.materials import build_materials
from models.pipeline import Pipeline, PipelineOptions, RunOptions
from models.types import NO_HINT, SAMPLE_RATE, Minutes, SpeakerCountHint, SpeakerSegment

MATERIALS = build_materials(["産業振興委員会　資料\n1　島本町と千早赤阪村の連携事業\n2　ミナモト工業団地の拡張"])
# (start, end, what Whisper hears without the terms, what it hears when told them); 28–32 s is silence.
SCRIPT = [
    (1.0, 4.0, "しまもと町の事業です。", "島本町の事業です。"),
    (24.0, 27.0, "本日は以上です。", "本日は以上です。"),
    (45.0, 48.0, "みなもと工業団地です。", "ミナモト工業団地です。"),
]
SILENCE = (28.0, 32.0)
SEGMENTS = [SpeakerSegment(a, b, "SPEAKER_00") for a, b, _, _ in SCRIPT] + [SpeakerSegment(*SILENCE, "SPEAKER_01")]


def _segment(start: float, end: float, text: str, no_speech: float = 0.01, logprob: float = -0.2) -> SimpleNamespace:
    step = (end - start) / len(text)
    words = [
        SimpleNamespace(start=start + i * step, end=start + (i + 1) * step, word=ch, probability=0.9)
        for i, ch in enumerate(text)
    ]
    return SimpleNamespace(
        start=start,
        end=end,
        text=text,
        words=words,
        no_speech_prob=no_speech,
        avg_logprob=logprob,
        compression_ratio=1.1,
    )


class HintedWhisper:
    """Hears the right spelling only when the prompt or the hotwords name the term; in silence it
    says the prompt's terms back, with Whisper's no-speech signs (what a real model does)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def detect_language(self, audio: np.ndarray) -> tuple[str, float, list[Any]]:
        return "ja", 0.99, []

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[list[SimpleNamespace], None]:
        self.calls.append(kwargs)
        hints = (kwargs.get("initial_prompt") or "") + (kwargs.get("hotwords") or "")
        out = []
        for clip in kwargs["clip_timestamps"]:
            for start, end, plain, hinted in SCRIPT:
                if clip["start"] <= (start + end) / 2 <= clip["end"]:
                    told = any(t.surface in hints and t.surface in hinted for t in MATERIALS.terms)
                    out.append(_segment(start, end, hinted if told else plain))
            if clip["start"] <= sum(SILENCE) / 2 <= clip["end"] and "島本町" in hints:
                out.append(_segment(*SILENCE, "島本町と千早赤阪村の連携事業", no_speech=0.9, logprob=-1.5))
        return out, None


class Diarizer:
    def diarize(self, audio: np.ndarray, *, speakers: SpeakerCountHint = NO_HINT, progress: Any = None):
        return list(SEGMENTS)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audio") / "meeting.wav"
    noise = np.random.default_rng(0).normal(0.0, 0.01, 50 * SAMPLE_RATE)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((noise * 32767).astype("<i2").tobytes())
    return path


def _run(recording: Path, mode: str, materials=MATERIALS) -> tuple[Minutes, HintedWhisper]:
    whisper = HintedWhisper()
    minutes = Pipeline(PipelineOptions(materials_hints=mode), whisper=whisper, diarizer=Diarizer()).run(
        recording, options=RunOptions(materials=materials)
    )
    return minutes, whisper


def _text(minutes: Minutes) -> str:
    return "".join(t.text for t in minutes.turns)


def test_two_pass_decodes_again_only_the_clips_that_sound_like_a_term(recording: Path) -> None:
    minutes, whisper = _run(recording, "two-pass")
    first = whisper.calls[0]
    assert "島本町" not in (first["initial_prompt"] or "") and first["hotwords"] is None
    second = [
        c for c in whisper.calls if "島本町" in (c["initial_prompt"] or "") or "ミナモト" in (c["initial_prompt"] or "")
    ]
    redone = sorted(c["start"] for call in second for c in call["clip_timestamps"])
    assert len(redone) == 2 and all(not (20 < s < 28) for s in redone)  # 「本日は以上です」 is not redone
    assert "島本町の事業です" in _text(minutes) and "ミナモト工業団地です" in _text(minutes)


@pytest.mark.parametrize("mode", ["prompt", "hotwords"])
def test_prompt_and_hotwords_modes_give_every_clip_the_top_terms(recording: Path, mode: str) -> None:
    minutes, whisper = _run(recording, mode)
    key = "initial_prompt" if mode == "prompt" else "hotwords"
    hinted = [call[key] for call in whisper.calls if call[key]]  # the retry of lost speech is unprompted
    assert "島本町" in (whisper.calls[0][key] or "") and all("島本町" in hint for hint in hinted)
    assert "島本町の事業です" in _text(minutes)


@pytest.mark.parametrize("mode", ["prompt", "two-pass"])
def test_no_material_text_appears_in_silence(recording: Path, mode: str) -> None:
    minutes, _ = _run(recording, mode)
    assert not [w for t in minutes.turns for w in t.words if w.start < SILENCE[1] and w.end > SILENCE[0]]
    assert "千早赤阪村" not in _text(minutes)


def test_without_hints_the_draft_is_still_corrected_and_the_replacement_recorded(recording: Path) -> None:
    minutes, whisper = _run(recording, "off")
    assert len(whisper.calls) >= 1 and all("島本町" not in (c["initial_prompt"] or "") for c in whisper.calls)
    [turn] = minutes.turns
    assert turn.text == turn.clean_text == "島本町の事業です。本日は以上です。ミナモト工業団地です。"
    assert [(r.original, r.replacement, r.start) for r in turn.replacements] == [
        ("しまもと町", "島本町", 0),
        ("みなもと工業団地", "ミナモト工業団地", 17),
    ]
    again = Minutes.from_dict(minutes.to_dict())
    assert again.turns[0].replacements == turn.replacements


def test_without_materials_turns_carry_no_material_fields(recording: Path) -> None:
    minutes, whisper = _run(recording, "two-pass", materials=None)
    # the first pass, then only unprompted retries (the silent segment; 「本日は以上です。」 over 3 s reads
    # too slowly): no second pass with the terms
    assert len(whisper.calls) >= 2 and all(c["initial_prompt"] is None for c in whisper.calls[1:])
    assert all(not t.replacements and not t.suggestions for t in minutes.turns)
    assert all("replacements" not in t for t in minutes.to_dict()["turns"])
