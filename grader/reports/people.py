"""Users as the dashboard lists them, with their tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.accounts.models import ApiToken, User
from grader.submissions.tally_models import ExerciseStanding
from grader.times import aware


@dataclass(frozen=True)
class UserRow:
    """One line of the users page."""

    id: int
    username: str
    role: str
    created_at: datetime | None
    tokens: int
    submissions: int
    deactivated: bool = False


def list_users(
    session: Session, *, page: int = 1, per_page: int = 100, name: str | None = None
) -> tuple[list[UserRow], int]:
    """A page of users (those whose name contains ``name``, if given) with the number of live
    tokens and of submissions, by role then name; and how many users there are in all."""
    chosen = select(User.id)
    if name:
        chosen = chosen.where(User.username.contains(name, autoescape=True))
    total = session.scalar(select(func.count()).select_from(chosen.subquery())) or 0
    on_page = chosen.order_by(User.role, User.username).offset((page - 1) * per_page).limit(per_page)
    ids = list(session.scalars(on_page))
    tokens = (
        select(ApiToken.user_id, func.count(ApiToken.id).label("n"))
        .where(ApiToken.revoked_at.is_(None), ApiToken.user_id.in_(ids))
        .group_by(ApiToken.user_id)
        .subquery()
    )
    works = (  # the standings count every submission: no need to read them all
        select(ExerciseStanding.user_id, func.sum(ExerciseStanding.submissions).label("n"))
        .where(ExerciseStanding.user_id.in_(ids))
        .group_by(ExerciseStanding.user_id)
        .subquery()
    )
    rows = session.execute(
        select(User, func.coalesce(tokens.c.n, 0), func.coalesce(works.c.n, 0))
        .outerjoin(tokens, tokens.c.user_id == User.id)
        .outerjoin(works, works.c.user_id == User.id)
        .where(User.id.in_(ids))
        .order_by(User.role, User.username)
    ).all()
    users = [
        UserRow(u.id, u.username, u.role.value, aware(u.created_at), t, s, u.deactivated_at is not None)
        for u, t, s in rows
    ]
    return users, total


@dataclass(frozen=True)
class TokenLine:
    """One API token as the users page shows it (never the token itself)."""

    id: int
    name: str
    prefix: str
    created_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


def token_line(row: ApiToken) -> TokenLine:
    """A token row as plain data."""
    return TokenLine(
        row.id, row.name, row.prefix, aware(row.created_at), aware(row.last_used_at), aware(row.revoked_at)
    )
