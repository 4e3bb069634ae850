"""The job function: claim a queued job, run the pipeline, store the draft as revision 1.

The same function runs in the in-process worker threads and in Celery workers. The database row
is the only state: claiming bumps ``attempts``, and every later write is conditioned on
``status == running and attempts == <my attempt>``, so a cancelled job or one re-queued after a
crash cannot be overwritten by a stale worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.errors import GijirokuError, new_error_id, unexpected_error
from models.pipeline import overall_fraction
from models.types import MeetingInfo
from service.config import Settings
from service.db.base import utcnow
from service.db.models import Job, JobStatus, Meeting, TranscriptRevision, VocabularyEntry
from service.jobs.pipeline import get_pipeline
from service.storage import audio_file

log = logging.getLogger(__name__)

_PROGRESS_INTERVAL_S = 1.0


class JobAborted(Exception):
    """The job was cancelled or re-queued elsewhere; this attempt must stop quietly."""


def stage_percent(stage: str, fraction: float) -> float:
    return round(100 * overall_fraction(stage, fraction), 1)


class ProgressReporter:
    """The pipeline's ``progress`` callback: throttled writes that double as heartbeat and
    cancellation check (a refused write means this attempt no longer owns the job)."""

    def __init__(self, sessions: sessionmaker[Session], job_id: int, attempt: int) -> None:
        self.sessions, self.job_id, self.attempt = sessions, job_id, attempt
        self._last_write = 0.0
        self._last_stage = ""

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if stage == self._last_stage and now - self._last_write < _PROGRESS_INTERVAL_S and fraction < 1.0:
            return
        self._last_stage, self._last_write = stage, now
        with self.sessions() as db:
            res = db.execute(
                _owned(self.job_id, self.attempt).values(
                    stage=stage, percent=stage_percent(stage, fraction), heartbeat_at=utcnow()
                )
            )
            db.commit()
        if res.rowcount != 1:
            raise JobAborted


def _owned(job_id: int, attempt: int):  # type: ignore[no-untyped-def]
    return update(Job).where(Job.id == job_id, Job.status == JobStatus.running, Job.attempts == attempt)


def meeting_info(meeting: Meeting) -> MeetingInfo:
    held = meeting.held_at
    return MeetingInfo(
        title=meeting.title,
        date=held.date() if held else None,
        start_time=held.strftime("%H:%M") if held else None,
        place=meeting.place,
        attendees=list(meeting.attendees),
        agenda=list(meeting.agenda),
    )


def _claim(db: Session, settings: Settings, job_id: int) -> int | None:
    """Take the job (queued, or running with a dead heartbeat); return the attempt number."""
    now = utcnow()
    stale = now - dt.timedelta(minutes=settings.job_stale_minutes)
    res = db.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(Job.status == JobStatus.queued, and_(Job.status == JobStatus.running, Job.heartbeat_at < stale)),
        )
        .values(
            status=JobStatus.running,
            attempts=Job.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            stage="",
            percent=0.0,
            error=None,
            error_code=None,
            finished_at=None,
        )
    )
    db.commit()
    if res.rowcount != 1:
        return None
    return db.scalar(select(Job.attempts).where(Job.id == job_id))


def _overrides(db: Session, job: Job) -> dict[str, Any]:
    overrides = {k: v for k, v in (job.options or {}).items() if v is not None}
    rows = db.execute(
        select(VocabularyEntry.term, VocabularyEntry.variants)
        .where(VocabularyEntry.department_id == job.meeting.department_id)
        .order_by(VocabularyEntry.id)  # Whisper's hint keeps the earliest entries
    ).all()
    if rows:
        from models.draft import vocabulary

        overrides["vocabulary"] = vocabulary.Vocabulary(
            [vocabulary.VocabularyEntry(term, list(variants)) for term, variants in rows]
        )
    return overrides


def _finish_failed(sessions: sessionmaker[Session], job_id: int, attempt: int, err: GijirokuError) -> None:
    with sessions() as db:
        db.execute(
            _owned(job_id, attempt).values(
                status=JobStatus.failed, error_code=err.code, error=err.message, finished_at=utcnow()
            )
        )
        db.commit()


def _finish_crashed(sessions: sessionmaker[Session], job_id: int, attempt: int, what: str) -> None:
    """A bug, not bad input (call it inside ``except``): the job fails with a message carrying an
    error id, and the same id is in the logged traceback, so the admin finds it from the report."""
    error_id = new_error_id()
    log.exception("job %s %s [error id %s]", job_id, what, error_id)
    _finish_failed(sessions, job_id, attempt, unexpected_error(error_id))


def _finish_done(sessions: sessionmaker[Session], job_id: int, attempt: int, minutes: dict[str, Any]) -> None:
    """Mark done and store the draft in one transaction, only if this attempt still owns the job."""
    with sessions() as db:
        res = db.execute(
            _owned(job_id, attempt).values(status=JobStatus.done, stage="done", percent=100.0, finished_at=utcnow())
        )
        if res.rowcount != 1:
            db.rollback()
            return
        meeting_id = db.scalar(select(Job.meeting_id).where(Job.id == job_id))
        latest = db.scalar(select(func.max(TranscriptRevision.revision)).where(TranscriptRevision.meeting_id == meeting_id))
        db.add(TranscriptRevision(meeting_id=meeting_id, revision=(latest or 0) + 1, base_revision=latest, minutes=minutes))
        db.commit()


def run_job(sessions: sessionmaker[Session], settings: Settings, job_id: int) -> None:
    """Run one job to a terminal state. Never raises once the job is claimed, unless the database
    is away: bad input and bugs alike become ``failed`` with a Japanese + English message."""
    with sessions() as db:
        attempt = _claim(db, settings, job_id)
        if attempt is None:
            log.info("job %s is not claimable (already taken, finished or cancelled)", job_id)
            return
        try:
            job = db.get(Job, job_id)
            assert job is not None
            audio: Path | None = audio_file(settings, job.meeting)
            info = meeting_info(job.meeting)
            overrides = _overrides(db, job)
        except Exception:
            _finish_crashed(sessions, job_id, attempt, "could not read its meeting or vocabulary")
            return
    log.info("job %s attempt %s started", job_id, attempt)
    try:
        if audio is None:
            raise GijirokuError(
                "audio_missing",
                "音声ファイルが削除されているため処理できません。",
                "The audio file has been deleted; nothing to process.",
                status=409,
            )
        minutes = get_pipeline(settings).run(audio, info, ProgressReporter(sessions, job_id, attempt), **overrides)
    except JobAborted:
        log.info("job %s attempt %s stopped: cancelled or taken over", job_id, attempt)
        return
    except GijirokuError as exc:
        log.info("job %s failed: %s", job_id, exc)
        _finish_failed(sessions, job_id, attempt, exc)
        return
    except Exception:
        _finish_crashed(sessions, job_id, attempt, "crashed")
        return
    try:
        _finish_done(sessions, job_id, attempt, minutes.to_dict())
    except Exception:  # e.g. minutes the database refuses: the job must not stay running
        _finish_crashed(sessions, job_id, attempt, "could not store its draft")
        return
    log.info("job %s done", job_id)


def recover_jobs(db: Session, settings: Settings, *, local_worker: bool) -> list[int]:
    """Re-queue jobs a crashed worker left ``running``; return the ids that need a message.

    ``local_worker``: the in-process worker at start-up knows no other worker exists, so every
    running job is an orphan and every queued job lost its in-memory message. With Celery only
    jobs whose heartbeat went stale are orphans; queued ones whose message may be lost are the
    maintenance sweep's (``service.maintenance.recover``).
    """
    stale = Job.status == JobStatus.running
    if not local_worker:
        stale = and_(stale, Job.heartbeat_at < utcnow() - dt.timedelta(minutes=settings.job_stale_minutes))
    orphans = list(db.scalars(select(Job.id).where(stale)))
    if orphans:
        db.execute(update(Job).where(Job.id.in_(orphans), stale).values(status=JobStatus.queued, stage="", percent=0.0))
        log.warning("re-queued %d job(s) left running by a crashed worker: %s", len(orphans), orphans)
    db.commit()
    if not local_worker:
        return orphans
    return list(db.scalars(select(Job.id).where(Job.status == JobStatus.queued).order_by(Job.id)))
