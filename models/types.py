"""Data that flows through the pipeline: decode → diarize → transcribe → attribute → draft → export.

Plain dataclasses so every stage is a pure function of the previous stage's output and the
exporters, the service and the evaluation code share one vocabulary. ``Minutes.to_dict`` is the
documented JSON form (README, "JSON format").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Word:
    """One recognised word (for Japanese usually one to a few characters) with its timing."""

    start: float
    end: float
    word: str
    probability: float


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


@dataclass
class Turn:
    """One speaker's uninterrupted contribution: what the editor shows as one paragraph."""

    speaker: str
    start: float
    end: float
    text: str  # verbatim (素起こし)
    clean_text: str  # ケバ取り: fillers and repeats removed, numbers normalised
    words: list[Word] = field(default_factory=list)


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


@dataclass
class Minutes:
    meeting: MeetingInfo
    speakers: list[Speaker]
    turns: list[Turn]
    duration: float = 0.0
    language: str = "ja"
    warnings: list[str] = field(default_factory=list)  # e.g. diarization fell back to one speaker

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
            "turns": [asdict(t) for t in self.turns],
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
        )
