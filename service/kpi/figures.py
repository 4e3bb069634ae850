"""What one response and one processed meeting contribute to the KPIs. Plain values: the
database rows are turned into these in ``service.kpi.queries``, so every definition is testable
without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.kpi.answers import ContinuedUse, Satisfaction


def minutes_saved(estimated_minutes: float, editing_seconds: float, review_minutes: float) -> float:
    """Estimate without the system minus the time actually spent; may be negative on purpose."""
    return estimated_minutes - (editing_seconds / 60 + review_minutes)


@dataclass(frozen=True)
class SurveyFigures:
    """One user's survey for one meeting plus their measured editing time."""

    satisfaction: Satisfaction
    continued_use: ContinuedUse
    estimated_minutes: float
    review_minutes: float = 0.0
    editing_seconds: float = 0.0

    @property
    def minutes_saved(self) -> float:
        return minutes_saved(self.estimated_minutes, self.editing_seconds, self.review_minutes)


@dataclass(frozen=True)
class MeetingFigures:
    """What the reports need of one processed meeting."""

    department: str
    processed_on: dt.date  # Japan-time date its job finished
    audio_seconds: float = 0.0
    processing_seconds: float = 0.0
    edit_rate: float | None = None  # None: fewer than 2 revisions (nobody saved an edit)
    surveys: tuple[SurveyFigures, ...] = ()
    quality_grade: str | None = None  # the upload's recording-quality grade (models.quality); None: not measured


def edit_rate(draft_text: str, final_text: str) -> float | None:
    """Normalised CER of the draft against the final text; None when the final text is empty
    after normalisation (a rate relative to nothing is undefined, not infinite). The CER is
    the accuracy evaluation's own, so the two figures are comparable."""
    from evaluation.metrics import char_errors  # jiwer/pyannote load only when a report runs

    rate = char_errors(final_text, draft_text)
    return None if rate.total == 0 else rate.value


def turns_text(minutes: dict) -> str:
    """The text the minutes print (ケバ取り when present), turns concatenated."""
    return "".join((t.get("clean_text") or t.get("text") or "") for t in minutes.get("turns", []))
