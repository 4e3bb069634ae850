"""Every change of a job's state, as one conditional UPDATE each: the only writers of ``Job.status``.

    queued ──claim──▶ running ──finish_done / finish_failed──▶ done / failed
      ▲  ▲               │ (worker died: requeue_orphans, or failed after max attempts)
      │  └───────────────┘
      └──retry── failed / cancelled ◀──cancel── queued / running

The row is the only state. ``claim`` bumps ``attempts``, which doubles as the lease: a worker's
later writes (``heartbeat``, ``finish_*``) hold only while ``status == running`` and ``attempts``
is still its own, so a cancelled job, or one re-queued after its worker was presumed dead, cannot
be overwritten by a stale worker. Functions return whether the row changed and never commit: the
caller commits, together with its audit record where there is one.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Update, and_, or_, select, update
from sqlalchemy.orm import Session

from models.errors import GijirokuError
from models.pipeline import STAGE_LABELS, NoSpeechError
from service.config import Settings
from service.db.base import utcnow
from service.db.models import DRAFT_KIND, KEPT_KIND, Job, JobStatus, TranscriptRevision, latest_revision
from service.db.session import rows_matched

log = logging.getLogger(__name__)

# ``Job.stage`` as the pages show it: "" until a worker starts, the pipeline's stages, "done".
JOB_STAGE_LABELS = {"": "開始待ち", **STAGE_LABELS, "done": "完了"}

# What a job starts from whenever it (re)enters the queue or a worker takes it.
_FRESH: dict[str, Any] = {
    "stage": "",
    "percent": 0.0,
    "error": None,
    "error_ja": None,
    "error_en": None,
    "error_code": None,
    "finished_at": None,
}


def _failed(err: GijirokuError) -> dict[str, Any]:
    """The columns of a failed job: the code, each language on its own, and both for API clients."""
    return {
        "status": JobStatus.failed,
        "error_code": err.code,
        "error": err.message,
        "error_ja": err.ja,
        "error_en": err.en,
        "finished_at": utcnow(),
    }


def interrupted_repeatedly(attempts: int) -> GijirokuError:
    return GijirokuError(
        "interrupted_repeatedly",
        f"処理が繰り返し中断されたため停止しました（{attempts}回）。この音声の処理中に処理担当が停止している"
        "可能性があります。管理者にお問い合わせください。",
        f"Processing was stopped because it was interrupted {attempts} times; this recording may be what stops "
        "the worker. Please contact the administrator.",
        status=500,
    )


def _owned(job_id: int, attempt: int) -> Update:
    return update(Job).where(Job.id == job_id, Job.status == JobStatus.running, Job.attempts == attempt)


def _stale_before(settings: Settings) -> dt.datetime:
    return utcnow() - dt.timedelta(minutes=settings.job_stale_minutes)


# starts since the job was created or staff last retried it: what the crash-loop cap counts
_starts = Job.attempts - Job.retry_base


def claim(db: Session, settings: Settings, job_id: int) -> int | None:
    """Take the job (queued, or running with a dead heartbeat and attempts left); return the
    attempt number, or None when it is not this worker's to run."""
    now = utcnow()
    orphaned = and_(
        Job.status == JobStatus.running,
        Job.heartbeat_at < _stale_before(settings),
        _starts < settings.job_max_attempts,  # the rest are failed by ``requeue_orphans``
    )
    res = db.execute(
        update(Job)
        .where(Job.id == job_id, or_(Job.status == JobStatus.queued, orphaned))
        .values(status=JobStatus.running, attempts=Job.attempts + 1, started_at=now, heartbeat_at=now, **_FRESH)
    )
    if rows_matched(res) != 1:
        return None
    return db.scalar(select(Job.attempts).where(Job.id == job_id))


def heartbeat(db: Session, job_id: int, attempt: int, stage: str, percent: float) -> bool:
    """Progress, which also tells others this attempt is alive; False: it no longer owns the job."""
    res = db.execute(_owned(job_id, attempt).values(stage=stage, percent=percent, heartbeat_at=utcnow()))
    return rows_matched(res) == 1


@dataclass(frozen=True)
class Stored:
    """Where a finished job's draft went."""

    draft: int  # the revision that holds the draft
    # staff saved while the job (a 再処理) was queued or running: their latest revision, copied on
    # top of the draft so that it stays the current transcript; None when nobody did
    kept: int | None = None


def finish_done(db: Session, job_id: int, attempt: int, minutes: dict[str, Any]) -> Stored | None:
    """Mark done and store the draft as the next revision; None (nothing written): not owned.

    A 再処理 runs while staff may go on editing. If the latest revision is one they saved after the
    re-run was asked for (newer than ``Job.replaces_revision``), the draft is still stored — 版の履歴
    keeps it — but a copy of their revision goes on top of it: nothing staff saved is replaced
    without them seeing it, and the pages say where the re-run's draft is (``KEPT_KIND``).
    """
    res = db.execute(
        _owned(job_id, attempt).values(
            status=JobStatus.done,
            stage="done",
            percent=100.0,
            finished_at=utcnow(),
            recording_quality=minutes.get("quality"),  # on the job too: later revisions are the editors'
        )
    )
    if rows_matched(res) != 1:
        return None
    meeting_id, replaces = db.execute(select(Job.meeting_id, Job.replaces_revision).where(Job.id == job_id)).one()
    latest = latest_revision(db, meeting_id)
    number = latest.revision + 1 if latest else 1
    db.add(
        TranscriptRevision(
            meeting_id=meeting_id,
            revision=number,
            base_revision=latest.revision if latest else None,
            minutes=minutes,
            kind=DRAFT_KIND,
        )
    )
    # a meeting's first job (replaces None), or nobody saved since the re-run was asked for
    if latest is None or replaces is None or latest.revision <= replaces or latest.kind == DRAFT_KIND:
        return Stored(number)
    db.add(
        TranscriptRevision(
            meeting_id=meeting_id,
            revision=number + 1,
            base_revision=number,
            minutes=latest.minutes,
            author_id=latest.author_id,  # their text, restored by the service
            kind=KEPT_KIND,
        )
    )
    log.info(
        "job %s: staff saved revision %s during the re-run; kept on top of draft %s", job_id, latest.revision, number
    )
    return Stored(number, number + 1)


def finish_failed(db: Session, job_id: int, attempt: int, err: GijirokuError) -> bool:
    """Mark failed; a recording with no speech keeps its measured quality, whose advice is the fix."""
    quality = err.quality.to_dict() if isinstance(err, NoSpeechError) else None
    res = db.execute(_owned(job_id, attempt).values(**_failed(err), recording_quality=quality))
    return rows_matched(res) == 1


def cancel(db: Session, job_id: int) -> bool:
    """Queued or running → cancelled at once; a running worker notices at its next heartbeat."""
    res = db.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_([JobStatus.queued, JobStatus.running]))
        .values(status=JobStatus.cancelled, finished_at=utcnow())
    )
    return rows_matched(res) == 1


def retry(db: Session, job_id: int) -> bool:
    """Failed or cancelled → queued; the caller sends the message after its commit."""
    res = db.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_([JobStatus.failed, JobStatus.cancelled]))
        # heartbeat_at of a queued job = its last message (service.maintenance): the one about to go
        .values(status=JobStatus.queued, heartbeat_at=utcnow(), retry_base=Job.attempts, **_FRESH)
    )
    return rows_matched(res) == 1


def mark_sent(db: Session, job_ids: list[int]) -> None:
    """Record that a message for these queued jobs just went out (``service.maintenance``)."""
    db.execute(update(Job).where(Job.id.in_(job_ids), Job.status == JobStatus.queued).values(heartbeat_at=utcnow()))


def requeue_orphans(db: Session, settings: Settings, *, local_worker: bool) -> list[int]:
    """Re-queue jobs a dead worker left ``running``; return the ids that need a message.

    ``local_worker``: the in-process worker at start-up knows no other worker exists, so every
    running job is an orphan and every queued job lost its in-memory message. With Celery only
    jobs whose heartbeat went stale are orphans; queued ones whose message may be lost are the
    maintenance sweep's (``service.maintenance.recover``). An orphan already started
    ``job_max_attempts`` times (since staff last retried it) is failed instead: the recording may be
    what kills the worker.
    """
    running = Job.status == JobStatus.running
    if not local_worker:
        running = and_(running, Job.heartbeat_at < _stale_before(settings))
    exhausted = and_(running, _starts >= settings.job_max_attempts)
    for job_id, attempts in db.execute(select(Job.id, _starts).where(exhausted)).all():
        err = interrupted_repeatedly(attempts)
        db.execute(update(Job).where(Job.id == job_id, exhausted).values(**_failed(err)))
        log.error("job %s failed: its worker was lost %s times", job_id, attempts)
    orphans = list(db.scalars(select(Job.id).where(running)))
    if orphans:
        db.execute(update(Job).where(Job.id.in_(orphans), running).values(status=JobStatus.queued, **_FRESH))
        log.warning("re-queued %d job(s) left running by a crashed worker: %s", len(orphans), orphans)
    if not local_worker:
        return orphans
    return list(db.scalars(select(Job.id).where(Job.status == JobStatus.queued).order_by(Job.id)))
