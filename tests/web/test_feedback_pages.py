"""The counterexample of a submission that failed hidden cases only: in the portal's result
panel, in both languages, and in the submission's JSON."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from grader.settings import Settings
from tests.service.conftest import auth, make_user
from tests.web.conftest import grade_now, sign_in
from tests.web.test_portal import submit
from worker.sandbox.client import Sandbox

SLUG = "linalg.matvec"
# Passes the public cases; torch.stack of no rows fails the hidden "no rows (m = 0)" case.
STACKED = (
    "import torch\n\ndef matvec(A, x):\n"
    "    return torch.stack([(A[i] * x).sum() for i in range(A.shape[0])])\n"
)


@pytest.fixture
def bob(service_settings: Settings, client: FlaskClient) -> tuple[FlaskClient, str]:
    token = make_user(service_settings, "bob")
    sign_in(client, "bob")
    return client, token


def test_the_result_panel_and_the_json_show_the_counterexample(
    service_settings: Settings, bob: tuple[FlaskClient, str], sandbox: Sandbox
) -> None:
    browser, token = bob
    body = submit(browser, STACKED, slug=SLUG)["body"]
    grade_now(service_settings, body["id"], sandbox)
    html = browser.get(body["fragment"]).get_data(as_text=True)
    assert 'class="counterexample"' in html and "A counterexample (a new input, not a hidden case)" in html
    assert "no rows (m = 0)" in html and "stack expects a non-empty TensorList" in html
    data = browser.get(f"/api/v1/submissions/{body['id']}", headers=auth(token)).get_json()
    found = data["counterexample"]
    assert found["case"] == "no rows (m = 0)" and [a["name"] for a in found["input"]] == ["A", "x"]
    assert found["actual"].startswith("raised RuntimeError")
    zh = browser.get(f"/api/v1/submissions/{body['id']}?lang=zh", headers=auth(token)).get_json()
    assert zh["counterexample"]["actual"].startswith("抛出了 RuntimeError")


def test_a_right_answer_has_no_counterexample(
    service_settings: Settings, bob: tuple[FlaskClient, str], sandbox: Sandbox
) -> None:
    browser, token = bob
    right = "def matvec(A, x):\n    return (A * x).sum(dim=1)\n"
    body = submit(browser, right, slug=SLUG)["body"]
    grade_now(service_settings, body["id"], sandbox)
    assert 'class="counterexample"' not in browser.get(body["fragment"]).get_data(as_text=True)
    data = browser.get(f"/api/v1/submissions/{body['id']}", headers=auth(token)).get_json()
    assert data["score"] == 10 and data["counterexample"] is None
