"""The REST API of an exercise's mistake groups and their hints (/api/v1, course staff): parse
the request, call one service, present the result. Who may see what is the service's."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, jsonify, request

from grader.errors import BadRequest, Invalid
from grader.mistakes import service as mistakes
from grader.reports import mistake_groups
from grader.web import limits
from grader.web.auth import current_user, login_required
from grader.web.common import exercise_or_404
from grader.web.db import get_db

blueprint = Blueprint("api_mistakes", __name__)
MAX_PAGE, MAX_PER_PAGE = 100_000, 100


def _whole(name: str, default: int | None, top: int) -> int | None:
    """A query parameter that is a whole number from 1 to ``top`` (or absent: ``default``)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,10}", raw) or not 1 <= int(raw) <= top:
        raise Invalid(f"{name} must be a whole number from 1 to {top}", name)
    return int(raw)


def _past() -> bool:
    value = request.args.get("past", "0")
    if value not in ("0", "1"):
        raise Invalid("past must be 0 (from now on) or 1 (the group's past submissions too)", "past")
    return value == "1"


def _scope_query() -> tuple[str | None, int | None]:
    """?course= and ?assignment=, checked before anything else of the request."""
    return request.args.get("course"), _whole("assignment", None, 2**31 - 1)


def _scope(slug: str, query: tuple[str | None, int | None]) -> mistakes.Scope:
    """The caller's view of the exercise's groups."""
    exercise_or_404(slug)
    course, assignment = query
    return mistakes.staff_scope(get_db(), current_user(), slug, course=course, assignment=assignment)


@blueprint.get("/exercises/<slug>/mistakes")
@login_required
def list_mistakes(slug: str) -> Any:
    """The exercise's groups of wrong answers that behave alike, largest first (course staff)."""
    page, per_page = _whole("page", 1, MAX_PAGE), _whole("per_page", 20, MAX_PER_PAGE)
    assert page is not None and per_page is not None
    scope = _scope(slug, _scope_query())
    found = mistake_groups.mistake_groups(get_db(), slug, scope, page=page, per_page=per_page)
    return jsonify(
        {
            "items": [group.to_dict() for group in found.items],
            "page": page,
            "per_page": per_page,
            "total": found.total,
        }
    )


@blueprint.put("/exercises/<slug>/mistakes/<int:group_id>/hint")
@login_required
@limits.instructor_writes
def put_hint(slug: str, group_id: int) -> Any:
    """Give a group a hint (``{"en", "zh"}``): every submission graded into it from now on gets
    it; ``?past=1``: those already in it too."""
    past, query = _past(), _scope_query()
    session = get_db()
    # The group first: a hint for a group that is not there is a 404 whatever the body.
    group = mistakes.find_group(session, slug, group_id, _scope(slug, query))
    body = request.get_json(silent=True)
    if body is None:
        raise BadRequest('send JSON {"en": "...", "zh": "..."}')
    hint = mistakes.read_hint(body)
    given = mistakes.set_hint(session, group, hint, current_user(), past=past)
    return jsonify({"id": group.id, "hint": group.hint, "past_submissions": given})


@blueprint.delete("/exercises/<slug>/mistakes/<int:group_id>/hint")
@login_required
@limits.instructor_writes
def delete_hint(slug: str, group_id: int) -> Any:
    """Take a group's hint away from what is graded from now on; ``?past=1``: from the
    submissions that were given it too."""
    past, query = _past(), _scope_query()
    session = get_db()
    group = mistakes.find_group(session, slug, group_id, _scope(slug, query))
    taken = mistakes.clear_hint(session, group, past=past)
    return jsonify({"id": group.id, "hint": None, "past_submissions": taken})
