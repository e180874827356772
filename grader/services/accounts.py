"""Users, passwords (argon2) and API tokens (only a SHA-256 stored).

Who manages whom (the dashboard's users page): an admin manages everyone; an instructor
creates students and instructors, and creates or revokes the tokens of students and their
own, but not another instructor's or an admin's (that would let them act as that person).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from grader.errors import Forbidden, Invalid, NotFound, Unauthenticated
from grader.models import ApiToken, Role, User, now

_hasher = PasswordHasher()
TOKEN_PREFIX = "tg_"
LAST_USED_PRECISION = timedelta(minutes=1)
MIN_PASSWORD = 8
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,79}")


def create_user(session: Session, username: str, role: Role, password: str | None = None) -> User:
    """A new user; the username must be plain (it appears in URLs) and free."""
    username = username.strip()
    if not USERNAME.fullmatch(username):
        raise Invalid("a username is 1 to 80 letters, digits or . _ @ - (starting with a letter or digit)")
    if session.scalar(select(User).where(User.username == username)):
        raise Invalid(f"the username {username!r} is taken")
    user = User(username=username, role=role, password_hash=_hasher.hash(password) if password else None)
    session.add(user)
    session.flush()
    return user


def roles_creatable_by(actor: User) -> list[Role]:
    """The roles ``actor`` may give a new user: admins any, instructors student or instructor."""
    if actor.role == Role.admin:
        return list(Role)
    if actor.role == Role.instructor:
        return [Role.student, Role.instructor]
    return []


def register_user(session: Session, actor: User, username: str, role: str, password: str) -> User:
    """A new user created by ``actor`` from a form: a plain name, an allowed role, a password of
    at least MIN_PASSWORD characters."""
    if role not in {r.value for r in Role}:
        raise Invalid("choose a role: student or instructor")
    if Role(role) not in roles_creatable_by(actor):
        raise Forbidden(f"you may not create an account with the role {role}")
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"the password must have at least {MIN_PASSWORD} characters")
    return create_user(session, username, Role(role), password)


def may_manage(actor: User, target: User) -> bool:
    """Whether ``actor`` may create or revoke ``target``'s tokens."""
    if actor.role == Role.admin or actor.id == target.id:
        return True
    return actor.role == Role.instructor and target.role == Role.student


def check_may_manage(actor: User, target: User) -> None:
    """Forbidden unless ``actor`` may create or revoke ``target``'s tokens."""
    if not may_manage(actor, target):
        raise Forbidden(f"only an admin or {target.username} may manage {target.username}'s tokens")


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
    row = session.scalar(
        select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.token_hash == _digest(token))
    )
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


def get_token(session: Session, token_id: int) -> ApiToken:
    """A token by its id, or NotFound."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no token {token_id}")
    return row


def revoke_token(session: Session, token_id: int) -> None:
    """Revoke a token by its id (a token revoked already keeps its first revocation time)."""
    row = get_token(session, token_id)
    row.revoked_at = row.revoked_at or now()
