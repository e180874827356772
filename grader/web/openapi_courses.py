"""The OpenAPI document's part for courses, rosters, assignments, extensions and grades."""

from __future__ import annotations

from typing import Any

from grader.web.openapi_parts import answer, errors, op

MOMENT = {"type": "string", "format": "date-time", "description": "ISO 8601 with an offset"}
WINDOWS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["until", "credit"],
        "properties": {"until": MOMENT, "credit": {"type": "number", "minimum": 0, "maximum": 1}},
        "additionalProperties": False,
    },
}
COURSE = {
    "type": "object",
    "required": ["code", "title"],
    "properties": {
        "code": {"type": "string"},
        "title": {"type": "string"},
        "term": {"type": "string"},
        "timezone": {"type": "string"},
        "role": {"type": "string", "enum": ["student", "ta", "instructor"]},
    },
}
NEW_COURSE = {
    "type": "object",
    "required": ["code", "title"],
    "properties": {
        "code": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{1,39}$", "example": "dl101-2027s"},
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "term": {"type": "string", "maxLength": 80},
        "timezone": {"type": "string", "example": "Europe/Berlin"},
    },
}
EXERCISES = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["exercise", "points"],
        "properties": {
            "exercise": {"type": "string", "example": "linalg.sum_axis"},
            "points": {"type": "number"},
        },
    },
}
ASSIGNMENT_FIELDS = {
    "title": {"type": "string"},
    "exercises": EXERCISES,
    "opens_at": {**MOMENT, "type": ["string", "null"]},
    "due_at": MOMENT,
    "late": WINDOWS,
}
ASSIGNMENT = {
    "type": "object",
    "required": ["id", "course", "title", "exercises", "points", "due_at", "late", "phase"],
    "properties": {
        "id": {"type": "integer"},
        "course": {"type": "string"},
        "title": {"type": "string"},
        "exercises": EXERCISES,
        "points": {"type": "number"},
        "opens_at": {"type": ["string", "null"], "format": "date-time"},
        "due_at": {"type": "string", "format": "date-time"},
        "late": WINDOWS,
        "phase": {"type": "string", "enum": ["not_open", "open", "late", "closed"]},
        "credit_now": {"type": ["number", "null"]},
        "grades": {"type": "object", "additionalProperties": {"type": ["number", "null"]}},
        "total": {"type": "number"},
    },
}
REPORT = {
    "type": "object",
    "required": ["created", "enrolled", "unchanged", "errors"],
    "properties": {
        "created": {"type": "integer"},
        "enrolled": {"type": "integer"},
        "updated": {"type": "integer"},
        "unchanged": {"type": "integer"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"line": {"type": "integer"}, "message": {"type": "string"}},
            },
        },
    },
}
EXTENSION = {
    "type": "object",
    "properties": {"username": {"type": "string"}, "due_at": MOMENT, "late": {"type": ["array", "null"]}},
}
CSV_BODY = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def course_paths() -> dict[str, Any]:
    """The paths of courses and assignments."""
    code = _path("code", {"type": "string", "example": "dl101-2027s"})
    ident = _path("id", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1})
    username = _path("username", {"type": "string", "example": "amy"})
    json_body = lambda schema: {"required": True, "content": {"application/json": {"schema": schema}}}  # noqa: E731
    return {
        "/api/v1/courses": {
            "post": op(
                "Create a course (instructors); you become its instructor",
                {"201": answer("the course", COURSE), **errors(400, 401, 403, 409, 422, 429)},
                requestBody=json_body(NEW_COURSE),
            ),
            "get": op(
                "Your courses and your role in each",
                {
                    "200": answer(
                        "the courses",
                        {"type": "object", "properties": {"items": {"type": "array", "items": COURSE}}},
                    ),
                    **errors(401),
                },
            ),
        },
        "/api/v1/courses/{code}": {
            "get": op(
                "A course and its assignments (students see their own due dates)",
                {"200": answer("the course", COURSE), **errors(401, 404)},
                parameters=[code],
            )
        },
        "/api/v1/courses/{code}/roster": {
            "post": op(
                "Import a roster CSV (username,name,email[,role,student_id]); each bad line is reported",
                {"200": answer("what the import did", REPORT), **errors(400, 401, 403, 404, 413, 422, 429)},
                parameters=[code],
                requestBody=CSV_BODY,
            ),
            "get": op(
                "The roster (course staff); ?dropped=1 includes those dropped",
                {"200": answer("the members"), **errors(401, 403, 404, 422)},
                parameters=[
                    code,
                    {"name": "dropped", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]}},
                ],
            ),
        },
        "/api/v1/courses/{code}/roster/{username}": {
            "put": op(
                "Add one member, or change their name, email, role or student id (instructors)",
                {"200": answer("what it did", REPORT), **errors(400, 401, 403, 404, 422, 429)},
                parameters=[code, username],
                requestBody=json_body(
                    {
                        "type": "object",
                        "required": ["name", "email"],
                        "properties": {
                            "name": {"type": "string"},
                            "email": {"type": "string"},
                            "role": {"type": "string", "enum": ["student", "ta", "instructor"]},
                            "student_id": {"type": "string"},
                        },
                    }
                ),
            ),
            "delete": op(
                "Drop a member; their submissions stay (instructors)",
                {"204": answer("dropped"), **errors(401, 403, 404, 422, 429)},
                parameters=[code, username],
            ),
        },
        "/api/v1/courses/{code}/links": {
            "post": op(
                "One-time set-password links for students without a password (?format=csv for a mail merge)",
                {
                    "200": {"description": "the links", "content": {"application/json": {}, "text/csv": {}}},
                    **errors(401, 403, 404, 422, 429),
                },
                parameters=[
                    code,
                    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}},
                ],
            )
        },
        "/api/v1/courses/{code}/assignments": {
            "post": op(
                "Create an assignment (instructors); a field that is wrong is named in the 422",
                {"201": answer("the assignment", ASSIGNMENT), **errors(400, 401, 403, 404, 422, 429)},
                parameters=[code],
                requestBody=json_body(
                    {
                        "type": "object",
                        "required": ["title", "exercises", "due_at"],
                        "properties": ASSIGNMENT_FIELDS,
                    }
                ),
            )
        },
        "/api/v1/assignments/{id}": {
            "get": op(
                "An assignment (a student sees their own dates and credited points)",
                {"200": answer("the assignment", ASSIGNMENT), **errors(401, 404)},
                parameters=[ident],
            ),
            "patch": op(
                "Change any field of an assignment (instructors); grades follow at once",
                {"200": answer("the assignment", ASSIGNMENT), **errors(400, 401, 403, 404, 422, 429)},
                parameters=[ident],
                requestBody=json_body({"type": "object", "properties": ASSIGNMENT_FIELDS}),
            ),
        },
        "/api/v1/assignments/{id}/extensions": {
            "get": op(
                "The assignment's extensions (course staff)",
                {"200": answer("the extensions"), **errors(401, 403, 404)},
                parameters=[ident],
            ),
            "post": op(
                "Grant extensions from a CSV username,due_at (course staff)",
                {
                    "200": answer("granted, unchanged, and each bad line"),
                    **errors(400, 401, 403, 404, 413, 422, 429),
                },
                parameters=[ident],
                requestBody=CSV_BODY,
            ),
        },
        "/api/v1/assignments/{id}/extensions/{username}": {
            "put": op(
                "Give a student their own due date (and optionally late windows) (course staff)",
                {"200": answer("the extension", EXTENSION), **errors(400, 401, 403, 404, 422, 429)},
                parameters=[ident, username],
                requestBody=json_body(
                    {
                        "type": "object",
                        "required": ["due_at"],
                        "properties": {"due_at": MOMENT, "late": WINDOWS},
                    }
                ),
            ),
            "delete": op(
                "Take an extension back (course staff)",
                {"204": answer("removed"), **errors(401, 403, 404, 429)},
                parameters=[ident, username],
            ),
        },
        "/api/v1/assignments/{id}/grades": {
            "get": op(
                "Every enrolled student's credited points and total, late policy applied (course staff)",
                {
                    "200": {"description": "the grades", "content": {"application/json": {}, "text/csv": {}}},
                    **errors(401, 403, 404, 422),
                },
                parameters=[
                    ident,
                    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}},
                    {"name": "detail", "in": "query", "schema": {"type": "string", "enum": ["exercises"]}},
                ],
            )
        },
    }
