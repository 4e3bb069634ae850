"""What one running service holds: settings, the database engine and the job queue.

Created by ``create_app`` and stored on ``app.state.ctx``; the Celery worker builds its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.config import Settings
from service.db.session import make_engine, make_sessionmaker

if TYPE_CHECKING:
    from service.jobs.queue import JobQueue


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    queue: JobQueue | None = field(default=None)

    @classmethod
    def from_settings(cls, settings: Settings) -> AppContext:
        engine = make_engine(settings)
        return cls(settings=settings, engine=engine, sessions=make_sessionmaker(engine))
