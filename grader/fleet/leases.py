"""Named leases: at most one holder at a time, for a while, on any database.

Held inside the caller's transaction: the UPDATE that takes an expired lease locks its row
(PostgreSQL) or the database (SQLite) until commit, so a second caller waits and then finds the
lease taken; the first use of a name inserts its row, and losing that race means it is taken.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from sqlalchemy import Table, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grader.fleet.models import Lease
from grader.times import now

_LEASES = cast(Table, Lease.__table__)


def hold_lease(session: Session, name: str, holder: str, seconds: float) -> bool:
    """Take the lease ``name`` for ``seconds`` if nobody holds it; True if taken."""
    moment = now()
    until = moment + timedelta(seconds=seconds)
    leases = _LEASES.c
    taken = session.execute(
        update(_LEASES)
        .where(leases.name == name, leases.expires_at < moment)
        .values(holder=holder, expires_at=until)
        .returning(leases.name)
    ).one_or_none()
    if taken is not None:
        return True
    if session.get(Lease, name) is not None:
        return False  # held, and not expired
    try:
        with session.begin_nested():
            session.add(Lease(name=name, holder=holder, expires_at=until))
    except IntegrityError:
        return False  # another caller made it first
    return True
