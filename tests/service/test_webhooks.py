"""Webhooks: signed, retried until the receiver takes them, never sent into private networks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask.testing import FlaskClient

from grader.services import webhooks
from grader.settings import Settings
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
    service_settings: Settings, client: FlaskClient, start_worker: type[Worker], receiver: Receiver
) -> None:
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
