"""Accepting a submission, whichever door it came through (the REST API or the portal).

The row is committed as ``queued`` first and only then is its id enqueued (after the caller's
commit), so a broker that is down loses nothing: the sweep finds the row and enqueues it later.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy.orm import Session

from grader import queue
from grader.accounts.models import User
from grader.errors import Invalid, TooLarge
from grader.grading.source_loader import MAX_SOURCE_BYTES, Source, SubmissionRejected, is_notebook, load_bytes
from grader.settings import Settings
from grader.submissions import service as submissions
from grader.submissions import webhooks

ACCEPTED_SUFFIXES = (".py", ".ipynb")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
log = logging.getLogger(__name__)


def load_upload(filename: str, data: bytes) -> Source:
    """The source of an uploaded ``.py`` or ``.ipynb`` file (a notebook saved as .py is read as
    the notebook it is), or a clear Invalid/TooLarge."""
    if not filename.endswith(ACCEPTED_SUFFIXES):
        raise Invalid(f"{filename}: submit a .py file or a .ipynb notebook")
    notebook = filename.endswith(".ipynb") or is_notebook(data.decode("utf-8", "replace"))
    return _load(data, notebook=notebook)


def load_code(code: str) -> Source:
    """The source of code typed or pasted as text; a notebook's JSON is graded as that notebook."""
    data = storable_text("code", code).encode("utf-8")
    return _load(data, notebook=is_notebook(code))


def typed_filename(source: Source) -> str:
    """The name a submission typed or pasted as text is stored under."""
    return "submission.ipynb" if source.notebook else "submission.py"


def storable_text(field: str, text: str) -> str:
    """``text`` if the database can store it, or Invalid saying what is wrong, where, and how to
    fix it: JSON can carry a lone surrogate (half a UTF-16 pair, ``\\ud800``), which UTF-8 cannot
    encode, and NUL, which PostgreSQL cannot store."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return text
    char, where = found.group(), _where(text, found.start())
    if char == "\x00":
        raise Invalid(f"{field!r} has a NUL character at {where}; remove it")
    raise Invalid(
        f"{field!r} has a lone surrogate (U+{ord(char):04X}) at {where}: half of a UTF-16 pair is not "
        "a character. Remove it, or send both halves of the pair (\\ud83d\\ude00 is one emoji); "
        "a JSON encoder given real text never writes half a pair"
    )


def _where(text: str, index: int) -> str:
    """'line L, column C' (from 1) in text of several lines; 'character N' in a single line."""
    if "\n" not in text:
        return f"character {index + 1}"
    line, line_start = text.count("\n", 0, index) + 1, text.rfind("\n", 0, index) + 1
    return f"line {line}, column {index - line_start + 1}"


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
    assignment_id: int | None = None,
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
        assignment_id=assignment_id,
    )
    if created:
        queue.grade_after_commit(session, settings, [row.id])
    return submissions.present(row, "en", full=False), created
