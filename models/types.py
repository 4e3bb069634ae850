"""Data that flows through the pipeline: decode → diarize → transcribe → attribute → draft → export.

Plain dataclasses so every stage is a pure function of the previous stage's output and the
exporters, the service and the evaluation code share one vocabulary. ``Minutes.to_dict`` is the
documented JSON form (README, "JSON format").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.voices.matching import VoiceMatch

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Word:
    """One recognised word (for Japanese usually one to a few characters) with its timing."""

    start: float
    end: float
    word: str
    probability: float
    confirmed: bool = False  # staff corrected or confirmed it in the editor: no longer 要確認


@dataclass(frozen=True)
class SpeakerSegment:
    """A stretch of time the diarizer gives to one speaker label."""

    start: float
    end: float
    speaker: str


MAX_SPEAKERS_DEFAULT = 10  # the speaker count the diarizer considers at most when told nothing


@dataclass(frozen=True)
class SpeakerCountHint:
    """What the caller knows about the number of speakers (all optional): the form's 話者数, the
    CLI's ``--speakers``; every diarizer takes it as one argument."""

    num: int | None = None
    min: int | None = None
    max: int | None = None

    def bounds(self, n_points: int) -> tuple[int, int]:
        """Inclusive (low, high) speaker counts to consider for ``n_points`` embeddings."""
        if self.num is not None:
            k = max(1, min(self.num, n_points))
            return k, k
        high = min(self.max or MAX_SPEAKERS_DEFAULT, n_points)
        low = min(max(1, self.min or 1), high)
        return low, max(low, high)


NO_HINT = SpeakerCountHint()


@dataclass(frozen=True)
class TermReplacement:
    """A span of the verbatim text replaced by a term of the meeting's materials because the two
    read alike (``models.materials.correction``); ``start`` is the replacement's offset in
    ``Turn.text``, so the editor can show it and put ``original`` back."""

    original: str
    replacement: str
    start: int
    similarity: float


@dataclass(frozen=True)
class MaterialSuggestion:
    """The materials' exact wording offered for a span of ``Turn.clean_text`` (a passage read
    aloud, or a figure): never applied by the pipeline, only accepted by staff in the editor."""

    kind: str  # "passage" | "figure"
    original: str
    suggestion: str
    start: int  # offset of ``original`` in ``Turn.clean_text``
    similarity: float


@dataclass
class Turn:
    """One speaker's uninterrupted contribution: what the editor shows as one paragraph."""

    speaker: str
    start: float
    end: float
    text: str  # verbatim (素起こし)
    clean_text: str  # ケバ取り: fillers and repeats removed, numbers normalised
    words: list[Word] = field(default_factory=list)
    # staff changed clean_text by hand in a way text cannot carry: corrections of text no longer
    # re-derive it (models.draft.corrections)
    clean_edited: bool = False
    # from the meeting's materials (models.materials): what was replaced, what is offered
    replacements: list[TermReplacement] = field(default_factory=list)
    suggestions: list[MaterialSuggestion] = field(default_factory=list)


@dataclass
class Speaker:
    id: str  # the diarizer's label, e.g. "SPEAKER_00"
    label: str  # what the minutes print, e.g. "話者1" or "委員長（山田）"


@dataclass
class MeetingInfo:
    """Header of the 会議録; every field is optional because a CLI user may give none."""

    title: str = "会議録"
    date: dt.date | None = None
    start_time: str | None = None  # "10:00" as written by the clerk
    place: str = ""
    attendees: list[str] = field(default_factory=list)
    agenda: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RecordingQuality:
    """How good the upload is for recognition (``models.quality.estimate_quality``): measured
    once from the decoded audio, with the grade and the Japanese advice derived from it. A value
    is None where it could not be measured (too short, too noisy to find free decays)."""

    speech_level_dbfs: float | None  # active speech level (ITU-T P.56 on frames), dBFS
    snr_db: float | None
    reverb_t60_s: float | None  # blind estimate
    clipping_ratio: float  # share of samples on the clipped plateau
    bandwidth_hz: float | None  # highest frequency the speech reaches above the noise
    grade: str  # "good" | "fair" | "poor" | "unknown"
    advice: tuple[str, ...] = ()  # what to change next time, worst problem first

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "advice": list(self.advice)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecordingQuality:
        return cls(
            speech_level_dbfs=data.get("speech_level_dbfs"),
            snr_db=data.get("snr_db"),
            reverb_t60_s=data.get("reverb_t60_s"),
            clipping_ratio=float(data.get("clipping_ratio") or 0.0),
            bandwidth_hz=data.get("bandwidth_hz"),
            grade=str(data.get("grade") or "unknown"),
            advice=tuple(data.get("advice") or ()),
        )


@dataclass
class Minutes:
    meeting: MeetingInfo
    speakers: list[Speaker]
    turns: list[Turn]
    duration: float = 0.0
    language: str = "ja"
    warnings: list[str] = field(default_factory=list)  # e.g. diarization fell back to one speaker
    # speakers named from the voice registry, with their scores: for the service's confirm/reject,
    # kept out of ``to_dict`` (and so out of every export)
    voice_matches: list[VoiceMatch] = field(default_factory=list)
    quality: RecordingQuality | None = None  # None: not measured (minutes made before issue 12)

    def speaker_label(self, speaker_id: str) -> str:
        for s in self.speakers:
            if s.id == speaker_id:
                return s.label
        return speaker_id

    def to_dict(self) -> dict[str, Any]:
        meeting = asdict(self.meeting)
        meeting["date"] = self.meeting.date.isoformat() if self.meeting.date else None
        return {
            "meeting": meeting,
            "duration": self.duration,
            "language": self.language,
            "warnings": list(self.warnings),
            "speakers": [asdict(s) for s in self.speakers],
            "turns": [_turn_dict(t) for t in self.turns],
            **({"quality": self.quality.to_dict()} if self.quality else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Minutes:
        m = dict(data.get("meeting") or {})
        date = m.get("date")
        info = MeetingInfo(
            title=m.get("title") or "会議録",
            date=dt.date.fromisoformat(date) if date else None,
            start_time=m.get("start_time"),
            place=m.get("place") or "",
            attendees=list(m.get("attendees") or []),
            agenda=list(m.get("agenda") or []),
        )
        turns = [
            Turn(
                speaker=t["speaker"],
                start=float(t["start"]),
                end=float(t["end"]),
                text=t.get("text", ""),
                clean_text=t.get("clean_text", t.get("text", "")),
                words=[Word(**w) for w in t.get("words", [])],
                clean_edited=bool(t.get("clean_edited", False)),
                replacements=[TermReplacement(**r) for r in t.get("replacements", [])],
                suggestions=[MaterialSuggestion(**x) for x in t.get("suggestions", [])],
            )
            for t in data.get("turns", [])
        ]
        return cls(
            meeting=info,
            speakers=[Speaker(**s) for s in data.get("speakers", [])],
            turns=turns,
            duration=float(data.get("duration", 0.0)),
            language=data.get("language", "ja"),
            warnings=list(data.get("warnings", [])),
            quality=RecordingQuality.from_dict(data["quality"]) if data.get("quality") else None,
        )


def _turn_dict(turn: Turn) -> dict[str, Any]:
    """A turn in the JSON format; the editor's flags only where set, so a draft nobody touched
    reads as before they existed."""
    out = asdict(turn)
    if not turn.clean_edited:
        del out["clean_edited"]
    for key in ("replacements", "suggestions"):
        if not out[key]:
            del out[key]
    for w in out["words"]:
        if not w["confirmed"]:
            del w["confirmed"]
    return out
