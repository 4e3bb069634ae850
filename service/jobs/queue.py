"""Queues deliver job ids to the job function. The database row is the state; a message is
only a nudge, sent after the commit, and delivering it twice is harmless (the claim is atomic).
So a message that cannot be sent is not an error for the caller: the job stays ``queued`` and the
maintenance loop sends it again (``service.maintenance``).

``inprocess``: worker threads inside the API process (the default single-machine setup).
``celery``: a Redis broker feeding ``celery -A service.jobs.celery_app worker`` on GPU machines.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import TYPE_CHECKING, Protocol

from service.config import Settings
from service.jobs.runner import run_job

if TYPE_CHECKING:
    from service.context import AppContext

log = logging.getLogger(__name__)


class JobQueue(Protocol):
    #: True when workers in this process run jobs (so running jobs at start-up are orphans).
    local: bool

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def enqueue(self, job_id: int) -> bool:
        """Hand the job id to the workers; False (logged, never raised) when that failed."""
        ...

    def health(self) -> tuple[bool, str]: ...


class InProcessQueue:
    local = True

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for i in range(max(1, self.ctx.settings.worker_concurrency)):
            t = threading.Thread(target=self._work, name=f"gijiroku-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self) -> None:
        """Let idle threads exit; a job in progress is abandoned and re-queued on next start."""
        for _ in self._threads:
            self._queue.put(None)
        self._threads.clear()

    def enqueue(self, job_id: int) -> bool:
        self._queue.put(job_id)
        return True

    def health(self) -> tuple[bool, str]:
        alive = sum(t.is_alive() for t in self._threads)
        return alive > 0, f"in-process worker: {alive} thread(s), {self._queue.qsize()} waiting"

    def _work(self) -> None:
        while (job_id := self._queue.get()) is not None:
            try:
                run_job(self.ctx, job_id)
            except Exception:  # the database may be away; the job stays queued/running for recovery
                log.exception("worker could not run job %s", job_id)


class CeleryQueue:
    local = False

    def __init__(self, settings: Settings) -> None:
        from service.jobs.celery_app import make_celery

        self.settings = settings
        self.app = make_celery(settings)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def enqueue(self, job_id: int) -> bool:
        """Publish, bounded in time (celery_app's timeouts and publish retry policy), so an upload
        never hangs or fails on a broker outage; the recovery sweep sends the job later."""
        try:
            self.app.send_task("gijiroku.run_job", args=[job_id], queue=self.settings.celery_queue)
        except Exception as exc:  # kombu/redis raise many types; all mean "not sent"
            log.warning(
                "job %s not sent to the broker (%s: %s); the recovery sweep will send it",
                job_id,
                exc.__class__.__name__,
                exc,
            )
            return False
        return True

    def health(self) -> tuple[bool, str]:
        try:
            with self.app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:
            return False, f"celery broker unreachable: {exc.__class__.__name__}"
        return True, "celery broker reachable"


def make_queue(ctx: AppContext) -> JobQueue:
    if ctx.settings.queue == "celery":
        return CeleryQueue(ctx.settings)
    return InProcessQueue(ctx)
