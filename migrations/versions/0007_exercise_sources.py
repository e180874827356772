"""exercise sources: where each version came from and how it was proven; refused changes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exercise_versions") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=1000), server_default="shipped", nullable=False)
        )
        batch.add_column(sa.Column("path", sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column("validation", sa.JSON(), nullable=True))
    op.create_table(
        "exercise_refusals",
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
    )


def downgrade() -> None:
    op.drop_table("exercise_refusals")
    with op.batch_alter_table("exercise_versions") as batch:
        batch.drop_column("validation")
        batch.drop_column("path")
        batch.drop_column("source")
