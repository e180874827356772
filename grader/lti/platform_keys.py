"""The platforms' public keys, fetched from their JWKS URLs and kept for a while in this
process; a key id not seen yet makes one fetch again (the platform rotated its key), at most
once every few seconds per URL so that tokens with made-up key ids cannot flood the platform."""

from __future__ import annotations

import threading
import time

import requests
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKError, PyJWKSetError

from grader.lti.errors import LaunchRefused

KEEP_SECONDS = 3600.0
REFETCH_AFTER_SECONDS = 5.0
TIMEOUT_SECONDS = 10.0

_lock = threading.Lock()
_cache: dict[str, tuple[float, dict[str, PyJWK]]] = {}


def _fetch(url: str) -> dict[str, PyJWK]:
    try:
        answer = requests.get(url, timeout=TIMEOUT_SECONDS, headers={"Accept": "application/json"})
        answer.raise_for_status()
        found = PyJWKSet.from_dict(answer.json())
    except (requests.RequestException, ValueError, PyJWKError, PyJWKSetError) as exc:
        raise LaunchRefused(f"the platform's public keys could not be read from {url}: {exc}") from None
    return {key.key_id: key for key in found.keys if key.key_id}


def platform_key(jwks_url: str, kid: str) -> PyJWK:
    """The platform's key with this id: from the cache, else fetched again; LaunchRefused if the
    platform does not publish it."""
    with _lock:
        fetched_at, keys = _cache.get(jwks_url, (0.0, {}))
    age = time.monotonic() - fetched_at
    if kid in keys and age < KEEP_SECONDS:
        return keys[kid]
    if age >= REFETCH_AFTER_SECONDS or kid in keys:
        keys = _fetch(jwks_url)
        with _lock:
            _cache[jwks_url] = (time.monotonic(), keys)
    if kid not in keys:
        raise LaunchRefused(
            f"the id_token is signed with key {kid!r}, which the platform's JWKS does not publish"
        )
    return keys[kid]


def forget(jwks_url: str | None = None) -> None:
    """Drop the cached keys (of one URL, or all): tests, and a platform removed."""
    with _lock:
        if jwks_url is None:
            _cache.clear()
        else:
            _cache.pop(jwks_url, None)


def cached_kids(jwks_url: str) -> list[str]:
    """The key ids cached for a URL (what a test checks after a refetch)."""
    with _lock:
        return sorted(_cache.get(jwks_url, (0.0, {}))[1])
