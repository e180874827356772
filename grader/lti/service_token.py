"""Access tokens for the platform's services (LTI Advantage security, RFC 7523): the tool asks
the platform's token URL with ``client_credentials`` and a JWT client assertion signed by its
private key (``iss`` = ``sub`` = client id, ``aud`` = token URL, a ``kid`` published at
/lti/jwks); a token is kept in this process until shortly before it expires."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

import jwt
import requests

from grader.lti.errors import PlatformUnreachable
from grader.lti.keys import SigningKey

TIMEOUT_SECONDS = 15.0
ASSERTION_SECONDS = 300
MARGIN_SECONDS = 60  # a token this close to expiring is asked for again
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

_lock = threading.Lock()
_tokens: dict[tuple[str, str, str], tuple[float, str]] = {}


@dataclass(frozen=True)
class Client:
    """The tool as a client of one platform."""

    client_id: str
    token_url: str


def client_assertion(client: Client, key: SigningKey) -> str:
    """The signed JWT that proves the request comes from this tool."""
    issued = int(time.time())
    body = {
        "iss": client.client_id,
        "sub": client.client_id,
        "aud": client.token_url,
        "iat": issued,
        "exp": issued + ASSERTION_SECONDS,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(body, key.private_key, algorithm="RS256", headers={"kid": key.kid})


def access_token(client: Client, scopes: tuple[str, ...], key: SigningKey) -> str:
    """A bearer token for these scopes: the cached one, else a new one from the token URL."""
    wanted = " ".join(sorted(scopes))
    cache_key = (client.token_url, client.client_id, wanted)
    with _lock:
        expires, token = _tokens.get(cache_key, (0.0, ""))
    if token and time.monotonic() < expires:
        return token
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion(client, key),
        "scope": wanted,
    }
    try:
        answer = requests.post(client.token_url, data=form, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise PlatformUnreachable(f"token URL {client.token_url}: {exc}") from None
    if answer.status_code != 200:
        raise PlatformUnreachable(
            f"token URL {client.token_url} answered {answer.status_code}: {answer.text[:200]}"
        )
    try:
        body = answer.json()
        token = str(body["access_token"])
        lifetime = float(body.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError):
        raise PlatformUnreachable(f"token URL {client.token_url} sent no access_token") from None
    with _lock:
        _tokens[cache_key] = (time.monotonic() + max(lifetime - MARGIN_SECONDS, 0.0), token)
    return token


def forget(client: Client | None = None) -> None:
    """Drop cached tokens (of one client, or all): a token the platform refused, and tests."""
    with _lock:
        for cache_key in list(_tokens):
            if client is None or cache_key[:2] == (client.token_url, client.client_id):
                del _tokens[cache_key]
