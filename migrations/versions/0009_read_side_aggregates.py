"""the read side's tallies (standings per user and exercise, failed cases, known mistakes),
filled from the rows already there; an index of the regrades that gave up (the overview counts them)

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04 10:00:00.000000
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

FULL = 1e-9  # a score this close to the maximum is full marks

# The tallies as the rows of this revision give them (the same as grader.submissions.tallies
# rebuilds them; a migration keeps its own copy, so that later code cannot change what it did).
FILL = [
    f"""
    INSERT INTO exercise_standings
        (exercise_slug, user_id, submissions, graded, best_score, max_score, first_full)
    SELECT exercise_slug, user_id, count(*), count(*) FILTER (WHERE graded),
           max(score) FILTER (WHERE graded), max(max_score),
           min(n) FILTER (WHERE graded AND score >= max_score - {FULL})
    FROM (SELECT exercise_slug, user_id, score, max_score, status = 'graded' AS graded,
                 row_number() OVER (PARTITION BY user_id, exercise_slug ORDER BY id) AS n
          FROM submissions) AS ranked
    GROUP BY exercise_slug, user_id
    """,
    """
    INSERT INTO failure_tallies
        (exercise_slug, case_name, finding, mutant, message_en, message_zh, digest, failures)
    SELECT s.exercise_slug, c.name, c.finding, c.mutant, c.message_en, c.message_zh,
           md5(coalesce(c.finding, '') || '/' || coalesce(c.mutant, '') || '/'
               || CAST(length(c.message_en) AS VARCHAR) || '/' || c.message_en || c.message_zh),
           count(*)
    FROM case_results AS c JOIN submissions AS s ON s.id = c.submission_id
    WHERE NOT c.passed
    GROUP BY s.exercise_slug, c.name, c.finding, c.mutant, c.message_en, c.message_zh
    """,
    """
    INSERT INTO mistake_tallies (exercise_slug, mutant, user_id, submissions)
    SELECT s.exercise_slug, c.mutant, s.user_id, count(DISTINCT s.id)
    FROM case_results AS c JOIN submissions AS s ON s.id = c.submission_id
    WHERE c.mutant IS NOT NULL
    GROUP BY s.exercise_slug, c.mutant, s.user_id
    """,
]


def upgrade() -> None:
    op.create_table(
        "exercise_standings",
        sa.Column("exercise_slug", sa.String(length=80), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("graded", sa.Integer(), nullable=False),
        sa.Column("best_score", sa.Float(), nullable=True),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("first_full", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("exercise_slug", "user_id"),
    )
    op.create_index("ix_exercise_standings_user", "exercise_standings", ["user_id"])
    op.create_table(
        "failure_tallies",
        sa.Column("exercise_slug", sa.String(length=80), nullable=False),
        sa.Column("case_name", sa.String(length=255), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("finding", sa.String(length=40), nullable=True),
        sa.Column("mutant", sa.String(length=255), nullable=True),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("exercise_slug", "case_name", "digest"),
    )
    op.create_table(
        "mistake_tallies",
        sa.Column("exercise_slug", sa.String(length=80), nullable=False),
        sa.Column("mutant", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("exercise_slug", "mutant", "user_id"),
    )
    op.create_index(
        "ix_regrades_failed",
        "regrades",
        ["id"],
        postgresql_where=sa.text("error IS NOT NULL"),
        sqlite_where=sa.text("error IS NOT NULL"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # PostgreSQL's md5(text), for the fill below
        bind.connection.driver_connection.create_function(  # type: ignore[union-attr]
            "md5", 1, lambda text: hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
        )
    for statement in FILL:
        op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_regrades_failed", table_name="regrades")
    op.drop_table("mistake_tallies")
    op.drop_table("failure_tallies")
    op.drop_index("ix_exercise_standings_user", table_name="exercise_standings")
    op.drop_table("exercise_standings")
