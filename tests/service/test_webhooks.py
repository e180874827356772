"""Webhooks: signed, retried until the receiver takes them, never sent into private networks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask.testing import FlaskClient

from grader.settings import Settings
from grader.submissions import webhooks
from grader.web.app import create_app
from tests.service.conftest import Worker, auth, make_user

CODE = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"


class Receiver(ThreadingHTTPServer):
    """Answers 503 to the first delivery and 200 after, keeping what it received."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        self.send_response(503 if len(self.server.received) == 1 else 200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_result_is_delivered_signed_after_a_failed_attempt(
    service_settings: Settings, start_worker: type[Worker], receiver: Receiver
) -> None:
    # The receiver listens on loopback, which only GRADER_WEBHOOK_ALLOW_PRIVATE lets through
    # (the workers of the tests run with it).
    client = create_app(
        replace(service_settings, webhook_allow_private=True), {"TESTING": True}
    ).test_client()
    start_worker()
    token = make_user(service_settings, "wen")
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    response = client.post(
        "/api/v1/submissions",
        headers=auth(token),
        json={"exercise": "linalg.sum_axis", "code": CODE, "callback_url": url},
    )
    assert response.status_code == 202
    deadline = time.time() + 90
    while len(receiver.received) < 2:
        assert time.time() < deadline, f"{len(receiver.received)} deliveries"
        time.sleep(0.2)
    headers, body = receiver.received[-1]
    assert webhooks.verify("test-secret", headers["X-Grader-Timestamp"], body, headers["X-Grader-Signature"])
    payload = json.loads(body)
    assert payload["id"] == response.get_json()["id"] and payload["status"] == "graded"
    assert payload["score"] == 10 and payload["event"] == "submission.completed"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://10.1.2.3/x",
        "http://[::1]:5432/",
        "http://169.254.169.254/latest",
        "ftp://example.org/",
    ],
)
def test_callbacks_into_private_networks_are_refused(url: str) -> None:
    assert webhooks.refused_address(url, allow_private=False)
    outcome = webhooks.deliver(url, {}, "secret", allow_private=False)
    assert not outcome.ok and not outcome.retryable


def test_signature_covers_time_and_body() -> None:
    signature = webhooks.sign("k", "100", b"{}")
    assert webhooks.verify("k", "100", b"{}", signature)
    assert not webhooks.verify("k", "101", b"{}", signature)
    assert not webhooks.verify("k", "100", b"{ }", signature)
    assert not webhooks.verify("other", "100", b"{}", signature)


LOOPBACK_SPELLINGS = [
    "http://127.1/hook",
    "http://0x7f000001/hook",
    "http://2130706433/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://localhost./hook",
    "http://localhost/hook",
    "http://0.0.0.0/hook",
    "http://[::]/hook",
    "http://017700000001/hook",
    "http://192.168.1.10/hook",
    "http://100.64.0.1/hook",
    "https://user:pw@example.org/hook",
    "http://[fe80::1%25eth0]/hook",
    "http://[::1/",
]


@pytest.mark.parametrize("url", LOOPBACK_SPELLINGS)
def test_private_callbacks_are_refused_at_submission(
    service_settings: Settings, client: FlaskClient, url: str
) -> None:
    assert not service_settings.webhook_allow_private
    token = make_user(service_settings, "xu")
    response = client.post(
        "/api/v1/submissions",
        headers=auth(token),
        json={"exercise": "linalg.sum_axis", "code": CODE, "callback_url": url},
    )
    assert response.status_code == 422, url
    assert response.get_json()["error"]["message"].startswith("callback_url refused:")
    listing = client.get("/api/v1/submissions", headers=auth(token)).get_json()
    assert listing["total"] == 0  # nothing was stored


def test_delivery_connects_to_the_address_it_checked(receiver: Receiver) -> None:
    # The name is never resolved again at delivery (DNS rebinding): the target carries the
    # address checked when it was resolved, and the request still names the host.
    port = receiver.server_address[1]
    target = webhooks.Target(f"http://hooks.invalid:{port}/hook?x=1", address="127.0.0.1")
    status = webhooks._post(target, b"{}", {"Content-Type": "application/json"})
    assert status == 503  # the receiver's answer to a first delivery
    headers, _ = receiver.received[0]
    assert headers["Host"] == f"hooks.invalid:{port}"


def test_a_public_address_is_accepted_and_pinned() -> None:
    target = webhooks.check_target("https://93.184.215.14/hook", allow_private=False)
    assert target.refusal is None and target.address == "93.184.215.14"
