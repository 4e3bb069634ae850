"""meeting_materials.terms: the terms found in a material's text, stored with it (issue 15)

The tokenizer (SudachiPy) ran over every material of a meeting on each view of its 資料 list and
again for each job; the terms are now found once, when the file is attached. Rows stored before
this revision keep NULL and get their terms on first use (``service.materials.material_terms``):
the migration itself does not load the tokenizer.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 23:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_materials") as batch:
        batch.add_column(sa.Column("terms", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_materials") as batch:
        batch.drop_column("terms")
