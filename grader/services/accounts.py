"""Users, passwords (argon2) and API tokens (only a SHA-256 stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.errors import Invalid, NotFound, Unauthenticated
from grader.models import ApiToken, Role, User, now

_hasher = PasswordHasher()
TOKEN_PREFIX = "tg_"
LAST_USED_PRECISION = timedelta(minutes=1)


def create_user(session: Session, username: str, role: Role, password: str | None = None) -> User:
    """A new user; the username must be free."""
    username = username.strip()
    if not username or len(username) > 80:
        raise Invalid("a username is 1 to 80 characters")
    if session.scalar(select(User).where(User.username == username)):
        raise Invalid(f"the username {username!r} is taken")
    user = User(username=username, role=role, password_hash=_hasher.hash(password) if password else None)
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, username: str) -> User:
    """The user with that name, or NotFound."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def check_password(session: Session, username: str, password: str) -> User:
    """The user if the password is right, else Unauthenticated (same answer for an unknown name)."""
    user = session.scalar(select(User).where(User.username == username))
    try:
        if user is None or user.password_hash is None:
            raise VerificationError
        _hasher.verify(user.password_hash, password)
    except VerificationError:
        raise Unauthenticated("wrong username or password") from None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, username: str, name: str = "api") -> str:
    """A new bearer token for the user; the token itself is returned once and never stored."""
    user = find_user(session, username)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_digest(token), prefix=token[:10]))
    session.flush()
    return token


def authenticate(session: Session, token: str) -> User:
    """The user a bearer token belongs to; records the token's last use."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        raise Unauthenticated("the token is unknown or revoked")
    moment = now()
    last = row.last_used_at.replace(tzinfo=moment.tzinfo) if row.last_used_at else None
    if last is None or moment - last > LAST_USED_PRECISION:  # not a write on every request
        row.last_used_at = moment
    return row.user


def list_tokens(session: Session, username: str) -> list[ApiToken]:
    """A user's tokens (revoked ones included), oldest first."""
    user = find_user(session, username)
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_token(session: Session, token_id: int) -> None:
    """Revoke a token by its id."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no token {token_id}")
    row.revoked_at = now()
