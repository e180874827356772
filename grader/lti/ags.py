"""Assignment and Grade Services 2.0: the line item (gradebook column) of an assignment, found by
its ``resourceId`` and ``tag`` before one is created (repeating never duplicates it), and a
score posted to it."""

from __future__ import annotations

from typing import Any

import requests

from grader.lti import claims
from grader.lti.errors import PlatformUnreachable

TIMEOUT_SECONDS = 15.0
TAG = "tensor-grader"


class Refused(PlatformUnreachable):
    """The platform answered with a status that says the request itself is wrong (4xx):
    sending it again unchanged will not help."""


def _check(answer: requests.Response, what: str) -> None:
    if answer.status_code >= 400:
        error = (
            Refused
            if 400 <= answer.status_code < 500 and answer.status_code not in (401, 429)
            else (PlatformUnreachable)
        )
        raise error(f"{what} answered {answer.status_code}: {answer.text[:200]}")


def _with_query(url: str, query: str) -> str:
    base, _, fragment = url.partition("#")
    path, _, existing = base.partition("?")
    joined = f"{path}?{existing + '&' if existing else ''}{query}"
    return joined + (f"#{fragment}" if fragment else "")


def find_or_create_line_item(
    lineitems_url: str, token: str, assignment_id: int, label: str, maximum: float
) -> str:
    """The URL of the assignment's line item in the LMS: one with its resourceId and tag if the
    LMS has it, else a new one."""
    headers = {"Authorization": f"Bearer {token}", "Accept": claims.LINEITEMS_TYPE}
    resource = str(assignment_id)
    try:
        found = requests.get(
            _with_query(lineitems_url, f"resource_id={resource}&tag={TAG}"),
            headers=headers,
            timeout=TIMEOUT_SECONDS,
        )
        _check(found, f"line items {lineitems_url}")
        for item in found.json():
            if isinstance(item, dict) and item.get("resourceId") == resource and item.get("tag") == TAG:
                return str(item["id"])
        body: dict[str, Any] = {"scoreMaximum": maximum, "label": label, "resourceId": resource, "tag": TAG}
        made = requests.post(
            lineitems_url,
            json=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": claims.LINEITEM_TYPE},
            timeout=TIMEOUT_SECONDS,
        )
        _check(made, f"creating a line item at {lineitems_url}")
        return str(made.json()["id"])
    except requests.RequestException as exc:
        raise PlatformUnreachable(f"line items {lineitems_url}: {exc}") from None
    except (ValueError, KeyError, TypeError):
        raise PlatformUnreachable(f"line items {lineitems_url}: an answer without line items") from None


def scores_url(lineitem_url: str) -> str:
    """``{lineitem}/scores``, the query string (if any) kept after the path."""
    base, _, query = lineitem_url.partition("?")
    return f"{base.rstrip('/')}/scores" + (f"?{query}" if query else "")


def post_score(lineitem_url: str, token: str, score: dict[str, Any]) -> None:
    """POST the score to ``{lineitem}/scores`` as application/vnd.ims.lis.v1.score+json."""
    url = scores_url(lineitem_url)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": claims.SCORE_TYPE}
    try:
        answer = requests.post(url, json=score, headers=headers, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise PlatformUnreachable(f"scores {url}: {exc}") from None
    _check(answer, f"scores {url}")
