"""The pieces of the OpenAPI document that every part of it uses: answers, errors, operations."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}
SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "example": "linalg.sum_axis",
}
# Ids are the database's integers (int4): a larger number is no row's (404).
IDENT = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}
LANG = {
    "name": "lang",
    "in": "query",
    "schema": {"type": "string", "enum": ["en", "zh"]},
    "description": "language of statements and messages",
}


def answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """A documented answer, with its JSON schema if it has a body."""
    content = {"application/json": {"schema": schema}} if schema else {}
    return {"description": description, **({"content": content} if content else {})}


def errors(*statuses: int) -> dict[str, Any]:
    """The error answers of these statuses (each the one Error shape)."""
    words = {
        400: "malformed request",
        401: "no or bad token",
        403: "wrong role",
        404: "unknown or not yours",
        409: "exists already, or the state stands in the way (the message says what resolves it)",
        413: "too large",
        422: "invalid fields",
        429: "too many requests (see Retry-After)",
    }
    return {str(s): answer(words[s], ERROR) for s in statuses}


def op(summary: str, responses: dict[str, Any], *, auth: bool = True, **extra: Any) -> dict[str, Any]:
    """An operation (bearer-authenticated unless ``auth`` is False)."""
    operation = {"summary": summary, "responses": responses, **extra}
    if not auth:
        operation["security"] = []
    return operation
