"""Webhooks: the result of a submission POSTed to its ``callback_url``, signed and retried.

The body is the submission as the API shows it. Headers: ``X-Grader-Event``,
``X-Grader-Timestamp`` and ``X-Grader-Signature: sha256=<hex>``, the HMAC-SHA256 of
``"<timestamp>.<body>"`` with the deployment's secret key, so a receiver can check both origin
and freshness. Addresses on loopback, private and link-local networks are refused (a callback
must not become a way into the grader's own network) unless GRADER_WEBHOOK_ALLOW_PRIVATE is set.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

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


def refused_address(url: str, allow_private: bool) -> str | None:
    """Why a callback URL may not be called, or None if it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "callback_url must be an http(s) URL"
    if allow_private:
        return None
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError as exc:
        return f"cannot resolve {parts.hostname}: {exc}"
    for address in addresses:
        ip = ipaddress.ip_address(address)
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return f"{parts.hostname} resolves to a private address ({ip})"
    return None


def deliver(url: str, payload: dict[str, Any], secret: str, *, allow_private: bool) -> Delivery:
    """POST the payload once."""
    refusal = refused_address(url, allow_private)
    if refusal:
        return Delivery(False, None, refusal, retryable=False)
    body = json.dumps(payload, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Grader-Event": "submission.completed",
        "X-Grader-Timestamp": timestamp,
        "X-Grader-Signature": sign(secret, timestamp, body),
    }
    try:
        response = requests.post(
            url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as exc:
        return Delivery(False, None, f"{type(exc).__name__}: {exc}"[:300])
    ok = 200 <= response.status_code < 300
    return Delivery(ok, response.status_code, None if ok else f"HTTP {response.status_code}")
