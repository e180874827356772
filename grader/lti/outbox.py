"""Score sends owed to the LMS, kept in the database by the transaction that makes them owed.

A send is a Celery task sent once that transaction commits. A broker that is down at that
moment, or that later loses its queue, would lose the send, and with it a grade on its way to the
LMS's gradebook. So the same transaction (a grading recorded; an assignment's dates or points, or
a student's extension, changed; "send again") marks the student's row as owed (``wanted_at``),
the send clears the mark when it reaches a final outcome (sent, nothing to send, refused, or its
retries spent), and the sweep sends again what stayed owed past its window while the broker held
no message at all: what the broker lost, never what only waits in a backlog.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, or_, select, update
from sqlalchemy.orm import Session

from grader.db import chunked, dialect_insert
from grader.lti.models import ScoreSent
from grader.times import now

_SCORES = cast(Table, ScoreSent.__table__)


@dataclass(frozen=True)
class Owed:
    """A send the sweep makes again."""

    assignment_id: int
    user_id: int
    force: bool


def want(session: Session, assignment_id: int, user_ids: list[int], *, force: bool = False) -> None:
    """Mark these students' sends as owed, as of now (a force stays until it is sent)."""
    if not user_ids:
        return
    moment = now()
    c = _SCORES.c
    for ids in chunked(user_ids):
        rows = dialect_insert(session)(_SCORES).values(
            [
                {
                    "assignment_id": assignment_id,
                    "user_id": user_id,
                    "attempts": 0,
                    "wanted_at": moment,
                    "wanted_force": force,
                }
                for user_id in ids
            ]
        )
        session.execute(
            rows.on_conflict_do_update(
                index_elements=[c.assignment_id, c.user_id],
                set_={"wanted_at": moment, "wanted_force": c.wanted_force | rows.excluded.wanted_force},
            )
        )


def settled(session: Session, assignment_id: int, user_id: int, since: datetime) -> None:
    """A send that started at ``since`` reached its final outcome: what was owed before it
    started is paid (a later mark stays, for the send that mark sent)."""
    c = _SCORES.c
    session.execute(
        update(_SCORES)
        .where(c.assignment_id == assignment_id, c.user_id == user_id, c.wanted_at <= since)
        .values(wanted_at=None, wanted_force=False)
    )


def owed_and_lost(
    session: Session, *, waiting_after_seconds: float, quiet_after_seconds: float
) -> list[Owed]:
    """The sends owed for longer than ``waiting_after_seconds`` and not tried for
    ``quiet_after_seconds`` (longer than the send's longest backoff, so that a send waiting for
    its retry is left alone), marked owed as of now so the next sweep gives them a full window.
    Call only when the broker holds no message, under the sweep's lease."""
    moment = now()
    c = _SCORES.c
    lost = (
        c.wanted_at < moment - timedelta(seconds=waiting_after_seconds),
        or_(c.tried_at.is_(None), c.tried_at < moment - timedelta(seconds=quiet_after_seconds)),
    )
    owed = [
        Owed(row.assignment_id, row.user_id, row.wanted_force)
        for row in session.execute(
            select(c.assignment_id, c.user_id, c.wanted_force).where(*lost).order_by(c.id)
        )
    ]
    if owed:
        session.execute(update(_SCORES).where(*lost).values(wanted_at=moment))
    return owed
