"""The Alembic revisions build exactly the schema the models declare, so a column added to a model
without a migration (or the reverse) fails here, not on an operator's database."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from service.db.base import Base
from service.db.migrate import upgrade


def test_migrations_at_head_match_the_models(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'schema.sqlite3'}")
    upgrade(engine)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert differences == []
