"""Scoring minutes against a corpus: one ``MeetingScore`` per meeting and audio variant.

Hypotheses come either from saved JSON (``Minutes.to_dict`` form, so runs can be scored again
without re-transcribing) or from running ``models.pipeline`` on the meeting audio.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from functools import reduce
from pathlib import Path

from evaluation.corpus import Meeting
from evaluation.metrics import (
    Rate,
    char_errors,
    cp_char_errors,
    der,
    jer,
    lost_segments,
    missed_speech,
    texts_by_speaker,
)
from models.errors import GijirokuError
from models.types import Minutes, SpeakerSegment

VARIANTS = ("clean", "noisy")  # the shared corpus' variants; a degraded set has one per condition
DER_COLLAR = 0.25

HypothesisSource = Callable[[Meeting, str], Minutes]
BaselineSource = Callable[[Meeting, str], str]  # plain faster-whisper's text for the same audio


@dataclass(frozen=True)
class MeetingScore:
    name: str  # meeting name, or "ALL" for the pooled row
    variant: str
    cer: Rate  # verbatim text vs the reference, after normalize_chars
    cer_numerals: Rate  # same, numerals unified
    cp_cer: Rate  # speaker-attributed (concatenated minimum-permutation)
    clean_cer: Rate  # Turn.clean_text vs <name>.clean.txt (ケバ取り)
    der: Rate  # collar 0
    der_collar: Rate  # pyannote collar DER_COLLAR s (total width)
    jer: Rate
    missed_speech_s: float
    lost_turns: Rate  # lost reference segments / reference segments
    speakers_found: int = 0  # distinct speakers in the minutes (pooled: summed over meetings)
    speakers_ref: int = 0  # distinct reference speakers
    plain_cer: Rate | None = None  # plain faster-whisper on the same audio, when measured

    def __add__(self, other: MeetingScore) -> MeetingScore:
        """Pool two scores: rates add errors and totals, seconds and counts add up; the plain CER
        only when both sides have one, so it always covers the same audio as ``cer``."""
        merged = {
            f.name: _add(getattr(self, f.name), getattr(other, f.name))
            for f in fields(self)
            if f.name not in ("name", "variant")
        }
        variant = self.variant if self.variant == other.variant else "all"
        return MeetingScore(name="ALL", variant=variant, **merged)


def _add(a, b):
    return None if a is None or b is None else a + b


def score_minutes(meeting: Meeting, variant: str, minutes: Minutes, plain_text: str | None = None) -> MeetingScore:
    """All scores of one meeting's minutes; ``plain_text``: plain faster-whisper's transcript of the
    same audio, scored beside it."""
    turns = sorted(minutes.turns, key=lambda t: t.start)
    hyp_text = "".join(t.text for t in turns)
    ref_segments = meeting.speaker_segments()
    hyp_segments = [SpeakerSegment(t.start, t.end, t.speaker) for t in turns]
    duration = max(meeting.duration, minutes.duration)
    cp = cp_char_errors(
        texts_by_speaker((s.speaker, s.start, s.text) for s in meeting.segments),
        texts_by_speaker((t.speaker, t.start, t.text) for t in turns),
    )
    lost = lost_segments([(s.start, s.end, s.text) for s in meeting.segments], turns)
    return MeetingScore(
        name=meeting.name,
        variant=variant,
        cer=char_errors(meeting.reference_text, hyp_text),
        cer_numerals=char_errors(meeting.reference_text, hyp_text, numerals=True),
        cp_cer=cp.rate,
        clean_cer=char_errors(meeting.reference_clean_text, "".join(t.clean_text for t in turns)),
        der=der(ref_segments, hyp_segments, duration=duration),
        der_collar=der(ref_segments, hyp_segments, collar=DER_COLLAR, duration=duration),
        jer=jer(ref_segments, hyp_segments, duration=duration),
        missed_speech_s=missed_speech(ref_segments, hyp_segments),
        lost_turns=Rate(len(lost), len(meeting.segments)),
        speakers_found=len({t.speaker for t in turns}),
        speakers_ref=len({s.speaker for s in meeting.segments}),
        plain_cer=char_errors(meeting.reference_text, plain_text) if plain_text is not None else None,
    )


def hypotheses_from_dir(hyp_dir: Path) -> HypothesisSource:
    """Saved minutes: ``<name>.<variant>.json``, or ``<name>.json`` for the clean variant only (so a
    single saved run is never scored as if it were the noisy one too)."""

    def load(meeting: Meeting, variant: str) -> Minutes:
        candidates = [hyp_dir / f"{meeting.name}.{variant}.json"]
        if variant == "clean":
            candidates.append(hyp_dir / f"{meeting.name}.json")
        for path in candidates:
            if path.is_file():
                try:
                    return Minutes.from_dict(json.loads(path.read_text(encoding="utf-8")))
                except (ValueError, KeyError, TypeError) as exc:
                    raise GijirokuError(
                        "hypothesis_invalid",
                        f"仮説ファイル {path} を読み込めません: {exc}",
                        f"Cannot read hypothesis file {path}: {exc}",
                    ) from exc
        raise GijirokuError(
            "hypothesis_missing",
            f"{meeting.name}（{variant}）の仮説ファイルがありません: {candidates[0]}",
            f"No hypothesis for {meeting.name} ({variant}): expected {candidates[0]}",
        )

    return load


def hypotheses_from_pipeline(pipeline=None) -> HypothesisSource:
    """Run the transcription pipeline on each meeting's audio (slow: real models), as configured."""
    if pipeline is None:
        from models.settings import ModelSettings

        pipeline = ModelSettings().pipeline()

    def run(meeting: Meeting, variant: str) -> Minutes:
        return pipeline.run(meeting.audio[variant])

    return run


def cached_hypotheses(source: HypothesisSource, cache_dir: Path) -> HypothesisSource:
    """``source``, with each result saved as ``<name>.<variant>.json`` (the ``hypotheses_from_dir``
    form) and read back instead of recomputed: a long run over a degraded grid resumes where it
    stopped, and the saved minutes can be scored again."""
    saved = hypotheses_from_dir(cache_dir)

    def load(meeting: Meeting, variant: str) -> Minutes:
        path = cache_dir / f"{meeting.name}.{variant}.json"
        if path.is_file():
            return saved(meeting, variant)
        minutes = source(meeting, variant)
        cache_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(minutes.to_dict(), ensure_ascii=False), encoding="utf-8")
        return minutes

    return load


def plain_transcribe(model, audio_path: Path, language: str, beam_size: int) -> str:
    """What the pipeline replaced: sequential ``WhisperModel.transcribe`` with VAD, no prompt."""
    segments, _info = model.transcribe(
        str(audio_path), language=None if language == "auto" else language, beam_size=beam_size, vad_filter=True
    )
    return "".join(segment.text for segment in segments)  # decoding happens while iterating


def baseline_from_pipeline(pipeline, cache_dir: Path | None = None) -> BaselineSource:
    """Plain faster-whisper with the pipeline's own loaded model, language and beam, so both sides
    of a comparison differ only in what the pipeline adds. With ``cache_dir`` each transcript is
    kept as ``<name>.<variant>.plain.txt``: it does not change when the pipeline does."""

    def run(meeting: Meeting, variant: str) -> str:
        path = cache_dir / f"{meeting.name}.{variant}.plain.txt" if cache_dir else None
        if path is not None and path.is_file():
            return path.read_text(encoding="utf-8")
        o = pipeline.options
        text = plain_transcribe(pipeline.whisper, meeting.audio[variant], o.language, o.beam_size)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return text

    return run


def corpus_variants(meetings: Iterable[Meeting]) -> tuple[str, ...]:
    """Every audio variant of the corpus (a degraded set's conditions), in first-seen order."""
    return tuple(dict.fromkeys(v for m in meetings for v in m.audio))


def score_corpus(
    meetings: Iterable[Meeting],
    variants: Iterable[str],
    hypotheses: HypothesisSource,
    baseline: BaselineSource | None = None,
) -> Iterator[MeetingScore]:
    """Per meeting and variant; a meeting without audio for a variant is skipped for it."""
    variants = tuple(variants)
    for meeting in meetings:
        for variant in variants:
            if variant in meeting.audio:
                plain = baseline(meeting, variant) if baseline else None
                yield score_minutes(meeting, variant, hypotheses(meeting, variant), plain)


def pooled(scores: Sequence[MeetingScore]) -> MeetingScore | None:
    """The aggregate row: errors and totals summed over meetings (None when nothing was scored)."""
    if not scores:
        return None
    return replace(reduce(operator.add, scores), name="ALL")


def pooled_by_variant(scores: Sequence[MeetingScore]) -> list[MeetingScore]:
    """One aggregate row per variant (per recording condition of a degraded set), in score order."""
    variants = dict.fromkeys(s.variant for s in scores)
    rows = [pooled([s for s in scores if s.variant == v]) for v in variants]
    return [row for row in rows if row is not None]
