"""The Celery side of scale-out: ``celery -A service.jobs.celery_app worker --pool solo``.

Each worker process builds its own engine and keeps one pipeline loaded for all its tasks. Tasks
are acknowledged late and rejected when the worker dies, so Redis hands a crashed worker's job to
another one; the job function's atomic claim makes that redelivery safe.
"""

from __future__ import annotations

from functools import cache

from celery import Celery

from service.config import Settings, get_settings
from service.context import AppContext
from service.jobs.runner import run_job


def make_celery(settings: Settings) -> Celery:
    app = Celery("gijiroku", broker=settings.broker_url)
    app.conf.update(
        task_default_queue=settings.celery_queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


@cache
def _worker_context() -> AppContext:
    return AppContext.from_settings(get_settings())


app = make_celery(get_settings())


@app.task(name="gijiroku.run_job")
def run_job_task(job_id: int) -> None:
    ctx = _worker_context()
    run_job(ctx.sessions, ctx.settings, job_id)
