"""Run Alembic migrations from code: the service upgrades its own database on start-up.

The migration scripts live in ``service/db/migrations`` inside the package, so an installed
service needs no alembic.ini. Developers create a revision with ``gijiroku db revision -m ...``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def autogenerate(engine: Engine, message: str) -> None:
    """Write a new revision diffing the models against the (upgraded) database."""
    command.revision(alembic_config(engine), message=message, autogenerate=True)
