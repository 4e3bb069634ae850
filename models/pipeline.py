"""The whole pipeline: decode → diarize → transcribe → attribute → draft, as one reusable object.

A ``Pipeline`` owns the heavy models (Whisper, speaker encoder) and loads each on first use, so a
worker builds one and reuses it for every job; importing this module loads nothing. Worker threads
share one ``Pipeline``: each model is loaded once under a lock, and everything a run produces
(minutes, stage timings) is returned, never kept on the object.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models.attribution import attribute, build_turns
from models.audio import decode_audio
from models.draft import Vocabulary, clean_text, verbatim_text
from models.errors import GijirokuError
from models.transcription import (
    DEFAULT_PROMPT_JA,
    Clip,
    Transcriber,
    TranscriptionOptions,
    pack_clips,
    plan_clips,
    retry_clips,
)
from models.types import SAMPLE_RATE, MeetingInfo, Minutes, Speaker, SpeakerSegment, Turn

if TYPE_CHECKING:
    from service.config import Settings

log = logging.getLogger(__name__)

STAGES = ("decode", "diarize", "transcribe", "attribute", "draft")
Progress = Callable[[str, float], None]

# Share of a run's wall time per stage (docs/benchmarks.md, 2-core CPU), so progress bars move
# evenly instead of sitting at "transcribe 20 %" for most of the run.
STAGE_SHARE = {"decode": 0.01, "diarize": 0.07, "transcribe": 0.90, "attribute": 0.01, "draft": 0.01}


def overall_fraction(stage: str, fraction: float) -> float:
    """Progress of the whole run (0..1) from the current stage and its own fraction."""
    done = sum(STAGE_SHARE[s] for s in STAGES[: STAGES.index(stage)])
    return min(1.0, done + STAGE_SHARE[stage] * min(max(fraction, 0.0), 1.0))


@dataclass
class PipelineOptions:
    model_path: Path | None = None  # None: embedded Whisper base
    model_cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "gijiroku")
    device: str = "auto"
    compute_type: str = "auto"
    cpu_threads: int = 0
    language: str = "ja"
    beam_size: int = 5
    batch_size: int = 8
    prompt: str | None = DEFAULT_PROMPT_JA
    diarizer: str = "auto"
    pyannote_dir: Path | None = None
    pyannote_segmentation_step: float = 0.5
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    vocabulary: Vocabulary | None = None
    vocabulary_hints: bool = False  # also pass the vocabulary to Whisper as hotwords

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> PipelineOptions:
        base = cls(
            model_path=settings.model_path,
            model_cache_dir=settings.model_cache_dir,
            device=settings.device,
            compute_type=settings.compute_type,
            cpu_threads=settings.cpu_threads,
            language=settings.language,
            beam_size=settings.beam_size,
            diarizer=settings.diarizer,
            pyannote_dir=settings.pyannote_dir,
            pyannote_segmentation_step=settings.pyannote_segmentation_step,
        )
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})


@dataclass(frozen=True)
class PipelineRun:
    """One run's result: the minutes and the wall seconds per stage (the benchmark reads them)."""

    minutes: Minutes
    stage_seconds: dict[str, float]


class Pipeline:
    """``whisper`` / ``diarizer``: already loaded models (tests pass fakes); None loads them from
    ``options`` on first use."""

    def __init__(self, options: PipelineOptions | None = None, whisper: Any = None, diarizer: Any = None) -> None:
        self.options = options or PipelineOptions()
        self._whisper = whisper
        self._diarizer = diarizer
        self._whisper_lock = threading.Lock()
        self._diarizer_lock = threading.Lock()

    # --- models, loaded once ------------------------------------------------------------------
    @property
    def whisper(self):
        with self._whisper_lock:  # two jobs starting together must not load it twice
            if self._whisper is None:
                from models.asr_model import load_whisper

                o = self.options
                self._whisper = load_whisper(o.model_path, o.model_cache_dir, o.device, o.compute_type, o.cpu_threads)
            return self._whisper

    @property
    def diarizer(self):
        with self._diarizer_lock:
            if self._diarizer is None:
                from models.diarization import load_diarizer

                from models.asr_model import choose_device

                o = self.options
                self._diarizer = load_diarizer(
                    o.diarizer,
                    o.pyannote_dir,
                    segmentation_step=o.pyannote_segmentation_step,
                    device=choose_device(o.device).device,
                )
            return self._diarizer

    # --- stages ---------------------------------------------------------------------------------
    def _diarize(self, audio: np.ndarray, options: PipelineOptions, warnings: list[str],
                 progress: Callable[[float], None]) -> list[SpeakerSegment]:
        """Never lose words to diarization: on failure, one speaker over the VAD's speech."""
        try:
            segments = self.diarizer.diarize(
                audio,
                num_speakers=options.num_speakers,
                min_speakers=options.min_speakers,
                max_speakers=options.max_speakers,
                progress=progress,
            )
        except Exception as exc:  # any diarizer failure degrades to one speaker, it never aborts
            log.exception("diarization failed; falling back to a single speaker")
            detail = exc.message if isinstance(exc, GijirokuError) else exc.__class__.__name__
            warnings.append(f"話者識別に失敗したため、全体を1人の話者として扱いました（{detail}）。")
            segments = []
        if not segments:
            from models.vad import speech_regions

            segments = [SpeakerSegment(s, e, "SPEAKER_00") for s, e in speech_regions(audio)]
        return segments

    def _draft(self, turns: list[Turn], vocabulary: Vocabulary | None) -> None:
        for turn in turns:
            raw = turn.text  # Whisper's words as joined: its spaces still mark pauses for ケバ取り
            verbatim = verbatim_text(raw)
            turn.text = vocabulary.apply(verbatim) if vocabulary else verbatim
            turn.clean_text = clean_text(raw, vocabulary)

    def run(
        self,
        audio_path: Path,
        meeting: MeetingInfo | None = None,
        progress: Progress | None = None,
        **overrides: Any,
    ) -> Minutes:
        """Process one recording; ``overrides`` replace ``PipelineOptions`` fields for this run only."""
        return self.run_timed(audio_path, meeting, progress, **overrides).minutes

    def run_timed(
        self,
        audio_path: Path,
        meeting: MeetingInfo | None = None,
        progress: Progress | None = None,
        **overrides: Any,
    ) -> PipelineRun:
        """``run``, also returning the wall seconds of each stage of this run."""
        options = replace(self.options, **{k: v for k, v in overrides.items() if v is not None})
        report: Progress = progress or (lambda stage, fraction: None)
        warnings: list[str] = []
        seconds: dict[str, float] = {}

        def stage(name: str) -> Callable[[float], None]:
            return lambda fraction: report(name, fraction)

        def lap(name: str, started: float) -> float:
            now = time.perf_counter()
            seconds[name] = now - started
            return now

        t = time.perf_counter()
        report("decode", 0.0)
        audio = decode_audio(Path(audio_path))
        duration = len(audio) / SAMPLE_RATE
        report("decode", 1.0)
        t = lap("decode", t)

        report("diarize", 0.0)
        segments = self._diarize(audio, options, warnings, stage("diarize"))
        report("diarize", 1.0)
        t = lap("diarize", t)
        if not segments:
            raise GijirokuError("no_speech", "音声から発言を検出できませんでした。", "No speech was found in the recording.", status=422)

        report("transcribe", 0.0)
        transcription = TranscriptionOptions(
            language=options.language,
            beam_size=options.beam_size,
            batch_size=options.batch_size,
            prompt=options.prompt,
            hotwords=options.vocabulary.hotwords() if options.vocabulary and options.vocabulary_hints else None,
        )
        clips: list[Clip] = pack_clips(plan_clips(segments, duration, transcription), transcription.pack_s)
        transcriber = Transcriber(self.whisper, transcription)
        clip_words, language = transcriber.transcribe(audio, clips, stage("transcribe"))
        # Second chance for speech no word came back for (content loss is the worst error).
        retry = retry_clips(segments, clip_words, duration, transcription)
        if retry:
            recovered, _ = transcriber.transcribe(audio, retry, language=language)
            clip_words += [cw for cw in recovered if cw.words]
        del audio
        report("transcribe", 1.0)
        t = lap("transcribe", t)

        report("attribute", 0.0)
        turns = build_turns(attribute(clip_words, segments))
        report("attribute", 1.0)
        t = lap("attribute", t)

        report("draft", 0.0)
        self._draft(turns, options.vocabulary)
        turns = [turn for turn in turns if turn.text]
        order: list[str] = []
        for turn in turns:
            if turn.speaker not in order:
                order.append(turn.speaker)
        speakers = [Speaker(id=sid, label=f"話者{i + 1}") for i, sid in enumerate(order)]
        if not turns:
            warnings.append("発言の文字起こし結果が空でした。")
        report("draft", 1.0)
        lap("draft", t)
        minutes = Minutes(
            meeting=meeting or MeetingInfo(),
            speakers=speakers,
            turns=turns,
            duration=round(duration, 3),
            language=language,
            warnings=warnings,
        )
        return PipelineRun(minutes, seconds)
