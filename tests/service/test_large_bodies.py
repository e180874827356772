"""Bodies over the limit under the real server (`grader serve`, gunicorn), sent as Python's
urllib sends them: all at once, without `Expect: 100-continue`. The client must read the 413
(or 401) it was given, not have the connection reset under it while it is still sending."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deployments import deployment, environment
from tests.service.conftest import make_user

GRADER = str(Path(sys.executable).with_name("grader"))
# Loopback buffers here absorb about 4 MiB, so a 2 MiB body got its 413 even before the fix;
# 8 MiB is what a network's smaller windows make of 2 MiB.
SIZES = [2 << 20, 8 << 20]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, a student's token) of `grader serve` on an embedded deployment."""
    with deployment("embedded", tmp_path_factory.mktemp("served")) as settings:
        make_user(settings, "sam")  # signs in with "password"
        token = make_user(settings, "tess")
        port = _free_port()
        api = subprocess.Popen(
            [GRADER, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=environment(settings),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                assert api.poll() is None and time.time() < deadline, "grader serve did not start"
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(f"{url}/healthz", timeout=2)
                    break
                time.sleep(0.2)
            yield url, token
        finally:
            os.killpg(api.pid, signal.SIGTERM)
            api.wait(timeout=30)


def _refusal(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> tuple[int, str]:
    """The status and body of an answer that urllib raises as an HTTPError (a reset fails here)."""
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(request, timeout=60)
    return refused.value.code, refused.value.read().decode()


def _multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "tg-boundary-7c1e"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'
    body = b"".join(parts) + head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("size", SIZES)
def test_the_api_answers_413_to_a_body_sent_all_at_once(served: tuple[str, str], size: int) -> None:
    url, token = served
    body = json.dumps({"exercise": "linalg.sum_axis", "code": "#" * size}).encode()
    request = urllib.request.Request(
        f"{url}/api/v1/submissions",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    status, answer = _refusal(urllib.request.build_opener(), request)
    assert status == 413 and json.loads(answer)["error"]["code"] == "too_large"
    # Without a token too, the refusal (413 or 401) is given before the body is read: it arrives.
    plain = {"Content-Type": "application/json"}
    anonymous = urllib.request.Request(request.full_url, data=body, headers=plain)
    assert _refusal(urllib.request.build_opener(), anonymous)[0] in (401, 413)


@pytest.mark.parametrize("size", SIZES)
def test_the_portal_answers_a_413_page_to_an_upload_sent_all_at_once(
    served: tuple[str, str], size: int
) -> None:
    url, _ = served
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    csrf = re.compile(r'name="csrf_token" value="([^"]+)"')
    login = browser.open(f"{url}/login", timeout=10).read().decode()
    form = {"username": "sam", "password": "password", "csrf_token": csrf.findall(login)[0]}
    browser.open(f"{url}/login", data=urllib.parse.urlencode(form).encode(), timeout=10)
    page = browser.open(f"{url}/exercises/linalg.sum_axis", timeout=10).read().decode()
    body, content_type = _multipart({"csrf_token": csrf.findall(page)[0]}, "hw.ipynb", b" " * size)
    request = urllib.request.Request(
        f"{url}/exercises/linalg.sum_axis/submit", data=body, headers={"Content-Type": content_type}
    )
    status, answer = _refusal(browser, request)
    assert status == 413 and 'data-code="too_large"' in answer and "256 KiB" in answer
