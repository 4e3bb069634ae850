"""transcript_revisions.kind: how a version came to be — the pipeline's draft, a manual save, an
autosave or a restore of an older version (issue 14, item 9) — so the editor's 版の履歴 can say it

Rows written before this revision: the pipeline's (no author) are ``draft``, the rest ``manual``.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 20:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("transcript_revisions") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="manual"))
    op.execute("UPDATE transcript_revisions SET kind = 'draft' WHERE author_id IS NULL AND revision = 1")


def downgrade() -> None:
    with op.batch_alter_table("transcript_revisions") as batch:
        batch.drop_column("kind")
