"""jobs: the recording-quality diagnostics of the job's upload (issue 12, item 5): speech level,
SNR, reverberation, clipping, bandwidth, the grade and the advice, as ``RecordingQuality.to_dict``

One JSON column: the pages and the API show it as a whole, and the KPI report reads only its
grade. NULL for jobs that finished before this revision or have not finished.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 20:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recording_quality", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("recording_quality")
