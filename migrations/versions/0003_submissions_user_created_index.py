"""index submissions by user and creation time (the rate limit's query)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 23:30:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_submissions_user_created", "submissions", ["user_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_submissions_user_created", table_name="submissions")
