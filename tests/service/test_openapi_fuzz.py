"""Schemathesis over the whole OpenAPI document, against the app itself (WSGI) on each backend.
Requests generated from the document, valid and invalid, sent with a student's and an
instructor's real tokens, must never get a server error, and every answer must be one the
document describes (status code, content type, body schema). A method the document does not
list for a path gets a 405 that says, in `Allow`, which ones it does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks
from schemathesis.core.failures import FailureGroup

from grader.accounts.models import Role
from grader.settings import Settings
from grader.web.app import create_app
from grader.web.openapi import document
from tests.deployments import BACKENDS, deployment
from tests.service.conftest import auth, make_user

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
EXAMPLES = 30  # per operation and generation mode: about a minute for the whole file on an idle machine
CODE = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"
DOCUMENT = document()
OPERATIONS = [(path, method.upper()) for path, item in DOCUMENT["paths"].items() for method in item]


def describe(exc: BaseException) -> str:
    """What went wrong and the request that showed it (Hypothesis's and schemathesis's notes)."""
    found = [str(exc), *(str(e) for e in getattr(exc, "exceptions", ()))]
    return "\n".join(found + getattr(exc, "__notes__", []))


@dataclass
class Api:
    """The app on a fresh deployment, its schema as schemathesis loaded it, two real tokens."""

    backend: str
    settings: Settings
    app: Flask
    schema: Any
    tokens: tuple[str, str]


@pytest.fixture(scope="module", params=BACKENDS)
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with deployment(request.param, tmp_path_factory.mktemp("fuzz")) as deployed:
        student = make_user(deployed, "fuzz-student")
        instructor = make_user(deployed, "fuzz-teacher", Role.instructor)
        app = create_app(deployed, {"TESTING": False})  # errors answer 500 as in production
        submitted = app.test_client().post(
            "/api/v1/submissions", json={"exercise": "linalg.sum_axis", "code": CODE}, headers=auth(student)
        )
        assert submitted.status_code == 202
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        yield Api(request.param, deployed, app, schema, (student, instructor))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_the_api_answers_as_its_document_says(api: Api, mode: GenerationMode) -> None:
    failures = []
    for path, method in OPERATIONS:

        @given(case=api.schema[path][method].as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,  # the same requests on every run: a failure here is reproducible
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: schemathesis.Case) -> None:
            for token in api.tokens:
                response = case.call(headers=auth(token))
                try:
                    case.validate_response(response, checks=CHECKS, headers=auth(token))
                except FailureGroup as found:
                    found.add_note(case.as_curl_command(headers={"Authorization": "Bearer <token>"}))
                    raise

        try:
            fuzz()
        except Unsatisfiable:  # nothing to get wrong: an operation without parameters or body
            operation = DOCUMENT["paths"][path][method.lower()]
            assert mode == GenerationMode.NEGATIVE and not operation.get("parameters")
        except (Exception, FailureGroup) as exc:  # every operation is fuzzed, all failures reported
            failures.append(f"{method} {path} ({mode}): {describe(exc)}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("path", sorted({path for path, _ in OPERATIONS}))
def test_a_method_the_document_does_not_list_is_a_405_with_allow(api: Api, path: str) -> None:
    listed = {method for p, method in OPERATIONS if p == path}
    concrete = path.replace("{id}", "1").replace("{slug}", "linalg.sum_axis")
    for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - listed:
        response = api.app.test_client().open(concrete, method=method, headers=auth(api.tokens[1]))
        assert response.status_code == 405, (method, path, response.status_code)
        assert set(response.headers["Allow"].split(", ")) - {"HEAD", "OPTIONS"} == listed, (method, path)
        assert response.get_json()["error"]["code"] == "method_not_allowed"


def _ruled_out(schema: dict[str, Any]) -> list[str]:
    """Query values the parameter's schema rules out: outside its enum or its bounds."""
    values = ["xml"] if "enum" in schema else []
    values += [str(schema["minimum"] - 1)] if "minimum" in schema else []
    return values + ([str(schema["maximum"] + 1)] if "maximum" in schema else [])


RULED_OUT = [
    (path, method, parameter["name"], value)
    for path, method in OPERATIONS
    for parameter in DOCUMENT["paths"][path][method.lower()].get("parameters", [])
    if parameter["in"] == "query"
    for value in _ruled_out(parameter["schema"])
]


@pytest.mark.parametrize(
    "path, method, name, value", RULED_OUT, ids=[f"{p} {n}={v}" for p, _, n, v in RULED_OUT]
)
def test_a_query_value_the_document_rules_out_is_a_422(
    api: Api, path: str, method: str, name: str, value: str
) -> None:
    concrete = path.replace("{id}", "1").replace("{slug}", "linalg.sum_axis")
    # An app of its own without rate limits: the fuzzing above spent the instructor's writes.
    unlimited = create_app(api.settings, {"TESTING": True, "RATELIMIT_ENABLED": False})
    response = unlimited.test_client().open(
        concrete, method=method, query_string={name: value}, headers=auth(api.tokens[1])
    )
    assert response.status_code == 422, (method, concrete, name, value, response.status_code)
    assert "422" in DOCUMENT["paths"][path][method.lower()]["responses"]
