"""再処理: transcribe a finished meeting again with what it has now — materials (会議資料) added
after its draft, the department's vocabulary and registered voices.

A re-run is a new job of the meeting, not the finished one put back in the queue: the finished
job keeps its times, which date the meeting for the KPI reports (``service.kpi`` counts a meeting
in the month its first job finished). The new job runs like any other (``runner.run_job``), and
its draft is stored as the next revision (``states.finish_done``), so it becomes the current
transcript while every earlier revision, staff edits included, stays in 版の履歴. Because the
new draft then hides staff edits from the editor, a re-run over them must be confirmed. Edits
saved while the re-run is queued or running were not confirmed over: the job remembers the
revision it replaces (``Job.replaces_revision``), and staff revisions newer than that stay the
latest when it finishes, with its draft kept in the history under them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.errors import GijirokuError
from service.config import Settings
from service.db.models import DRAFT_KIND, Job, JobStatus, latest_revision
from service.storage import audio_file, audio_missing


@dataclass(frozen=True)
class Rerun:
    job: Job  # the new, queued job (flushed, not committed)
    replaced_revision: int | None  # the revision that was current when it was asked for
    over_staff_edits: bool  # that revision was saved by staff, not written by the pipeline


def not_rerunnable() -> GijirokuError:
    return GijirokuError(
        "job_not_rerunnable",
        "完了した最新の文字起こしだけを再処理できます（失敗・中止したものは「再実行」してください）。",
        "Only a meeting's latest finished job can be re-run (retry a failed or cancelled one).",
        status=409,
    )


def needs_confirmation(revision: int) -> GijirokuError:
    return GijirokuError(
        "rerun_needs_confirmation",
        f"現在の会議録（第{revision}版）には職員が保存した修正があります。再処理すると新しい下書きが最新版になり、"
        "修正した版は版の履歴に残ります（修正は新しい下書きに引き継がれません）。確認のうえ再処理してください。",
        f"The current transcript (revision {revision}) holds edits staff saved. A re-run makes a new draft the "
        "latest revision; the edited one stays in the revision history but its edits are not carried over. "
        "Send confirmed=true to re-run anyway.",
        status=409,
    )


def rerun(db: Session, settings: Settings, job: Job, *, confirmed: bool) -> Rerun:
    """Queue a new job for ``job``'s meeting; the caller records it, commits, then sends the message.

    Refused (409) unless ``job`` is the meeting's latest job and done, its audio is still kept,
    and — when the current revision holds staff edits — ``confirmed``. Two requests at the same
    moment start one job: the job row is locked first (PostgreSQL), and the check for a newer job
    runs after the insert, which SQLite serialises.
    """
    db.execute(select(Job.id).where(Job.id == job.id).with_for_update())
    db.refresh(job)
    if job.status != JobStatus.done:
        raise not_rerunnable()
    if audio_file(settings, job.meeting) is None:
        raise audio_missing()
    current = latest_revision(db, job.meeting_id)
    edited = current is not None and current.kind != DRAFT_KIND  # every kind but the pipeline's is staff's
    if current is not None and edited and not confirmed:
        raise needs_confirmation(current.revision)
    replaced = current.revision if current else None
    new = Job(meeting_id=job.meeting_id, options=dict(job.options or {}), replaces_revision=replaced)
    db.add(new)
    db.flush()
    newer = select(Job.id).where(Job.meeting_id == job.meeting_id, Job.id > job.id, Job.id != new.id).limit(1)
    if db.scalar(newer) is not None:
        db.rollback()
        raise not_rerunnable()
    return Rerun(new, replaced, edited)
