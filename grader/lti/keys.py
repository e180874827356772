"""The tool's RSA key pairs: generated on first use, the private key stored encrypted with a key
derived from the service's secret key, the public keys published as a JWKS.

Rotation makes a new key the signing key and keeps the previous one published, so a platform
that cached the JWKS before the change still verifies a token signed just before it; the key
before that is dropped at the same time (two keys are published at most).
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from grader.errors import Conflict
from grader.lti.models import ToolKey

PUBLISHED = 2  # the signing key and the one before it


@dataclass(frozen=True)
class SigningKey:
    """The key that signs the tool's messages now."""

    kid: str
    private_key: rsa.RSAPrivateKey


def _fernet(secret_key: str) -> Fernet:
    """A Fernet key derived from the service's secret key (HKDF: a key for this use only)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"tensor-grader lti keys").derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _new_key(secret_key: str) -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = secrets.token_hex(8)
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update(kid=kid, alg="RS256", use="sig")
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return ToolKey(kid=kid, public_jwk=jwk, private_encrypted=_fernet(secret_key).encrypt(pem).decode())


def _newest(session: Session, count: int) -> list[ToolKey]:
    return list(session.scalars(select(ToolKey).order_by(ToolKey.id.desc()).limit(count)))


def _first_key(session: Session, secret_key: str) -> ToolKey:
    """Make the first key pair in a transaction of its own, committed at once: a platform that
    receives something signed with it fetches /lti/jwks at once, and that request must see it
    (the caller's transaction may stay open for a while). Two processes that both make one
    leave two keys, both published."""
    with Session(session.get_bind()) as own, own.begin():
        if own.scalar(select(ToolKey.id).limit(1)) is None:
            own.add(_new_key(secret_key))
    return _newest(session, 1)[0]


def signing_key(session: Session, secret_key: str) -> SigningKey:
    """The newest key pair, generated on first use."""
    found = _newest(session, 1)
    row = found[0] if found else _first_key(session, secret_key)
    try:
        pem = _fernet(secret_key).decrypt(row.private_encrypted.encode())
    except InvalidToken:
        raise Conflict(
            "the LTI key cannot be read with this GRADER_SECRET_KEY (it was changed): run "
            "`grader lti rotate-key` to make a new one"
        ) from None
    private = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    return SigningKey(row.kid, private)


def jwks(session: Session, secret_key: str) -> dict[str, Any]:
    """The published keys (``{"keys": [...]}``), the signing key first; made on first use."""
    rows = _newest(session, PUBLISHED) or [_first_key(session, secret_key)]
    return {"keys": [row.public_jwk for row in rows]}


def rotate(session: Session, secret_key: str) -> str:
    """Make a new signing key; keep the previous one published, drop older ones. Returns the
    new key's id."""
    row = _add(session, secret_key)
    kept = [key.id for key in _newest(session, PUBLISHED)]
    session.execute(delete(ToolKey).where(ToolKey.id.not_in(kept)))
    return row.kid


def _add(session: Session, secret_key: str) -> ToolKey:
    row = _new_key(secret_key)
    session.add(row)
    session.flush()
    return row
