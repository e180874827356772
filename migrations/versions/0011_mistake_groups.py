"""mistake groups: graded submissions short of full marks grouped per exercise version by their
behaviour fingerprint, each group's students, each submission's place and the hint it was given

Submissions graded before this revision have no fingerprint (their probe outputs were never
computed): they join groups when they are regraded.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mistake_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_slug", sa.String(length=80), nullable=False),
        sa.Column("exercise_version_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("mutant", sa.String(length=255), nullable=True),
        sa.Column("example_submission_id", sa.Integer(), nullable=True),
        sa.Column("example", sa.JSON(), nullable=True),
        sa.Column("hint_en", sa.Text(), nullable=True),
        sa.Column("hint_zh", sa.Text(), nullable=True),
        sa.Column("hint_by", sa.Integer(), nullable=True),
        sa.Column("hint_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["exercise_version_id"], ["exercise_versions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["example_submission_id"], ["submissions.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["hint_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exercise_version_id", "fingerprint"),
    )
    op.create_index("ix_mistake_groups_exercise_size", "mistake_groups", ["exercise_slug", "submissions"])
    op.create_table(
        "mistake_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["mistake_groups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "user_id"),
    )
    op.create_table(
        "mistake_entries",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("hint_en", sa.Text(), nullable=True),
        sa.Column("hint_zh", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["mistake_groups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("submission_id"),
    )
    op.create_index("ix_mistake_entries_group", "mistake_entries", ["group_id", "submission_id"])
    op.create_index(
        "ix_mistake_entries_assignment", "mistake_entries", ["assignment_id", "group_id", "user_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_mistake_entries_assignment", table_name="mistake_entries")
    op.drop_index("ix_mistake_entries_group", table_name="mistake_entries")
    op.drop_table("mistake_entries")
    op.drop_table("mistake_members")
    op.drop_index("ix_mistake_groups_exercise_size", table_name="mistake_groups")
    op.drop_table("mistake_groups")
