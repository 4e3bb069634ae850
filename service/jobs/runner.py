"""The job function: claim a queued job, run the pipeline, store the draft as revision 1.

The same function runs in the in-process worker threads and in Celery workers, on the process's
``AppContext`` (its database and model manager). Every state change goes through
``service.jobs.states``, whose writes hold only while this attempt still owns the job.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from models.errors import GijirokuError, new_error_id, unexpected_error
from models.pipeline import RunOptions, overall_fraction
from models.types import MeetingInfo, Minutes
from service.db.models import Job, Meeting
from service.department_vocabulary import department_vocabulary
from service.jobs import states
from service.jobs.options import run_options
from service.materials import materials_for_run
from service.storage import audio_file, audio_missing
from service.voices import store_matches, with_department_voices

if TYPE_CHECKING:
    from service.config import Settings
    from service.context import AppContext

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
            owned = states.heartbeat(db, self.job_id, self.attempt, stage, stage_percent(stage, fraction))
            db.commit()
        if not owned:
            raise JobAborted


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


def _run_options(db: Session, job: Job, settings: Settings) -> RunOptions:
    """The job's form choices, its department's vocabulary and registered voices, and its
    meeting's materials (会議資料)."""
    department_id = job.meeting.department_id
    options = run_options(job.options or {}, department_vocabulary(db, department_id))
    options = replace(options, materials=materials_for_run(db, job.meeting_id))
    return with_department_voices(db, settings, department_id, options)


def _finish_failed(sessions: sessionmaker[Session], job_id: int, attempt: int, err: GijirokuError) -> None:
    with sessions() as db:
        states.finish_failed(db, job_id, attempt, err)
        db.commit()


def _finish_crashed(sessions: sessionmaker[Session], job_id: int, attempt: int, what: str) -> None:
    """A bug, not bad input (call it inside ``except``): the job fails with a message carrying an
    error id, and the same id is in the logged traceback, so the admin finds it from the report."""
    error_id = new_error_id()
    log.exception("job %s %s [error id %s]", job_id, what, error_id)
    _finish_failed(sessions, job_id, attempt, unexpected_error(error_id))


def _finish_done(sessions: sessionmaker[Session], job_id: int, attempt: int, minutes: Minutes) -> None:
    """Mark done and store the draft (and the speakers it named from the voice registry) in one
    transaction, only if this attempt still owns the job. When staff edits saved during a 再処理
    stay the current text, so do the voice matches made for the speakers of that text."""
    with sessions() as db:
        stored = states.finish_done(db, job_id, attempt, minutes.to_dict())
        if stored is None:
            db.rollback()
            return
        if stored.kept is None:
            store_matches(db, job_id, minutes.voice_matches)
        db.commit()


def run_job(ctx: AppContext, job_id: int) -> None:
    """Run one job to a terminal state. Never raises once the job is claimed, unless the database
    is away: bad input and bugs alike become ``failed`` with a Japanese + English message."""
    sessions, settings = ctx.sessions, ctx.settings
    with sessions() as db:
        attempt = states.claim(db, settings, job_id)
        db.commit()
        if attempt is None:
            log.info("job %s is not claimable (already taken, finished or cancelled)", job_id)
            return
        try:
            job = db.get(Job, job_id)
            assert job is not None
            audio: Path | None = audio_file(settings, job.meeting)
            info = meeting_info(job.meeting)
            options = _run_options(db, job, settings)
            db.commit()  # keeps terms found for materials stored without them (service.materials)
        except Exception:
            _finish_crashed(sessions, job_id, attempt, "could not read its meeting or vocabulary")
            return
    log.info("job %s attempt %s started", job_id, attempt)
    try:
        if audio is None:
            raise audio_missing()
        with ctx.models.pipeline() as pipeline:
            minutes = pipeline.run(audio, info, ProgressReporter(sessions, job_id, attempt), options)
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
        _finish_done(sessions, job_id, attempt, minutes)
    except Exception:  # e.g. minutes the database refuses: the job must not stay running
        _finish_crashed(sessions, job_id, attempt, "could not store its draft")
        return
    log.info("job %s done", job_id)
