"""The OpenAPI 3.1 document of the API and an interactive page to try it (no CDN)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, jsonify, send_from_directory

from grader.web.api import IDEMPOTENCY_KEY_LENGTH, MAX_GRADEBOOK_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from grader.web.openapi_courses import course_paths
from grader.web.openapi_mistakes import mistake_paths
from grader.web.openapi_parts import IDENT, LANG, SLUG, answer, errors, op

blueprint = Blueprint("openapi", __name__)

SUBMISSION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "exercise": {"type": "string"},
        "status": {"type": "string", "enum": ["queued", "running", "graded", "error"]},
        "regrading": {"type": "boolean", "description": "a regrade is pending; the score stands until then"},
        "score": {"type": ["number", "null"]},
        "max_score": {"type": "number"},
        "message": {"type": ["string", "null"]},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "visibility": {"type": "string", "enum": ["public", "hidden"]},
                    "passed": {"type": "boolean"},
                    "points": {"type": "number"},
                    "max_points": {"type": "number"},
                    "message": {"type": "string"},
                },
            },
        },
        "hint": {
            "type": ["string", "null"],
            "description": "course staff's hint for the group of answers that behave like this one",
        },
        "flags": {"type": "array", "items": {"type": "object"}},
        "output": {"type": "string"},
        "counterexample": {
            "type": ["object", "null"],
            "description": "only hidden cases failed: a new small input on which the function differs "
            "from the reference (never a hidden case's values)",
            "properties": {
                "case": {"type": "string", "description": "the hidden case it was made from"},
                "input": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "value": {"type": "string"}},
                    },
                },
                "expected": {"type": "string"},
                "actual": {"type": "string"},
                "message": {"type": "string"},
            },
        },
        "created_at": {"type": "string", "format": "date-time"},
        "graded_at": {"type": ["string", "null"], "format": "date-time"},
    },
}


REGRADE_TICKET = {
    "type": "object",
    "required": ["id", "status", "regrade", "joined"],
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": ["queued", "running", "graded", "error"]},
        "regrade": {"type": ["integer", "null"], "description": "the audit row of the pending regrade"},
        "joined": {"type": "boolean"},
    },
}
EXERCISE_REGRADE = {
    "type": "object",
    "required": ["exercise", "regrade", "queued", "joined", "requested_at"],
    "properties": {
        "exercise": {"type": "string"},
        "regrade": {"type": "integer"},
        "queued": {"type": "integer", "description": "submissions of the exercise"},
        "joined": {"type": "boolean"},
        "requested_at": {"type": "string", "format": "date-time"},
    },
}
REGRADE_PROGRESS = {
    "type": "object",
    "properties": {
        "exercise": {"type": "string"},
        "regrade": {"type": "integer"},
        "requested_at": {"type": "string", "format": "date-time"},
        "submissions": {"type": "integer"},
        "remaining": {"type": "integer"},
        "completed_at": {"type": ["string", "null"], "format": "date-time"},
    },
}


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    slug, ident = SLUG, IDENT
    submit_json = {
        "type": "object",
        "required": ["exercise", "code"],
        "properties": {
            "exercise": {"type": "string", "example": "linalg.sum_axis"},
            "code": {
                "type": "string",
                "example": "def sum_axis(x, axis, keepdim=False):\n"
                "    return x.sum(dim=axis, keepdim=keepdim)\n",
            },
            "callback_url": {"type": "string", "format": "uri"},
        },
    }
    submit_form = {
        "type": "object",
        "required": ["exercise", "file"],
        "properties": {
            "exercise": {"type": "string"},
            "file": {"type": "string", "format": "binary"},
            "callback_url": {"type": "string"},
        },
    }
    paths = {
        "/healthz": {
            "get": op(
                "Database, broker, workers and sandbox layers",
                {"200": answer("up"), "503": answer("database or broker down")},
                auth=False,
            )
        },
        "/api/v1/exercises": {
            "get": op(
                "List the exercises",
                {"200": answer("the bank"), **errors(422)},
                auth=False,
                parameters=[LANG],
            )
        },
        "/api/v1/exercises/{slug}": {
            "get": op(
                "An exercise: statement, signature, starter code, public examples",
                {"200": answer("the exercise"), **errors(404, 422)},
                auth=False,
                parameters=[slug, LANG],
            )
        },
        "/api/v1/submissions": {
            "post": op(
                "Submit code for grading",
                {
                    "202": answer("queued", SUBMISSION),
                    "200": answer("the submission an Idempotency-Key made before"),
                    **errors(400, 401, 409, 413, 422, 429),
                },
                parameters=[
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "schema": {"type": "string", "maxLength": IDEMPOTENCY_KEY_LENGTH},
                        "description": "a retried POST with the same key returns the same submission",
                    }
                ],
                requestBody={
                    "required": True,
                    "content": {
                        "application/json": {"schema": submit_json},
                        "multipart/form-data": {"schema": submit_form},
                    },
                },
            ),
            "get": op(
                "Your submissions, newest first (instructors: filter by student)",
                {"200": answer("a page of submissions"), **errors(401, 422)},
                parameters=[
                    {"name": n, "in": "query", "schema": schema}
                    for n, schema in (
                        ("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
                        ("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}),
                        ("exercise", {"type": "string"}),
                        ("student", {"type": "string"}),
                    )
                ],
            ),
        },
        "/api/v1/submissions/{id}": {
            "get": op(
                "A submission and its results (hidden cases never show their values)",
                {"200": answer("the submission", SUBMISSION), **errors(401, 404, 422)},
                parameters=[ident, LANG],
            )
        },
        "/api/v1/submissions/{id}/regrade": {
            "post": op(
                "Grade a submission again (instructors); a graded one keeps its score until then",
                {
                    "202": answer("queued for a regrade (audited)", REGRADE_TICKET),
                    "200": answer("joined the regrade or grading already pending", REGRADE_TICKET),
                    **errors(401, 403, 404, 429),
                },
                parameters=[ident],
            )
        },
        "/api/v1/exercises/{slug}/regrade": {
            "post": op(
                "Grade every submission of an exercise again (instructors); at most one such "
                "regrade is pending per exercise",
                {
                    "202": answer("a new regrade, dispatched in the background", EXERCISE_REGRADE),
                    "200": answer("joined the regrade already pending", EXERCISE_REGRADE),
                    **errors(401, 403, 404, 429),
                },
                parameters=[slug],
            ),
            "get": op(
                "The exercise's latest regrade and how many submissions it has left (instructors)",
                {"200": answer("its progress", REGRADE_PROGRESS), **errors(401, 403, 404)},
                parameters=[slug],
            ),
        },
        "/api/v1/exercises/{slug}/stats": {
            "get": op(
                "Score histogram, failing cases, recognised mistakes (instructors)",
                {"200": answer("statistics"), **errors(401, 403, 404)},
                parameters=[slug],
            )
        },
        "/api/v1/gradebook": {
            "get": op(
                "Best score per student and exercise (instructors): the whole gradebook, or with "
                "page or per_page a page of students by name (JSON only; the CSV is always whole)",
                {
                    "200": {
                        "description": "exercises, students; and page, per_page, total if paged",
                        "content": {"application/json": {}, "text/csv": {}},
                    },
                    **errors(401, 403, 422),
                },
                parameters=[
                    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}},
                    {
                        "name": "page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                        "description": "a page of students, by name (JSON only)",
                    },
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_GRADEBOOK_PER_PAGE},
                        "description": "students per page (default 100; JSON only)",
                    },
                ],
            )
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tensor-grader",
            "version": "1",
            "description": "Submit PyTorch exercises, read scores and feedback.",
        },
        "paths": paths | course_paths() | mistake_paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "field": {"type": "string", "description": "the invalid field, when one is"},
                            },
                        }
                    },
                }
            },
        },
        "security": [{"bearer": []}],
    }


@blueprint.get("/openapi.json")
def openapi_json() -> Any:
    """The OpenAPI document."""
    return jsonify(document())


@blueprint.get("/docs")
def docs() -> Any:
    """An interactive page that lists every endpoint and sends requests with your token."""
    return send_from_directory(Path(__file__).parent / "static", "api-docs.html", mimetype="text/html")
