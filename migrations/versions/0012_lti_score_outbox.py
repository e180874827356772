"""LTI: score sends owed, what a platform's instructors may do here, and launches continued in
a new tab.

Score sends owed: the transaction that makes a send necessary marks the student's row
(``wanted_at``, ``wanted_force``), the send's final outcome clears it, and the sweep sends again
what stayed owed while the broker held nothing (a broker down at commit, or one that lost its
queue, no longer loses a grade on its way to the LMS).

A platform's ``instructor_scope``: "course" (an LMS instructor is staff of their LMS courses
only) or "service" (also an instructor of the whole service). Platforms registered before this
revision keep what they did ("service"); new registrations default to "course".

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 07:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lti_continuations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=1000), nullable=False),
        sa.Column("deep_link", sa.JSON(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("lti_platforms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("instructor_scope", sa.String(length=10), nullable=False, server_default="service")
        )
    with op.batch_alter_table("lti_scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wanted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("wanted_force", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_lti_scores_wanted_at", ["wanted_at"], unique=False)


def downgrade() -> None:
    op.drop_table("lti_continuations")
    with op.batch_alter_table("lti_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_lti_scores_wanted_at")
        batch_op.drop_column("wanted_force")
        batch_op.drop_column("wanted_at")
    with op.batch_alter_table("lti_platforms", schema=None) as batch_op:
        batch_op.drop_column("instructor_scope")
