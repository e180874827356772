"""Read the part of a request body the app left unread, so that its client sees the answer.

A client that sends its whole body before it reads anything (no ``Expect: 100-continue``:
Python's urllib, requests) is still writing when the app has already refused the request (413
too large, 401 no token). A server that then closes the connection with the rest of the body
unread makes the kernel reset it, and the client gets a broken pipe instead of the answer.
Reading the rest first, up to a bound in bytes and time, lets the answer through; a body beyond
the bound is still cut off, so a client cannot hold a server thread for long.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

DRAIN_BYTES = 16 * 1024 * 1024
DRAIN_SECONDS = 10.0
_CHUNK = 64 * 1024

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class DrainUnreadBody:
    """WSGI middleware: once the app has answered, discard what is left of the request body
    (at most ``max_bytes``, for at most ``max_seconds``) before the server sends the answer."""

    def __init__(self, app: WSGIApp, max_bytes: int = DRAIN_BYTES, max_seconds: float = DRAIN_SECONDS):
        self.app, self.max_bytes, self.max_seconds = app, max_bytes, max_seconds

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Run the app, then drain the body's rest."""
        answer = self.app(environ, start_response)
        # Only a server that ends the input stream at the body's end (gunicorn) can be read to
        # the end safely; elsewhere a read past the body would wait for the client's next bytes.
        if environ.get("wsgi.input_terminated"):
            sock = environ.get("gunicorn.socket")
            sock = sock if isinstance(sock, socket.socket) else None
            discard(environ["wsgi.input"], sock, self.max_bytes, self.max_seconds)
        return answer


def discard(stream: Any, sock: socket.socket | None, max_bytes: int, max_seconds: float) -> None:
    """Read ``stream`` to its end or to the bounds. The socket's timeout, when the server shares
    its socket, keeps a client that sends nothing more from holding the read past the deadline."""
    deadline, left = time.monotonic() + max_seconds, max_bytes
    prior = sock.gettimeout() if sock is not None else None
    try:
        while left > 0 and (remaining := deadline - time.monotonic()) > 0:
            if sock is not None:
                sock.settimeout(remaining)
            chunk = stream.read(min(_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
    except Exception:  # gone, silent or malformed: the answer stands, and the server closes
        return
    finally:
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.settimeout(prior)
