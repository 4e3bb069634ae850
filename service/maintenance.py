"""Background housekeeping inside the API process, one daemon thread with two schedules:

* **recovery** (Celery mode, every ``recovery_interval_seconds``): jobs whose message was lost get
  one again. A ``running`` job whose heartbeat is older than ``job_stale_minutes`` lost its worker
  (``kill -9``, power loss) and is re-queued (or failed once it has been started
  ``job_max_attempts`` times); a ``queued`` job whose last message is older than
  ``queued_resend_minutes`` may have lost it with the broker (FLUSHDB, restart without persistence,
  an upload while Redis was down). Both are sent again. A job that was only waiting behind others
  gets a duplicate, which the atomic claim turns into a no-op, so no broker inspection is needed.
* **housekeeping** (every ``retention_sweep_minutes``): audio retention, expired sessions and lapsed
  login-throttle counters.

For a queued job ``heartbeat_at`` records when its last message went out (``None``: the upload
itself, so ``created_at`` counts); a worker's claim overwrites it with the first real heartbeat.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select

from service.auth.throttle import purge_lapsed
from service.auth.tokens import purge_expired
from service.context import AppContext
from service.db.base import utcnow
from service.db.models import Job, JobStatus
from service.jobs import states
from service.retention import sweep

log = logging.getLogger(__name__)


def housekeeping(ctx: AppContext) -> None:
    with ctx.sessions() as db:
        sweep(db, ctx.settings)
        purge_expired(db)
        purge_lapsed(db, ctx.settings)
        db.commit()


def recover(ctx: AppContext) -> list[int]:
    """Re-queue dead workers' jobs and send every job whose message may be lost; return the sent ids."""
    assert ctx.queue is not None
    settings = ctx.settings
    with ctx.sessions() as db:
        orphans = states.requeue_orphans(db, settings, local_worker=False)
        db.commit()
        last_sent = func.coalesce(Job.heartbeat_at, Job.created_at)
        cutoff = utcnow() - dt.timedelta(minutes=settings.queued_resend_minutes)
        overdue = db.scalars(select(Job.id).where(Job.status == JobStatus.queued, last_sent < cutoff).order_by(Job.id))
        due = sorted(set(orphans) | set(overdue))
    sent: list[int] = []
    for job_id in due:
        if not ctx.queue.enqueue(job_id):
            break  # the broker is away: the rest would only fail one by one; next round tries again
        sent.append(job_id)
    if sent:
        with ctx.sessions() as db:
            states.mark_sent(db, sent)
            db.commit()
        log.warning("sent %d job(s) again whose message may have been lost: %s", len(sent), sent)
    return sent


class Maintenance:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="gijiroku-maintenance", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _tasks(self) -> list[tuple[float, Callable[[AppContext], object]]]:
        """(interval seconds, task) pairs; recovery only where workers live in other processes."""
        settings = self.ctx.settings
        tasks: list[tuple[float, Callable[[AppContext], object]]] = [
            (max(1, settings.retention_sweep_minutes) * 60.0, housekeeping)
        ]
        if self.ctx.queue is not None and not self.ctx.queue.local:
            tasks.append((float(settings.recovery_interval_seconds), recover))
        return tasks

    def _loop(self) -> None:
        tasks = self._tasks()
        due = [time.monotonic()] * len(tasks)  # everything runs once at start-up
        while not self._stop.is_set():
            for i, (interval, task) in enumerate(tasks):
                if time.monotonic() < due[i]:
                    continue
                try:
                    task(self.ctx)
                except Exception:
                    log.exception("maintenance task %s failed; will retry", task.__name__)
                due[i] = time.monotonic() + interval
            self._stop.wait(max(0.0, min(due) - time.monotonic()))
