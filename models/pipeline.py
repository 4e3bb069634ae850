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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.attribution import attribute, build_turns
from models.audio import decode_audio
from models.diarization.ge2e import SpeakerEncoder
from models.diarization.single import one_speaker
from models.draft import Vocabulary, clean_text, verbatim_text
from models.errors import GijirokuError
from models.materials import Materials
from models.materials.draft import draft_with_materials
from models.materials.hints import hint_prompt, top_terms
from models.materials.two_pass import TermPass
from models.quality import estimate_quality
from models.transcription import (
    DEFAULT_PROMPT_JA,
    FAINT_VAD_THRESHOLD,
    Clip,
    Transcriber,
    TranscriptionOptions,
    drop_recited_prompt,
    faint_segments,
    merge_recovered,
    pack_clips,
    plan_clips,
    replace_slow,
    retry_clips,
    slow_turns,
)
from models.types import (
    NO_HINT,
    SAMPLE_RATE,
    MeetingInfo,
    Minutes,
    RecordingQuality,
    Speaker,
    SpeakerCountHint,
    SpeakerSegment,
    Turn,
)
from models.vad import speech_regions
from models.voices.identify import identify_speakers
from models.voices.matching import VoiceMatch, VoiceRegistry

log = logging.getLogger(__name__)

# The stages in order, with the Japanese names the CLI's progress bar and the web pages show
# (the pages get them from ``service.jobs.states.JOB_STAGE_LABELS``).
STAGE_LABELS = {
    "decode": "音声の読み込み",
    "diarize": "話者の識別",
    "transcribe": "文字起こし",
    "attribute": "話者の割り当て",
    "draft": "下書きの作成",
}
STAGES = tuple(STAGE_LABELS)
Progress = Callable[[str, float], None]

# Share of a run's wall time per stage (docs/benchmarks.md, 2-core CPU), so progress bars move
# evenly instead of sitting at "transcribe 20 %" for most of the run.
STAGE_SHARE = {"decode": 0.01, "diarize": 0.07, "transcribe": 0.90, "attribute": 0.01, "draft": 0.01}


def overall_fraction(stage: str, fraction: float) -> float:
    """Progress of the whole run (0..1) from the current stage and its own fraction."""
    done = sum(STAGE_SHARE[s] for s in STAGES[: STAGES.index(stage)])
    return min(1.0, done + STAGE_SHARE[stage] * min(max(fraction, 0.0), 1.0))


@dataclass(frozen=True)
class PipelineOptions:
    """How a pipeline is built: the models it loads and the decoding every run uses.

    ``models.settings.ModelSettings.pipeline_options`` fills it from the ``GIJIROKU_*`` settings; what one
    recording asks for besides is a ``RunOptions``.
    """

    model_path: Path | None = None  # None: embedded Whisper base
    model_cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "gijiroku")
    device: str = "auto"
    compute_type: str = "auto"
    cpu_threads: int = 0
    language: str = "ja"  # "auto": detected per file
    beam_size: int = 5
    batch_size: int = 8
    prompt: str | None = DEFAULT_PROMPT_JA  # None: no prompt
    diarizer: str = "auto"
    pyannote_dir: Path | None = None
    pyannote_segmentation_step: float = 0.5
    vocabulary_hints: bool = False  # also pass a run's vocabulary to Whisper as hotwords
    materials_hints: str = "two-pass"  # how a run's materials reach Whisper (models.materials.hints)


@dataclass(frozen=True)
class RunOptions:
    """What one recording asks for (a job's form and department, the CLI's flags); the defaults
    change nothing. A shared pipeline gets these per call, so no run's choices reach another."""

    speakers: SpeakerCountHint = NO_HINT
    language: str | None = None  # None: the pipeline's language; "auto" detects it
    vocabulary: Vocabulary | None = None
    materials: Materials | None = None  # the meeting's documents (会議資料): hints, corrections
    voices: VoiceRegistry | None = None  # people whose voices may name the diarized speakers


@dataclass(frozen=True)
class PipelineRun:
    """One run's result: the minutes and the wall seconds per stage (the benchmark reads them)."""

    minutes: Minutes
    stage_seconds: dict[str, float]


def draft_turns(turns: list[Turn], vocabulary: Vocabulary | None, materials: Materials | None = None) -> None:
    """The draft stage on turns whose ``text`` is Whisper's joined words: verbatim and cleaned
    text, the vocabulary, and the materials' corrections and suggestions (the materials benchmark
    calls it again on saved words)."""
    for turn in turns:
        raw = turn.text  # Whisper's words as joined: its spaces still mark pauses for ケバ取り
        verbatim = verbatim_text(raw)
        turn.text = vocabulary.apply(verbatim) if vocabulary else verbatim
        if materials:
            draft_with_materials(turn, raw, vocabulary, materials)
        else:
            turn.clean_text = clean_text(raw, vocabulary)


class _Stages:
    """One run's progress reports and stage timings, kept off the shared ``Pipeline``."""

    def __init__(self, progress: Progress | None) -> None:
        self._report: Progress = progress or (lambda stage, fraction: None)
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[Callable[[float], None]]:
        """Report ``name`` at 0, yield its progress callback, report 1 and record its seconds."""
        started = time.perf_counter()
        self._report(name, 0.0)
        yield lambda fraction: self._report(name, fraction)
        self._report(name, 1.0)
        self.seconds[name] = time.perf_counter() - started


class NoSpeechError(GijirokuError):
    """Nothing in the recording was found to be speech. It carries the recording's quality: a
    recorder left at −50 dBFS or a file of hum is the usual cause, and its advice says what to do
    (the job stores it, so the meeting page shows it even though no draft was made)."""

    def __init__(self, quality: RecordingQuality) -> None:
        advice = quality.advice[0] if quality.advice else ""
        super().__init__(
            "no_speech",
            f"音声から発言を検出できませんでした。{advice}",
            "No speech was found in the recording (see the recording quality on the meeting page).",
            status=422,
        )
        self.quality = quality


class Pipeline:
    """``whisper`` / ``diarizer``: already loaded models (tests pass fakes); None loads them from
    ``options`` on first use."""

    def __init__(self, options: PipelineOptions | None = None, whisper: Any = None, diarizer: Any = None) -> None:
        self.options = options or PipelineOptions()
        self._whisper = whisper
        self._diarizer = diarizer
        self._whisper_lock = threading.Lock()
        self._diarizer_lock = threading.Lock()
        self._voice_encoder: SpeakerEncoder | None = None

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
                from models.asr_model import choose_device
                from models.diarization import load_diarizer

                o = self.options
                self._diarizer = load_diarizer(
                    o.diarizer,
                    o.pyannote_dir,
                    segmentation_step=o.pyannote_segmentation_step,
                    device=choose_device(o.device).device,
                )
            return self._diarizer

    @property
    def voice_encoder(self) -> SpeakerEncoder:
        """The diarizer's own GE2E encoder when it has one (the bundled diarizer), else one loaded
        for voice matching alone (pyannote, none): prints always come from ``GE2E_ENCODER``."""
        encoder = getattr(self.diarizer, "encoder", None)
        if isinstance(encoder, SpeakerEncoder):
            return encoder
        with self._diarizer_lock:
            if self._voice_encoder is None:
                self._voice_encoder = SpeakerEncoder()
            return self._voice_encoder

    # --- stages ---------------------------------------------------------------------------------
    def _diarize(
        self, audio: np.ndarray, speakers: SpeakerCountHint, warnings: list[str], progress: Callable[[float], None]
    ) -> list[SpeakerSegment]:
        """Never lose words to diarization: on failure, one speaker over the VAD's speech."""
        try:
            segments = self.diarizer.diarize(audio, speakers=speakers, progress=progress)
        except Exception as exc:  # any diarizer failure degrades to one speaker, it never aborts
            log.exception("diarization failed; falling back to a single speaker")
            detail = exc.message if isinstance(exc, GijirokuError) else exc.__class__.__name__
            warnings.append(f"話者識別に失敗したため、全体を1人の話者として扱いました（{detail}）。")
            segments = []
        if not segments:
            segments = one_speaker(speech_regions(audio))
        return segments

    def _identify(
        self,
        audio: np.ndarray,
        segments: list[SpeakerSegment],
        voices: VoiceRegistry,
        meeting: MeetingInfo | None,
        warnings: list[str],
    ) -> list[VoiceMatch]:
        """Registered voices → speaker names; a failure leaves every speaker 話者N, never the run."""
        try:
            return identify_speakers(self.voice_encoder, audio, segments, voices, meeting)
        except Exception:
            log.exception("voice matching failed; speakers keep their numbers")
            warnings.append("登録話者との照合に失敗したため、話者名は付けていません。")
            return []

    def _transcription(self, run: RunOptions) -> TranscriptionOptions:
        o = self.options
        hotwords = run.vocabulary.hotwords() if run.vocabulary and o.vocabulary_hints else None
        prompt = o.prompt
        if run.materials and o.materials_hints == "prompt":
            prompt = hint_prompt(o.prompt, top_terms(run.materials))
        elif run.materials and o.materials_hints == "hotwords":
            hotwords = "、".join(filter(None, [hotwords, *top_terms(run.materials)]))
        return TranscriptionOptions(
            language=run.language or o.language,
            beam_size=o.beam_size,
            batch_size=o.batch_size,
            prompt=prompt,
            hotwords=hotwords,
        )

    def run(
        self,
        audio_path: Path,
        meeting: MeetingInfo | None = None,
        progress: Progress | None = None,
        options: RunOptions | None = None,
    ) -> Minutes:
        """Process one recording; ``options``: what this recording asks for (default: nothing)."""
        return self.run_timed(audio_path, meeting, progress, options).minutes

    def run_timed(
        self,
        audio_path: Path,
        meeting: MeetingInfo | None = None,
        progress: Progress | None = None,
        options: RunOptions | None = None,
    ) -> PipelineRun:
        """``run``, also returning the wall seconds of each stage of this run."""
        run = options or RunOptions()
        stage = _Stages(progress)
        warnings: list[str] = []

        with stage("decode"):
            audio = decode_audio(Path(audio_path))
            duration = len(audio) / SAMPLE_RATE
            quality = estimate_quality(audio)  # a few hundred ms per hour of audio

        with stage("diarize") as diarize_progress:
            segments = self._diarize(audio, run.speakers, warnings, diarize_progress)
        if not segments:
            raise NoSpeechError(quality)
        matches: list[VoiceMatch] = []
        if run.voices and run.voices.people:  # timed apart: the issue caps it at 5 % of the run
            started = time.perf_counter()
            matches = self._identify(audio, segments, run.voices, meeting, warnings)
            stage.seconds["voices"] = time.perf_counter() - started

        with stage("transcribe") as transcribe_progress:
            transcription = self._transcription(run)
            clips: list[Clip] = pack_clips(plan_clips(segments, duration, transcription), transcription.pack_s)
            transcriber = Transcriber(self.whisper, transcription)
            second = (
                TermPass(run.materials, transcription.prompt)
                if run.materials and self.options.materials_hints == "two-pass"
                else None
            )
            clip_words, language = transcriber.transcribe(audio, clips, transcribe_progress, second=second)
            # Second chance for speech no word came back for (content loss is the worst error),
            # without the prompt the first pass may have fallen back on instead of the speech: lost
            # turns, stretches where it recited the prompt, and faint speech the diarizer's VAD missed.
            if language == "ja":
                clip_words = drop_recited_prompt(clip_words, transcription.prompt)
            faint = faint_segments(speech_regions(audio, threshold=FAINT_VAD_THRESHOLD), segments)
            retry = retry_clips([*segments, *faint], clip_words, duration, transcription)
            if retry:
                recovered, _ = transcriber.transcribe(audio, retry, language=language, prompted=False)
                clip_words = merge_recovered(clip_words, recovered)
            # A sentence skipped under the next one's words shows only as a slow reading rate, counted
            # in characters: calibrated on Japanese (docs/benchmarks.md, "Turns read too slowly").
            slow = slow_turns(segments, clip_words, duration, transcription) if language == "ja" else []
            if slow:
                retried, _ = transcriber.transcribe(audio, slow, language=language, prompted=False)
                clip_words = replace_slow(clip_words, retried, transcription.slow_gain)
            del audio

        with stage("attribute"):
            turns = build_turns(attribute(clip_words, segments))

        with stage("draft"):
            draft_turns(turns, run.vocabulary, run.materials)
            turns = [turn for turn in turns if turn.text]
            order: list[str] = []
            for turn in turns:
                if turn.speaker not in order:
                    order.append(turn.speaker)
            named = {m.speaker: m.label for m in matches}
            speakers = [Speaker(id=sid, label=named.get(sid, f"話者{i + 1}")) for i, sid in enumerate(order)]
            if not turns:
                warnings.append("発言の文字起こし結果が空でした。")
        minutes = Minutes(
            meeting=meeting or MeetingInfo(),
            speakers=speakers,
            turns=turns,
            duration=round(duration, 3),
            language=language,
            warnings=warnings,
            voice_matches=[m for m in matches if m.speaker in order],
            quality=quality,
        )
        return PipelineRun(minutes, stage.seconds)
