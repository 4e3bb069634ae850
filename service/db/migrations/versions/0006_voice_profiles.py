"""voice profiles 話者登録 (issue 13): a department's people, their voiceprints, and the speakers
the pipeline named from them until staff accept or reject

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 20:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import service.db.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "voice_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", service.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_voice_people_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_voice_people_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_people")),
        sa.UniqueConstraint("department_id", "label", name="uq_voice_people_department_label"),
    )
    with op.batch_alter_table("voice_people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voice_people_department_id"), ["department_id"], unique=False)

    op.create_table(
        "voice_prints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("encoder", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", service.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_voice_prints_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_voice_prints_meeting_id_meetings"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["voice_people.id"], name=op.f("fk_voice_prints_person_id_voice_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_prints")),
    )
    with op.batch_alter_table("voice_prints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voice_prints_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_voice_prints_person_id"), ["person_id"], unique=False)

    op.create_table(
        "voice_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("margin", sa.Double(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", service.db.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_voice_matches_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_voice_matches_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["voice_people.id"],
            name=op.f("fk_voice_matches_person_id_voice_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_matches")),
        sa.UniqueConstraint("meeting_id", "speaker", name="uq_voice_matches_meeting_speaker"),
    )
    with op.batch_alter_table("voice_matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voice_matches_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_voice_matches_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("voice_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voice_matches_person_id"))
        batch_op.drop_index(batch_op.f("ix_voice_matches_meeting_id"))
    op.drop_table("voice_matches")
    with op.batch_alter_table("voice_prints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voice_prints_person_id"))
        batch_op.drop_index(batch_op.f("ix_voice_prints_meeting_id"))
    op.drop_table("voice_prints")
    with op.batch_alter_table("voice_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voice_people_department_id"))
    op.drop_table("voice_people")
