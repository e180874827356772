"""Users, passwords (argon2), set-password links and API tokens (of both, only a SHA-256 stored).

Who manages whom (the dashboard's users page): an admin manages everyone; an instructor
creates students and instructors, and manages (tokens, set-password links, deactivation) students
and their own account, but not another instructor's or an admin's (that would let them act as
that person). The command line is the operator's and may do everything.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload

from grader.accounts.models import ApiToken, PasswordLink, Role, User
from grader.errors import Forbidden, Gone, Invalid, NotFound, Unauthenticated
from grader.times import aware, now

_hasher = PasswordHasher()
TOKEN_PREFIX = "tg_"
LAST_USED_PRECISION = timedelta(minutes=1)
MIN_PASSWORD = 8
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,79}")
# Long enough to reach someone who does not read mail every day; short, as a leaked link is a
# password for whoever opens it first.
SET_PASSWORD_LIFETIME = timedelta(hours=72)
SET_PASSWORD_PATH = "/set-password/"


def check_new_password(password: str, again: str | None = None) -> None:
    """Invalid unless the password has at least MIN_PASSWORD characters (and ``again`` repeats it)."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"the password must have at least {MIN_PASSWORD} characters")
    if again is not None and again != password:
        raise Invalid("the two passwords differ")


def create_user(session: Session, username: str, role: Role, password: str | None = None) -> User:
    """A new user; the username must be plain (it appears in URLs) and free; a password, when
    given, has at least MIN_PASSWORD characters (without one, the user needs a set-password link)."""
    username = username.strip()
    if not USERNAME.fullmatch(username):
        raise Invalid("a username is 1 to 80 letters, digits or . _ @ - (starting with a letter or digit)")
    if password is not None:
        check_new_password(password)
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


def register_user(
    session: Session, actor: User, username: str, role: str, password: str | None, public_url: str
) -> tuple[User, IssuedLink | None]:
    """A new user created by ``actor`` from a form: a plain name, an allowed role, and a password
    of at least MIN_PASSWORD characters, or none and then a set-password link, returned for the
    creator to hand out (whoever may create the account may give it its first password)."""
    if role not in {r.value for r in Role}:
        raise Invalid("choose a role: student or instructor")
    if Role(role) not in roles_creatable_by(actor):
        raise Forbidden(f"you may not create an account with the role {role}")
    user = create_user(session, username, Role(role), password or None)
    return user, None if password else new_link(session, public_url, user, actor)


def may_manage(actor: User, target: User) -> bool:
    """Whether ``actor`` may manage ``target``'s tokens, password links and activation."""
    if actor.role == Role.admin or actor.id == target.id:
        return True
    return actor.role == Role.instructor and target.role == Role.student


def check_may_manage(actor: User, target: User, what: str = "tokens") -> None:
    """Forbidden unless ``actor`` may manage ``target``'s ``what``."""
    if not may_manage(actor, target):
        raise Forbidden(f"only an admin or {target.username} may manage {target.username}'s {what}")


def find_user(session: Session, username: str) -> User:
    """The user with that name, or NotFound."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def check_password(session: Session, username: str, password: str) -> User:
    """The user if the password is right, else Unauthenticated (same answer for an unknown name)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not _verified(user, password):
        raise Unauthenticated("wrong username or password")
    if user.deactivated_at is not None:  # said only to whoever knows the password
        raise Unauthenticated("this account is deactivated: ask an instructor")
    return user


def _verified(user: User, password: str) -> bool:
    """Whether ``password`` is the user's (argon2; a user without a password has none)."""
    if user.password_hash is None:
        return False
    try:
        return bool(_hasher.verify(user.password_hash, password))
    except VerificationError:
        return False


def session_valid(user: User, signed_in_at: float) -> bool:
    """Whether a page session begun at ``signed_in_at`` (epoch seconds) may go on: not once the
    user is deactivated or their password was set or changed since."""
    if user.deactivated_at is not None:
        return False
    changed = user.password_changed_at
    return changed is None or signed_in_at >= aware(changed).timestamp()


def change_password(session: Session, user_id: int, current: str, new: str, again: str) -> User:
    """Replace a signed-in user's password, given the current one (Unauthenticated if wrong)."""
    user = session.get(User, user_id)
    if user is None or not _verified(user, current):
        raise Unauthenticated("the current password is wrong")
    check_new_password(new, again)
    _set_password(session, user, new)
    return user


def _set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = _hasher.hash(password)
    user.password_changed_at = now()
    _drop_unused_links(session, user.id)  # an older link would undo what was just chosen


def _drop_unused_links(session: Session, user_id: int) -> None:
    session.execute(
        delete(PasswordLink).where(PasswordLink.user_id == user_id, PasswordLink.used_at.is_(None))
    )


@dataclass(frozen=True)
class IssuedLink:
    """A set-password link as it is shown, once (only its hash is stored)."""

    username: str
    url: str
    expires_at: datetime


def issue_password_link(
    session: Session, public_url: str, username: str, actor: User | None = None
) -> IssuedLink:
    """A one-time link for ``username`` to set a password, valid SET_PASSWORD_LIFETIME; the
    user's earlier unused links stop working. ``actor`` (None: the operator's command line)
    must manage the user."""
    user = find_user(session, username)
    if actor is not None:
        check_may_manage(actor, user, "password")
    return new_link(session, public_url, user, actor)


def new_link(session: Session, public_url: str, user: User, actor: User | None) -> IssuedLink:
    """A one-time set-password link for ``user`` (the caller has checked who may ask for it);
    the user's earlier unused links stop working."""
    _drop_unused_links(session, user.id)
    token = secrets.token_urlsafe(32)
    expires = now() + SET_PASSWORD_LIFETIME
    session.add(
        PasswordLink(
            user_id=user.id,
            token_hash=token_digest(token),
            created_by=actor.id if actor is not None else None,
            expires_at=expires,
        )
    )
    session.flush()
    return IssuedLink(user.username, f"{public_url}{SET_PASSWORD_PATH}{token}", expires)


def password_link(session: Session, token: str) -> PasswordLink:
    """The usable link of ``token``: NotFound if unknown; Gone if used, expired or its user
    deactivated."""
    row = session.scalar(
        select(PasswordLink)
        .options(joinedload(PasswordLink.user))
        .where(PasswordLink.token_hash == token_digest(token))
    )
    if row is None:
        raise NotFound("this link is unknown: copy it whole, or ask for a new one")
    if row.used_at is not None:
        raise Gone("this link was used already: ask for a new one", "used")
    if aware(row.expires_at) <= now():
        raise Gone("this link has expired: ask for a new one", "expired")
    if row.user.deactivated_at is not None:
        raise Gone("this account is deactivated", "deactivated")
    return row


def set_password_with_link(session: Session, token: str, password: str, again: str) -> User:
    """Set the password of a link's user; the link then never works again."""
    row = password_link(session, token)
    check_new_password(password, again)
    # Claimed by a conditional UPDATE, so two submissions of the same link cannot both win.
    claimed = session.execute(
        update(PasswordLink)
        .where(PasswordLink.id == row.id, PasswordLink.used_at.is_(None))
        .values(used_at=now())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Gone("this link was used already: ask for a new one", "used")
    _set_password(session, row.user, password)
    return row.user


def deactivate_user(session: Session, username: str, actor: User | None = None) -> User:
    """Deactivate a user: no sign-in, tokens refused, page sessions ended at their next request.
    Nobody deactivates themself (that could lock out the last admin)."""
    user = find_user(session, username)
    if actor is not None:
        check_may_manage(actor, user, "account")
        if actor.id == user.id:
            raise Invalid("you cannot deactivate your own account")
    user.deactivated_at = user.deactivated_at or now()
    return user


def activate_user(session: Session, username: str, actor: User | None = None) -> User:
    """Let a deactivated user back in (their tokens work again unless revoked)."""
    user = find_user(session, username)
    if actor is not None:
        check_may_manage(actor, user, "account")
    user.deactivated_at = None
    return user


def token_digest(token: str) -> str:
    """What is stored of a secret token (a bearer token, a one-time link): its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, username: str, name: str = "api") -> str:
    """A new bearer token for the user; the token itself is returned once and never stored."""
    user = find_user(session, username)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=token_digest(token), prefix=token[:10]))
    session.flush()
    return token


def authenticate(session: Session, token: str) -> User:
    """The user a bearer token belongs to; records the token's last use."""
    row = session.scalar(
        select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.token_hash == token_digest(token))
    )
    if row is None or row.revoked_at is not None:
        raise Unauthenticated("the token is unknown or revoked")
    if row.user.deactivated_at is not None:
        raise Unauthenticated(f"the account {row.user.username} is deactivated")
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
