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

VARIANTS = ("clean", "noisy")
DER_COLLAR = 0.25

HypothesisSource = Callable[[Meeting, str], Minutes]


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

    def __add__(self, other: MeetingScore) -> MeetingScore:
        """Pool two scores: rates add errors and totals, seconds add up."""
        merged = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if f.name not in ("name", "variant")
        }
        variant = self.variant if self.variant == other.variant else "all"
        return MeetingScore(name="ALL", variant=variant, **merged)


def score_minutes(meeting: Meeting, variant: str, minutes: Minutes) -> MeetingScore:
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


def hypotheses_from_pipeline() -> HypothesisSource:
    """Run the transcription pipeline on each meeting's audio (slow: real models), as configured."""
    from models.settings import ModelSettings

    pipeline = ModelSettings().pipeline()

    def run(meeting: Meeting, variant: str) -> Minutes:
        return pipeline.run(meeting.audio[variant])

    return run


def score_corpus(
    meetings: Iterable[Meeting], variants: Iterable[str], hypotheses: HypothesisSource
) -> Iterator[MeetingScore]:
    """Per meeting and variant; a meeting without audio for a variant is skipped for it."""
    variants = tuple(variants)
    for meeting in meetings:
        for variant in variants:
            if variant in meeting.audio:
                yield score_minutes(meeting, variant, hypotheses(meeting, variant))


def pooled(scores: Sequence[MeetingScore]) -> MeetingScore | None:
    """The aggregate row: errors and totals summed over meetings (None when nothing was scored)."""
    if not scores:
        return None
    return replace(reduce(operator.add, scores), name="ALL")
