"""Alembic environment: always online, with the engine handed over by ``service.db.migrate``.

``render_as_batch`` lets the same scripts alter tables on SQLite (copy-and-move) and PostgreSQL.
"""

from __future__ import annotations

from alembic import context

from service.db.models import Base

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()
