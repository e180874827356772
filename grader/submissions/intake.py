"""Accepting a submission, whichever door it came through (the REST API or the portal).

The row is committed as ``queued`` first and only then is its id enqueued (after the caller's
commit), so a broker that is down loses nothing: the sweep finds the row and enqueues it later.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from grader import queue
from grader.accounts.models import User
from grader.errors import Invalid, TooLarge
from grader.grading.source_loader import MAX_SOURCE_BYTES, Source, SubmissionRejected, load_bytes
from grader.settings import Settings
from grader.submissions import service as submissions
from grader.submissions import webhooks

ACCEPTED_SUFFIXES = (".py", ".ipynb")
log = logging.getLogger(__name__)


def load_upload(filename: str, data: bytes) -> Source:
    """The source of an uploaded ``.py`` or ``.ipynb`` file, or a clear Invalid/TooLarge."""
    if not filename.endswith(ACCEPTED_SUFFIXES):
        raise Invalid(f"{filename}: submit a .py file or a .ipynb notebook")
    return _load(data, notebook=filename.endswith(".ipynb"))


def load_code(code: str) -> Source:
    """The source of code typed or pasted as text."""
    return _load(code.encode("utf-8"), notebook=False)


def _load(data: bytes, *, notebook: bool) -> Source:
    if len(data) > MAX_SOURCE_BYTES:
        raise TooLarge(f"the submission is over {MAX_SOURCE_BYTES // 1024} KiB; submit only your code")
    try:
        return load_bytes(data, notebook=notebook)
    except SubmissionRejected as exc:
        raise Invalid(exc.message) from None


def accept(
    session: Session,
    settings: Settings,
    user: User,
    slug: str,
    source: Source,
    *,
    filename: str,
    callback_url: str | None = None,
    idempotency_key: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """Store a queued submission, to be sent for grading once the session commits: (its
    summary, created). A repeated idempotency key returns the first submission's summary with
    created False, and sends nothing."""
    if callback_url is not None:
        refusal = webhooks.refused_address(callback_url, settings.webhook_allow_private)
        if refusal:
            raise Invalid(f"callback_url refused: {refusal}")
    row, created = submissions.submit(
        session,
        user,
        slug,
        source,
        filename=filename,
        callback_url=callback_url,
        idempotency_key=idempotency_key,
        per_minute=settings.submissions_per_minute,
    )
    if created:
        queue.grade_after_commit(session, settings, [row.id])
    return submissions.present(row, "en", full=False), created
