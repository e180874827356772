"""Domain errors, raised by services and mapped to HTTP answers in one place (the web layer).

GraderError
├── BadRequest       400  the request itself is malformed (JSON, multipart)
├── Unauthenticated  401  no token, or a token that is unknown or revoked
├── Forbidden        403  authenticated, but the role may not do this
├── NotFound         404  no such thing, or not yours
├── Conflict         409  it exists already, or the present state stands in the way (a course code in
│                         use; an exercise changed since it was published)
├── Gone             410  existed, but no longer usable (a used or expired set-password link)
├── TooLarge         413  the upload is over the size limit
├── Invalid          422  well-formed but invalid fields (unknown exercise, bad file)
└── RateLimited      429  too many submissions; retry_after seconds
"""

from __future__ import annotations


class GraderError(Exception):
    """Base of every domain error: a machine code, a message for people, an HTTP status."""

    status = 500
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(GraderError):
    """The request is malformed."""

    status, code = 400, "bad_request"


class Unauthenticated(GraderError):
    """No valid credentials."""

    status, code = 401, "unauthenticated"


class Forbidden(GraderError):
    """The user's role does not allow this."""

    status, code = 403, "forbidden"


class NotFound(GraderError):
    """Unknown, or belonging to someone else."""

    status, code = 404, "not_found"


class Conflict(GraderError):
    """It exists already, or the present state stands in the way (the message says what resolves it)."""

    status, code = 409, "conflict"


class Gone(GraderError):
    """Existed, but no longer usable; ``reason`` says why in one word (used, expired, deactivated)."""

    status, code = 410, "gone"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class TooLarge(GraderError):
    """Over the size limit."""

    status, code = 413, "too_large"


class Invalid(GraderError):
    """Invalid fields; ``field`` names the one at fault when there is one (``due_at``,
    ``late[1].credit``)."""

    status, code = 422, "invalid"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class RateLimited(GraderError):
    """Too many requests; try again after ``retry_after`` seconds."""

    status, code = 429, "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
