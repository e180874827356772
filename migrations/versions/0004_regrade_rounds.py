"""regrades that keep scores: pending regrade rounds, claims, exercise regrades, leases

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 14:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exercise_regrades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_slug", sa.String(length=80), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["requested_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_exercise_regrades_exercise_slug", "exercise_regrades", ["exercise_slug"])
    op.create_index(
        "uq_exercise_regrades_pending",
        "exercise_regrades",
        ["exercise_slug"],
        unique=True,
        postgresql_where=sa.text("completed_at IS NULL"),
        sqlite_where=sa.text("completed_at IS NULL"),
    )
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("regrade_requested_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_submissions_regrade_requested_at", ["regrade_requested_at"])
    with op.batch_alter_table("regrades") as batch:
        batch.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("new_version_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch.create_index("ix_regrades_batch_id", ["batch_id"])
        batch.create_foreign_key(
            "fk_regrades_batch_id", "exercise_regrades", ["batch_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_foreign_key(
            "fk_regrades_new_version_id", "exercise_versions", ["new_version_id"], ["id"]
        )
    # Submissions claimed before this revision: a worker holds them (the sweep's rule for running).
    op.execute("UPDATE submissions SET claimed_at = updated_at WHERE status = 'running'")


def downgrade() -> None:
    with op.batch_alter_table("regrades") as batch:
        batch.drop_constraint("fk_regrades_new_version_id", type_="foreignkey")
        batch.drop_constraint("fk_regrades_batch_id", type_="foreignkey")
        batch.drop_index("ix_regrades_batch_id")
        batch.drop_column("error")
        batch.drop_column("new_version_id")
        batch.drop_column("batch_id")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_index("ix_submissions_regrade_requested_at")
        batch.drop_column("regrade_requested_at")
        batch.drop_column("claimed_at")
    op.drop_table("leases")
    op.drop_index("uq_exercise_regrades_pending", table_name="exercise_regrades")
    op.drop_index("ix_exercise_regrades_exercise_slug", table_name="exercise_regrades")
    op.drop_table("exercise_regrades")
