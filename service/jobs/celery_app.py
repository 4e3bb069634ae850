"""The Celery side of scale-out: ``celery -A service.jobs.celery_app worker --pool solo``.

Each worker process builds its own ``AppContext`` (engine, model manager) on its first task and keeps
the pipeline loaded for all later ones (``GIJIROKU_MODEL_IDLE_UNLOAD_MINUTES`` may unload it). Tasks
are acknowledged late with a prefetch of one, so a busy worker holds no second job that an idle one
could run. A worker killed outright (``kill -9``, power loss) acknowledges nothing: its message stays
in Redis's ``unacked`` set until the visibility timeout (1 hour) and is then redelivered, by when the
job has long been recovered from the database (the API node's sweep re-queues a job whose heartbeat
went stale, ``service.maintenance``); the job function's atomic claim makes every duplicate a no-op.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from celery import Celery
from celery.signals import worker_init

from service.config import Settings, get_settings
from service.context import AppContext
from service.jobs.runner import run_job
from service.model_manager import PipelineLike
from service.private_files import secure_process


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
        # Publishing from the API must fail fast when Redis is down or silent (an upload is waiting):
        # without socket timeouts redis-py waits forever for a reply from a half-open connection.
        broker_connection_timeout=3,
        broker_transport_options={"socket_connect_timeout": 3, "socket_timeout": 5},
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5},
    )
    return app


def make_worker(settings: Settings, pipeline_factory: Callable[[], PipelineLike] | None = None) -> Celery:
    """The worker's app: ``make_celery`` plus the job task, which runs on one ``AppContext`` per
    worker process, built on its first task (after any fork). ``pipeline_factory``: as in
    ``AppContext.from_settings`` (tests' workers use a fake)."""
    app = make_celery(settings)

    @cache
    def worker_context() -> AppContext:
        return AppContext.from_settings(settings, pipeline_factory)

    @app.task(name="gijiroku.run_job", shared=False)
    def run_job_task(job_id: int) -> None:
        run_job(worker_context(), job_id)

    return app


@worker_init.connect
def _secure_worker(**_: object) -> None:
    """umask 077 before the pool starts (its processes inherit it); warns about an open data dir."""
    secure_process(get_settings())


app = make_worker(get_settings())
