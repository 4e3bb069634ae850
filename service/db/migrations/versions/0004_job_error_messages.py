"""jobs: the failure message in Japanese and in English as two columns (issue 11, item 7), and
the attempts at the last retry, so the crash-loop cap counts from there

``error`` keeps both languages in one string for API clients and for rows written before this
revision; the pages read ``error_ja``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 18:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_ja", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("error_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("retry_base", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("retry_base")
        batch_op.drop_column("error_en")
        batch_op.drop_column("error_ja")
