"""jobs.replaces_revision: the revision that was current when a 再処理 was asked for (issue 15)

Staff may keep editing while a re-run is queued or running. When it finishes, a staff revision
newer than this one was saved meanwhile: the re-run's draft is stored, and a copy of the staff's
text goes on top of it so that nothing they saved is silently replaced (``states.finish_done``).
Jobs created before this revision keep NULL, which the finish treats as before (draft on top).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 02:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("replaces_revision", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("replaces_revision")
