"""Validating a launch (LTI Core 1.3 §5.1.3, the OIDC id_token in a form_post): the state is the
one this browser was given, the token is signed by a key the platform publishes, it is meant for
this tool (``iss``, ``aud``, ``azp``), it is current (``exp``, ``iat``), its nonce is the one
issued with that state and unused, its deployment is registered, and it is an LTI 1.3 message
this tool handles. Every failure is a LaunchRefused that says what was wrong."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any

import jwt
from sqlalchemy.orm import Session

from grader.lti import claims, oidc, platform_keys, registry
from grader.lti.errors import LaunchRefused
from grader.lti.models import Login, Platform
from grader.times import now

LEEWAY_SECONDS = 60  # clocks of the LMS and of this service differ a little
MAX_TOKEN_BYTES = 64 * 1024


@dataclass(frozen=True)
class Launch:
    """A validated launch: who, from where, in which LMS course, asking for what."""

    platform: Platform
    deployment_id: str
    message_type: str
    sub: str
    name: str | None
    email: str | None
    roles: tuple[str, ...]
    context_id: str | None
    context_title: str
    context_label: str
    resource_link_id: str | None
    custom: dict[str, Any] = field(default_factory=dict)
    ags: dict[str, Any] = field(default_factory=dict)
    nrps: dict[str, Any] = field(default_factory=dict)
    deep_linking: dict[str, Any] = field(default_factory=dict)


def _login(session: Session, form_state: str | None, cookie_state: str | None) -> Login:
    if not form_state:
        raise LaunchRefused("the launch has no state: start it again from the LMS")
    if not cookie_state:
        raise LaunchRefused(
            "state mismatch: this browser sent back no cookie of the login. Either the launch did not start"
            " in this browser, or the browser blocks the tool's cookies inside the LMS's page (Safari does"
            " by default, and so do many private windows): open the link in a new tab, or ask the"
            " instructor to set it to open in a new window; then start it again from the LMS"
        )
    if not hmac.compare_digest(form_state, cookie_state):
        raise LaunchRefused(
            "state mismatch: this launch did not start in this browser (or its cookies are blocked); "
            "start it again from the LMS"
        )
    login = oidc.live_login(session, form_state)
    if login is None:
        raise LaunchRefused("the login of this launch is unknown or expired: start it again from the LMS")
    return login


def _unverified(id_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if not id_token or len(id_token) > MAX_TOKEN_BYTES:
        raise LaunchRefused("the launch has no id_token (or one too large to be one)")
    try:
        header = jwt.get_unverified_header(id_token)
        body = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise LaunchRefused(f"the id_token is not a JWT: {exc}") from None
    if header.get("alg") != "RS256":
        raise LaunchRefused(f"the id_token is signed with {header.get('alg')!r}; LTI 1.3 requires RS256")
    if not isinstance(header.get("kid"), str):
        raise LaunchRefused("the id_token's header names no key (kid)")
    return header, body


def _platform(session: Session, body: dict[str, Any]) -> Platform:
    issuer, audience = body.get("iss"), body.get("aud")
    if not isinstance(issuer, str) or not registry.platforms_of(session, issuer):
        raise LaunchRefused(f"wrong issuer: {issuer!r} is not a registered platform")
    audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
    for platform in registry.platforms_of(session, issuer):
        if platform.client_id in audiences:
            return platform
    raise LaunchRefused(
        f"wrong audience: the id_token is for {audience!r}, not a client id of this tool at {issuer}"
    )


def _verified(id_token: str, kid: str, platform: Platform) -> dict[str, Any]:
    key = platform_keys.platform_key(platform.jwks_url, kid)
    try:
        body: dict[str, Any] = jwt.decode(
            id_token,
            key=key,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
        )
    except jwt.InvalidSignatureError:
        raise LaunchRefused("bad signature: the id_token was not signed by the platform's key") from None
    except jwt.ExpiredSignatureError:
        raise LaunchRefused("the id_token has expired (exp is past): start the launch again") from None
    except jwt.ImmatureSignatureError:
        raise LaunchRefused("the id_token was issued in the future (iat): check the LMS's clock") from None
    except jwt.MissingRequiredClaimError as exc:
        raise LaunchRefused(f"the id_token lacks the claim {exc.claim!r}") from None
    except jwt.PyJWTError as exc:
        raise LaunchRefused(f"the id_token is not valid: {exc}") from None
    audience = body["aud"]
    azp = body.get("azp")
    if isinstance(audience, list) and len(audience) > 1 and azp is None:
        raise LaunchRefused("wrong azp: an id_token for several audiences must name this tool in azp")
    if azp is not None and azp != platform.client_id:
        raise LaunchRefused(f"wrong azp: {azp!r} is not this tool's client id {platform.client_id!r}")
    return body


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def validate(session: Session, form_state: str | None, cookie_state: str | None, id_token: str) -> Launch:
    """The launch, validated fully (see the module's docstring); the login is used up."""
    login = _login(session, form_state, cookie_state)
    header, unverified = _unverified(id_token)
    platform = _platform(session, unverified)
    body = _verified(id_token, header["kid"], platform)
    if login.platform_id != platform.id or not hmac.compare_digest(str(body["nonce"]), login.nonce):
        raise LaunchRefused("the nonce is not the one issued with this launch's state")
    if login.used_at is not None:
        raise LaunchRefused("this launch was used already (a replayed id_token): start it again from the LMS")
    login.used_at = now()
    deployment = body.get(claims.DEPLOYMENT_ID)
    if deployment not in {d.deployment_id for d in platform.deployments}:
        raise LaunchRefused(
            f"unknown deployment {deployment!r} of {platform.issuer}: grader lti add-platform"
        )
    message_type = body.get(claims.MESSAGE_TYPE)
    if message_type not in claims.MESSAGE_TYPES:
        raise LaunchRefused(
            f"wrong message type {message_type!r}: this tool takes {', '.join(claims.MESSAGE_TYPES)}"
        )
    if body.get(claims.VERSION) != claims.LTI_VERSION:
        raise LaunchRefused(
            f"wrong LTI version {body.get(claims.VERSION)!r}: this tool speaks {claims.LTI_VERSION}"
        )
    sub = _text(body.get("sub"))
    if sub is None:
        raise LaunchRefused("the launch names no user (sub): anonymous launches are not supported")
    roles = body.get(claims.ROLES)
    if not isinstance(roles, list):
        raise LaunchRefused("the launch has no roles claim")
    context = _dict(body.get(claims.CONTEXT))
    if len(str(context.get("id") or "")) > 255:
        raise LaunchRefused("the context id is longer than LTI allows (255 characters)")
    resource_link = _dict(body.get(claims.RESOURCE_LINK))
    if message_type == claims.RESOURCE_LINK_REQUEST and not _text(resource_link.get("id")):
        raise LaunchRefused("a resource link launch must carry resource_link.id")
    name = _text(body.get("name")) or " ".join(
        filter(None, (_text(body.get("given_name")), _text(body.get("family_name"))))
    )
    return Launch(
        platform=platform,
        deployment_id=str(deployment),
        message_type=str(message_type),
        sub=sub[:255],
        name=(name or None) and name[:200],
        email=_text(body.get("email")),  # checked where it is stored (provision.user_for)
        roles=tuple(str(role) for role in roles),
        context_id=_text(context.get("id")),
        context_title=(_text(context.get("title")) or "")[:200],
        context_label=(_text(context.get("label")) or "")[:80],
        resource_link_id=_text(resource_link.get("id")),
        custom=_dict(body.get(claims.CUSTOM)),
        ags=_dict(body.get(claims.AGS)),
        nrps=_dict(body.get(claims.NRPS)),
        deep_linking=_dict(body.get(claims.DEEP_LINKING_SETTINGS)),
    )
