"""Webhooks: the result of a submission POSTed to its ``callback_url``, signed and retried.

The body is the submission as the API shows it. Headers: ``X-Grader-Event``,
``X-Grader-Timestamp`` and ``X-Grader-Signature: sha256=<hex>``, the HMAC-SHA256 of
``"<timestamp>.<body>"`` with the deployment's secret key, so a receiver can check both origin
and freshness. Addresses on loopback, private and link-local networks are refused (a callback
must not become a way into the grader's own network) unless GRADER_WEBHOOK_ALLOW_PRIVATE is set:
at submission, so the client learns it at once (422), and again at delivery, which connects to
the very address it checked.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import urllib3

TIMEOUT_SECONDS = 5.0
MAX_ATTEMPTS = 6


@dataclass(frozen=True)
class Delivery:
    """The outcome of one attempt."""

    ok: bool
    status: int | None
    error: str | None
    retryable: bool = True  # False when the URL is refused: trying again cannot help


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for a body sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does: compare in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


MAX_CALLBACK_URL = 2000


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a callback may not reach ``ip``: anything but a public unicast address. An IPv6
    address that carries an IPv4 one (``::ffff:127.0.0.1``, 6to4) is judged by that."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is not None:
            return _forbidden(inner)
    return not ip.is_global or ip.is_multicast


@dataclass(frozen=True)
class Target:
    """A callback URL checked once: the address to connect to, and why not if it is refused."""

    url: str
    address: str | None = None  # the checked IP address (None: connect by name, private allowed)
    refusal: str | None = None


def check_target(url: str, allow_private: bool) -> Target:
    """Resolve a callback URL's host and check every address it has (every spelling of
    loopback — ``127.1``, ``0x7f000001``, ``2130706433``, ``[::ffff:127.0.0.1]``, ``localhost.``,
    ``0.0.0.0`` — resolves to one). The delivery connects to the address checked here, so a name
    that resolves elsewhere a moment later (DNS rebinding) changes nothing."""
    if len(url) > MAX_CALLBACK_URL:
        return Target(url, refusal=f"callback_url is longer than {MAX_CALLBACK_URL} characters")
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        return Target(url, refusal=f"callback_url is not a valid URL ({exc})")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Target(url, refusal="callback_url must be an http(s) URL")
    if parts.username is not None or parts.password is not None:
        return Target(url, refusal="callback_url must not carry a user name or password")
    if allow_private:
        return Target(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        return Target(url, refusal=f"cannot resolve {parts.hostname}: {exc}")
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    for ip in addresses:
        if _forbidden(ip):
            return Target(
                url,
                refusal=f"{parts.hostname} is a loopback, private or reserved address ({ip}); "
                "callbacks go to public addresses only",
            )
    return Target(url, address=str(addresses[0]))


def refused_address(url: str, allow_private: bool) -> str | None:
    """Why a callback URL may not be called, or None if it may."""
    return check_target(url, allow_private).refusal


def deliver(url: str, payload: dict[str, Any], secret: str, *, allow_private: bool) -> Delivery:
    """POST the payload once, to the address checked just before."""
    target = check_target(url, allow_private)
    if target.refusal:
        return Delivery(False, None, target.refusal, retryable=False)
    body = json.dumps(payload, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "tensor-grader-webhook/1",
        "X-Grader-Event": "submission.completed",
        "X-Grader-Timestamp": timestamp,
        "X-Grader-Signature": sign(secret, timestamp, body),
    }
    try:
        status = _post(target, body, headers)
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
        return Delivery(False, None, f"{type(exc).__name__}: {exc}"[:300])
    ok = 200 <= status < 300
    return Delivery(ok, status, None if ok else f"HTTP {status}")


def _post(target: Target, body: bytes, headers: dict[str, str]) -> int:
    """One POST, without redirects, over a connection to ``target.address`` that still names
    the host (``Host``, TLS server name and certificate check)."""
    parts = urlsplit(target.url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = target.address or host
    timeout = urllib3.Timeout(connect=TIMEOUT_SECONDS, read=TIMEOUT_SECONDS)
    pool: urllib3.HTTPConnectionPool
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            server_hostname=host,
            assert_hostname=host,
            ssl_context=ssl.create_default_context(),
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    with pool:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={**headers, "Host": parts.netloc},
            redirect=False,
            preload_content=True,
        )
    return int(response.status)
