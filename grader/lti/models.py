"""LTI 1.3 tables: the platforms (LMSs) and their deployments, the tool's own keys, the logins
in flight (state and nonce), who a platform's user is here, which LMS course is which course,
and what was last sent to each line item."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.db import Base
from grader.times import now


class Platform(Base):
    """An LMS registration: its issuer, the client id it gave this tool, and its endpoints."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    login_url: Mapped[str] = mapped_column(String(1000))
    token_url: Mapped[str] = mapped_column(String(1000))
    jwks_url: Mapped[str] = mapped_column(String(1000))
    # What the LMS's instructors may do here: "course" (their LMS courses' staff pages only) or
    # "service" (also the dashboard, every course's data: an instructor of this service).
    instructor_scope: Mapped[str] = mapped_column(String(10), default="course")
    created_at: Mapped[datetime] = mapped_column(default=now)

    deployments: Mapped[list[Deployment]] = relationship(
        order_by="Deployment.id", cascade="all, delete-orphan", back_populates="platform"
    )


class Deployment(Base):
    """A deployment id of a platform (an LMS may install the tool more than once)."""

    __tablename__ = "lti_deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=now)

    platform: Mapped[Platform] = relationship(back_populates="deployments")


class ToolKey(Base):
    """One RSA key pair of the tool. The private key is stored encrypted with a key derived from
    GRADER_SECRET_KEY (every web and worker host can sign; the database alone reveals nothing).
    The newest key signs; the one before it stays published until the next rotation, so a
    platform that cached the old JWKS still verifies what was signed a moment ago."""

    __tablename__ = "lti_tool_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    public_jwk: Mapped[dict[str, Any]]
    private_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Continuation(Base):
    """A launch validated in a frame whose cookies the browser blocks, to be continued in a new
    tab: a one-time link (only its hash is kept) that signs the user in there and lands where the
    launch would have."""

    __tablename__ = "lti_continuations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(1000))
    deep_link: Mapped[dict[str, Any] | None]  # the deep linking request being answered, if any
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Login(Base):
    """An OIDC login in flight: the state handed to one browser and the nonce the platform must
    put in the id_token; used once."""

    __tablename__ = "lti_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Identity(Base):
    """A platform's user (its ``sub``) as a user of the grader."""

    __tablename__ = "lti_identities"
    __table_args__ = (UniqueConstraint("platform_id", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    sub: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Context(Base):
    """An LMS course (a context of a platform) linked to one course of the grader, with the
    service endpoints its launches announced (roster, line items)."""

    __tablename__ = "lti_contexts"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), unique=True)
    memberships_url: Mapped[str | None] = mapped_column(String(1000))
    lineitems_url: Mapped[str | None] = mapped_column(String(1000))
    ags_scopes: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)

    platform: Mapped[Platform] = relationship()


class LineItem(Base):
    """The LMS gradebook column of an assignment in a context: from a launch's AGS claim, or
    created by the tool once (found again by its resourceId and tag)."""

    __tablename__ = "lti_line_items"
    __table_args__ = (UniqueConstraint("context_id", "assignment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_contexts.id", ondelete="CASCADE"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=now)


class ScoreSent(Base):
    """The last score sent (or tried) for a student on an assignment: what, when, and the error;
    and whether a send is still owed (``wanted_at``: see ``grader.lti.outbox``)."""

    __tablename__ = "lti_scores"
    __table_args__ = (
        UniqueConstraint("assignment_id", "user_id"),
        Index("ix_lti_scores_wanted_at", "wanted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    score_given: Mapped[float | None] = mapped_column(Float)
    score_maximum: Mapped[float | None] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]  # the last success
    tried_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(1000))  # the last attempt's, None after a success
    wanted_at: Mapped[datetime | None]  # a send owed since then; cleared by its final outcome
    wanted_force: Mapped[bool] = mapped_column(default=False)  # owed even if the total is unchanged
