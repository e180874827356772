"""The drain of an unread request body stops at its bounds in bytes and in time."""

from __future__ import annotations

import io
import socket
import time

from grader.web.drain import discard


class Endless(io.RawIOBase):
    """A body that never ends, optionally slow; counts what was read."""

    def __init__(self, pause: float = 0.0) -> None:
        self.pause, self.read_bytes = pause, 0

    def read(self, size: int = -1) -> bytes:
        time.sleep(self.pause)
        self.read_bytes += size
        return b"x" * size


def test_the_drain_reads_the_body_to_its_end() -> None:
    body = io.BytesIO(b"x" * 200_000)
    discard(body, None, max_bytes=1 << 20, max_seconds=5)
    assert body.read() == b""


def test_the_drain_stops_at_its_byte_bound() -> None:
    body = Endless()
    discard(body, None, max_bytes=300_000, max_seconds=5)
    assert body.read_bytes == 300_000


def test_the_drain_stops_at_its_deadline_and_restores_the_socket() -> None:
    body, started = Endless(pause=0.05), time.monotonic()
    with socket.socket() as sock:
        sock.settimeout(7.0)
        discard(body, sock, max_bytes=1 << 40, max_seconds=0.3)
        assert time.monotonic() - started < 1.0 and sock.gettimeout() == 7.0


def test_a_client_that_goes_silent_is_left_at_the_socket_timeout() -> None:
    server, client = socket.socketpair()
    with server, client:
        client.sendall(b"x" * 1000)  # then nothing more, and the connection stays open
        started = time.monotonic()
        discard(server.makefile("rb", buffering=0), server, max_bytes=1 << 20, max_seconds=0.3)
        assert time.monotonic() - started < 1.0 and server.gettimeout() is None
