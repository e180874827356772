"""The OpenAPI document's part for an exercise's mistake groups and their hints."""

from __future__ import annotations

from typing import Any

from grader.web.openapi_parts import IDENT, SLUG, answer, errors, op

HINT = {
    "type": "object",
    "required": ["en", "zh"],
    "properties": {"en": {"type": "string"}, "zh": {"type": "string"}},
}
GROUP = {
    "type": "object",
    "required": ["id", "count", "students", "submissions", "mutant", "hint", "example"],
    "properties": {
        "id": {"type": "integer"},
        "version": {"type": "integer", "description": "the exercise version the group belongs to"},
        "count": {"type": "integer", "description": "graded submissions in the group"},
        "students": {"type": "integer"},
        "submissions": {
            "type": "array",
            "items": {"type": "integer"},
            "maxItems": 100,
            "description": "submission ids, newest first",
        },
        "mutant": {"type": ["string", "null"], "description": "the known mistake it matches"},
        "hint": {**HINT, "type": ["object", "null"]},
        "example": {
            "type": "object",
            "properties": {
                "submission": {"type": ["integer", "null"]},
                "source": {"type": ["string", "null"]},
            },
        },
        "outputs": {
            "type": "object",
            "description": "the group's outcome next to the reference's on the first probe input "
            "(case, input, output, expected)",
        },
    },
}
NEW_HINT = {
    "type": "object",
    "required": ["en"],
    "properties": {
        "en": {"type": "string", "minLength": 1, "maxLength": 2000},
        "zh": {"type": "string", "minLength": 1, "maxLength": 2000, "description": "default: en"},
    },
}
CHANGED = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "hint": {**HINT, "type": ["object", "null"]},
        "past_submissions": {"type": "integer", "description": "past submissions given (or denied) it"},
    },
}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, "description": description}


def mistake_paths() -> dict[str, Any]:
    """The paths of mistake groups."""
    slug, group = SLUG, IDENT
    scope = [
        _query(
            "course", {"type": "string"}, "a course's code: its assignments' work (its TAs and instructors)"
        ),
        _query("assignment", {"type": "integer", "minimum": 1}, "one assignment's work (its course's staff)"),
    ]
    past = _query(
        "past", {"type": "string", "enum": ["0", "1"]}, "1: the submissions already in the group too"
    )
    return {
        "/api/v1/exercises/{slug}/mistakes": {
            "get": op(
                "Wrong answers grouped by what they do, largest first (instructors, or a course's staff "
                "with ?course= or ?assignment=)",
                {
                    "200": answer(
                        "a page of groups",
                        {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": GROUP},
                                "page": {"type": "integer"},
                                "per_page": {"type": "integer"},
                                "total": {"type": "integer"},
                            },
                        },
                    ),
                    **errors(401, 403, 404, 422),
                },
                parameters=[
                    slug,
                    *scope,
                    _query("page", {"type": "integer", "minimum": 1}, "page number"),
                    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "groups per page"),
                ],
            ),
        },
        "/api/v1/exercises/{slug}/mistakes/{id}/hint": {
            "put": op(
                "Give a group a hint: every submission graded into it from now on shows it "
                "(?past=1: the group's past submissions too)",
                {"200": answer("the group's hint", CHANGED), **errors(400, 401, 403, 404, 422, 429)},
                parameters=[slug, group, *scope, past],
                requestBody={"required": True, "content": {"application/json": {"schema": NEW_HINT}}},
            ),
            "delete": op(
                "Remove a group's hint for what is graded from now on (?past=1: from its past submissions)",
                {"200": answer("no hint", CHANGED), **errors(401, 403, 404, 422, 429)},
                parameters=[slug, group, *scope, past],
            ),
        },
    }
