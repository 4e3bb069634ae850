"""The FastAPI application factory. Every router is included here and only here.

Start-up (lifespan): migrate the database to head, create the admin from the environment, start
the job queue, re-queue jobs a crash left behind, start the maintenance loop.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from service.api import (
    admin,
    auth,
    corrections,
    exports,
    health,
    jobs,
    materials,
    meetings,
    reports,
    surveys,
    transcripts,
    vocabulary,
    voices,
)
from service.body_guard import BodyGuard
from service.bootstrap import ensure_admin_from_env
from service.config import Settings, get_settings
from service.context import AppContext
from service.db.migrate import upgrade
from service.errors import install_error_handlers
from service.jobs import states
from service.jobs.queue import make_queue
from service.maintenance import Maintenance
from service.model_manager import PipelineLike
from service.private_files import private_dir
from service.security_headers import SecurityHeaders
from service.storage import clear_incoming
from service.web import STATIC_DIR
from service.web import router as web_router
from service.web.report_pages import router as report_pages_router

log = logging.getLogger(__name__)


def _start(ctx: AppContext) -> Maintenance:
    settings = ctx.settings
    private_dir(settings.data_dir)
    upgrade(ctx.engine)
    with ctx.sessions() as db:
        ensure_admin_from_env(db, settings)
    ctx.queue = make_queue(ctx)
    if ctx.queue.local:
        clear_incoming(settings)  # single machine: no other node can be mid-upload
    ctx.queue.start()
    if ctx.queue.local:
        # Celery mode needs nothing here: the maintenance loop's recovery sweep runs at once and
        # re-sends what a dead worker left (sending here too ran every such job's message twice).
        with ctx.sessions() as db:
            pending = states.requeue_orphans(db, settings, local_worker=True)
            db.commit()
        for job_id in pending:
            ctx.queue.enqueue(job_id)
    maintenance = Maintenance(ctx)
    maintenance.start()
    return maintenance


def create_app(
    settings: Settings | None = None, *, pipeline_factory: Callable[[], PipelineLike] | None = None
) -> FastAPI:
    """``pipeline_factory`` replaces the real pipeline (tests pass a fake)."""
    settings = settings or get_settings()
    ctx = AppContext.from_settings(settings, pipeline_factory)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        maintenance = await run_in_threadpool(_start, ctx)
        try:
            yield
        finally:
            maintenance.stop()
            if ctx.queue is not None:
                ctx.queue.stop()
            ctx.models.unload()
            ctx.engine.dispose()

    app = FastAPI(
        title="gijiroku 会議録作成支援 API",
        version="0.1.0",
        description="音声から会議録の下書きを作成する。Offline speech-to-minutes service.",
        lifespan=lifespan,
        # the README promises no telemetry: no spans, metrics or logs, and no OTLP exporters even when
        # FASTAPI_OTEL_AUTO_CONFIGURE / OTEL_* are set in the environment (see also service/__init__.py)
        telemetry={
            "tracing": False,
            "metrics": False,
            "logs": False,
            "operation_spans": False,
            "auto_configure": False,
        },
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    app.add_middleware(
        BodyGuard, transcript_bytes=settings.max_transcript_bytes, materials_bytes=settings.max_materials_bytes
    )  # size and text of every body
    app.add_middleware(SecurityHeaders)  # CSP, framing, nosniff on every response (outermost: BodyGuard's too)
    for module in (
        health,
        auth,
        admin,
        meetings,
        materials,
        jobs,
        transcripts,
        corrections,
        exports,
        vocabulary,
        surveys,
        reports,
        voices,
    ):
        app.include_router(module.router)
    app.include_router(web_router)  # HTML pages (issue 5)
    app.include_router(report_pages_router)  # reports and surveys (issue 6)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
