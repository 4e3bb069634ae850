"""What one running service holds: settings, the database engine, the model manager and the job queue.

Created by ``create_app`` and stored on ``app.state.ctx``; each Celery worker process builds its own.
``pipeline_factory`` replaces the real pipeline (tests pass a fake by constructor).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.config import Settings
from service.db.session import make_engine, make_sessionmaker
from service.model_manager import ModelManager, PipelineLike

if TYPE_CHECKING:
    from service.jobs.queue import JobQueue


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    models: ModelManager
    queue: JobQueue | None = field(default=None)

    @classmethod
    def from_settings(
        cls, settings: Settings, pipeline_factory: Callable[[], PipelineLike] | None = None
    ) -> AppContext:
        engine = make_engine(settings)
        models = ModelManager(
            pipeline_factory or settings.pipeline,
            idle_unload_s=settings.model_idle_unload_minutes * 60,
            injected=pipeline_factory is not None,
        )
        return cls(settings=settings, engine=engine, sessions=make_sessionmaker(engine), models=models)
