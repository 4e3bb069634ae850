"""surveys, editing times, month closures (issue 6: satisfaction surveys and KPI reports)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:06:25.565945
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import service.db.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "month_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", service.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_month_closures_closed_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_month_closures_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_month_closures")),
        sa.UniqueConstraint("year", "month", "department_id", name="uq_month_closures_year_month_department"),
    )
    op.create_table(
        "editing_times",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("active_seconds", sa.Double(), nullable=False),
        sa.Column("updated_at", service.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_editing_times_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_editing_times_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_editing_times")),
        sa.UniqueConstraint("meeting_id", "user_id", name="uq_editing_times_meeting_user"),
    )
    with op.batch_alter_table("editing_times", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_editing_times_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_editing_times_user_id"), ["user_id"], unique=False)

    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "satisfaction",
            sa.Enum(
                "very_satisfied",
                "satisfied",
                "neutral",
                "dissatisfied",
                "very_dissatisfied",
                name="satisfaction",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "continued_use",
            sa.Enum("yes", "no", "unsure", name="continueduse", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("estimated_minutes", sa.Double(), nullable=False),
        sa.Column("review_minutes", sa.Double(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", service.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", service.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_surveys_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_surveys_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("meeting_id", "user_id", name="uq_surveys_meeting_user"),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surveys_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_surveys_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveys_user_id"))
        batch_op.drop_index(batch_op.f("ix_surveys_meeting_id"))

    op.drop_table("surveys")
    with op.batch_alter_table("editing_times", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_editing_times_user_id"))
        batch_op.drop_index(batch_op.f("ix_editing_times_meeting_id"))

    op.drop_table("editing_times")
    op.drop_table("month_closures")
