"""Background housekeeping inside the API process: audio retention, re-queueing jobs whose
worker died (Celery mode), purging expired sessions. One daemon thread, one loop."""

from __future__ import annotations

import logging
import threading

from service.auth.tokens import purge_expired
from service.context import AppContext
from service.jobs.runner import recover_jobs
from service.retention import sweep

log = logging.getLogger(__name__)


def run_once(ctx: AppContext) -> None:
    with ctx.sessions() as db:
        sweep(db, ctx.settings)
        purge_expired(db)
        db.commit()
        if ctx.queue is not None and not ctx.queue.local:
            for job_id in recover_jobs(db, ctx.settings, local_worker=False):
                ctx.queue.enqueue(job_id)


class Maintenance:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="gijiroku-maintenance", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        interval = max(1, self.ctx.settings.retention_sweep_minutes) * 60
        while not self._stop.is_set():
            try:
                run_once(self.ctx)
            except Exception:
                log.exception("maintenance run failed; will retry")
            self._stop.wait(interval)
