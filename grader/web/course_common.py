"""What the course pages share: the signed-in user, a course or an assignment as they may use
it (the services decide: non-members get 404, members without the role 403), uploaded CSV text,
and a field's error in the reader's language."""

from __future__ import annotations

import re

from flask import request

from grader.accounts.models import User
from grader.assignments import service as assignments
from grader.courses import service as courses
from grader.errors import Invalid, NotFound
from grader.i18n.ui_text import translate
from grader.web.db import get_db
from grader.web.sessions import language, page_user

MAX_CSV_BYTES = 2 << 20  # as the API's: a roster of 20,000 students fits

# The fields an assignment's checks name (indices taken out), and what to say about them. Each
# names one reason, once the form's own checks (dates written as dates, numbers as numbers) pass.
FIELD_ERRORS = {
    "code": "c.err.code",
    "term": "c.err.term",
    "timezone": "c.err.timezone",
    "title": "c.err.title",
    "due_at": "c.err.due_order",
    "late.until": "c.err.window_order",
    "late.credit": "c.err.credit",
    "exercises": "c.err.exercises",
    "exercises.points": "c.err.points",
    "exercises.exercise": "c.err.exercise",
}


class FormError(Invalid):
    """A field of a page's form that is wrong before any service sees it; ``key`` is the UI
    text that says why."""

    def __init__(self, field: str, key: str, **values: object) -> None:
        super().__init__(translate(key, "en", **values), field)
        self.key = key
        self.values = values


def me() -> User:
    """The signed-in user (every course page is @signed_in)."""
    user = page_user()
    assert user is not None
    return user


def t(key: str, **values: object) -> str:
    """A UI text in the reader's language."""
    return translate(key, language(), **values)


def membership(code: str, need: str = "member") -> courses.Membership:
    """The course with that code as the reader may use it."""
    return courses.course_for(get_db(), me(), code, need)


def assignment_in(code: str, assignment_id: int, need: str = "member") -> assignments.Access:
    """The assignment, if it belongs to the course named in the address (else NotFound, as for
    one that does not exist) and the reader may do what ``need`` says."""
    access = assignments.assignment_for(get_db(), me(), assignment_id, need)
    if access.assignment.course.code != code:
        raise NotFound(f"no assignment {assignment_id} in {code}")
    return access


def field_error(exc: Invalid) -> tuple[str | None, str]:
    """(the field at fault, what to say about it in the reader's language); a service's own
    message when the field is not one the pages know."""
    if isinstance(exc, FormError):
        return exc.field, t(exc.key, **exc.values)
    if exc.field is None:
        return None, exc.message
    key = FIELD_ERRORS.get(re.sub(r"\[\d+\]", "", exc.field))
    return exc.field, t(key) if key else exc.message


def uploaded_csv(file_field: str = "file", text_field: str = "text") -> str:
    """The CSV of a form: an uploaded file, else the text pasted; Invalid (in the reader's
    language) when it is neither, too big, or not UTF-8."""
    upload = request.files.get(file_field)
    if upload is not None and upload.filename:
        data = upload.read(MAX_CSV_BYTES + 1)
    else:
        data = request.form.get(text_field, "").encode("utf-8")
    if not data.strip():
        raise FormError(file_field, "c.err.csv_empty")
    if len(data) > MAX_CSV_BYTES:
        raise FormError(file_field, "c.err.csv_big", mib=MAX_CSV_BYTES >> 20)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormError(file_field, "c.err.csv_encoding", byte=exc.start) from None
