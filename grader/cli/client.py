"""A small HTTP client of the service, for ``grader submit``, and how its answer is printed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import requests

from grader.cli.text import result_text

FULL_MARKS_SLACK = 1e-9  # the sum of the cases' points may miss the maximum by a rounding error


class SubmitError(RuntimeError):
    """The service refused the submission or did not answer."""


def submit_and_wait(
    url: str, token: str, path: Path, slug: str, *, lang: str = "en", timeout: float = 60.0
) -> dict[str, Any]:
    """Upload ``path`` for ``slug``, then poll until it is graded; returns the submission."""
    headers = {"Authorization": f"Bearer {token}"}
    base = url.rstrip("/")
    try:
        with path.open("rb") as upload:
            response = requests.post(
                f"{base}/api/v1/submissions",
                headers=headers,
                timeout=30,
                data={"exercise": slug},
                files={"file": (path.name, upload)},
            )
        _raise_for_error(response)
        location = f"{base}/api/v1/submissions/{response.json()['id']}"
        deadline = time.monotonic() + timeout
        delay = 0.05
        while True:
            answer = requests.get(location, headers=headers, params={"lang": lang}, timeout=30)
            _raise_for_error(answer)
            body: dict[str, Any] = answer.json()
            if body["status"] in ("graded", "error"):
                return body
            if time.monotonic() > deadline:
                raise SubmitError(f"not graded after {timeout:g} s; see {location}")
            time.sleep(delay)
            delay = min(delay * 1.5, 1.0)
    except requests.RequestException as exc:
        raise SubmitError(f"cannot reach the grader at {base}: {exc}") from None


def _raise_for_error(response: requests.Response) -> None:
    if response.status_code < 400:
        return
    try:
        error = response.json()["error"]
        message = f"{error['message']} ({response.status_code} {error['code']})"
    except (ValueError, KeyError, TypeError):
        message = f"HTTP {response.status_code}"
    raise SubmitError(message)


def submission_text(submission: dict[str, Any], lang: str = "en") -> str:
    """A submission fetched from the API, printed as ``grader grade`` prints its report."""
    return result_text(as_result(submission), lang)


def as_result(submission: dict[str, Any]) -> dict[str, Any]:
    """The API's submission in the form of ``grader grade --json`` (passed, failed, invalid or error)."""
    data = dict(submission)
    tests = data.get("tests") or []
    if data["status"] == "error":
        data["message"] = data.get("error") or data.get("message")
    elif data.get("message") and not tests:
        data["status"] = "invalid"
    elif data["score"] is not None and data["score"] >= data["max_score"] - FULL_MARKS_SLACK:
        data["status"] = "passed"
    else:
        data["status"] = "failed"
    return data
