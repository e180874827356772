"""The LTI 1.3 tool's endpoints (/lti): its public keys, OIDC login initiation, the launch (the
form_post redirect URI) and the deep linking picker. Thin: each parses, calls ``grader.lti``,
and presents; a refused launch is a 400 page that says why (``LaunchRefused``), and no session.

The login's state travels in a cookie of its own, named after the state (two launches in one LMS
page do not overwrite each other's; path /lti/, ten minutes), ``SameSite=None;
Secure`` over HTTPS since the launch comes back as a cross-site POST from the LMS (a Lax cookie
would not come with it); over plain HTTP, where browsers refuse SameSite=None, it is Lax."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from grader.accounts.models import User
from grader.assignments import service as assignments
from grader.courses import service as courses
from grader.errors import NotFound
from grader.lti import claims, continuation, deep_linking, keys, oidc, provision
from grader.lti import launch as launching
from grader.lti.errors import LaunchRefused
from grader.lti.registry import origin
from grader.web import limits
from grader.web.common import app_settings
from grader.web.course_common import me
from grader.web.db import get_db
from grader.web.lti_session import allow_framing
from grader.web.sessions import signed_in, start_session

blueprint = Blueprint("lti", __name__)
STATE_COOKIE = "lti_state_"  # and the state's first characters
STORAGE_TARGET = re.compile(r"[A-Za-z0-9_.-]{1,64}")  # a frame's name, or "_parent"
DEEP_LINK = "lti_deep_link"  # in the session: the deep linking request being answered


def state_cookie(state: str) -> str:
    """The name of the cookie that holds this state."""
    return STATE_COOKIE + "".join(c for c in state[:16] if c.isalnum() or c in "-_")


def launch_url() -> str:
    """The redirect URI and target link URI, as the LMS knows them (built on GRADER_PUBLIC_URL)."""
    return f"{app_settings().public_url}/lti/launch"


@blueprint.get("/jwks")
def jwks() -> Response:
    """The tool's public keys (the signing key and, after a rotation, the one before it)."""
    response = jsonify(keys.jwks(get_db(), app_settings().secret_key()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def storage_target(params: Any) -> str | None:
    """The frame of the LMS's platform storage the LMS names (``lti_storage_target``), if any."""
    target = str(params.get("lti_storage_target") or "")
    return target if STORAGE_TARGET.fullmatch(target) else None


def _storage_page(step: str, target: str, target_origin: str, state: str, **data: str) -> Response:
    """A page whose script talks to the LMS's platform storage (``static/lti_storage.js``)."""
    page = render_template(
        "lti/storage.html",
        step=step,
        target=target,
        target_origin=target_origin,
        key=continuation.storage_key(state),
        state=state,
        data=data,
    )
    return Response(page)


@blueprint.route("/login", methods=["GET", "POST"])
@limits.lti_logins
def login() -> Any:
    """OIDC login initiation: redirect to the platform's login URL with a fresh state and nonce
    (kept in the LMS's platform storage first, when the LMS offers it, and in a cookie)."""
    params = request.form if request.method == "POST" else request.args
    found = oidc.begin_login(get_db(), params, launch_url())
    target, platform_origin = storage_target(params), origin(found.url)
    response: WerkzeugResponse
    if target is not None and platform_origin is not None:
        response = _storage_page("store", target, platform_origin, found.state, next=found.url)
    else:
        response = redirect(found.url)
    secure = app_settings().secure_cookies
    response.set_cookie(
        state_cookie(found.state),
        found.state,
        max_age=int(oidc.LOGIN_LIFETIME.total_seconds()),
        path="/lti/",
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
    )
    return response


@blueprint.post("/launch")
def launch() -> Any:
    """The launch: validated fully, then the user is signed in and lands on the assignment of
    the custom claim ``assignment`` or the course; a deep linking request goes to the picker."""
    db = get_db()
    state = request.form.get("state", "")
    cookie = request.cookies.get(state_cookie(state))
    target = storage_target(request.form)
    if cookie is None and target is not None:  # no cookie came back: ask the platform's storage
        platform_origin = continuation.storage_origin(db, state)
        if platform_origin is not None:
            id_token = request.form.get("id_token", "")
            return _storage_page("fetch", target, platform_origin, state, id_token=id_token)
    found = launching.validate(db, state, cookie, request.form.get("id_token", ""))
    landed, linking = _land(found)
    start_session(landed.user_id)
    allow_framing(found.platform.issuer, found.platform.login_url, request.headers.get("Origin"))
    if linking is not None:
        session[DEEP_LINK] = linking
    response = redirect(landed.target)
    response.delete_cookie(state_cookie(state), path="/lti/")
    return response


def _land(found: launching.Launch) -> tuple[continuation.Continued, dict[str, Any] | None]:
    """What a valid launch does here, and where it lands (with the deep linking request)."""
    landing = provision.provision(get_db(), found)
    if found.message_type == claims.DEEP_LINKING_REQUEST:  # refused before any session starts
        linking = deep_linking.request_of(found, landing.role, landing.course_code).as_dict()
        return continuation.Continued(landing.user_id, url_for("lti.pick"), linking), linking
    if landing.assignment_id is not None:
        target = url_for("courses.assignment", code=landing.course_code, assignment_id=landing.assignment_id)
    else:
        target = url_for("courses.course", code=landing.course_code)
    return continuation.Continued(landing.user_id, target, None), None


@blueprint.post("/launch/storage")
def launch_from_storage() -> Any:
    """The launch's second step where the browser sent no cookie back: the tool's own page
    (``static/lti_storage.js``) sends the state it read from the LMS's platform storage; the
    launch is validated as usual, and continues in a new tab through a one-time link (this
    frame cannot keep a session)."""
    if not _from_our_launch_page():
        raise LaunchRefused("only the tool's own launch page may send this")
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    state, stored = str(body.get("state") or ""), str(body.get("stored") or "")
    found = launching.validate(get_db(), state, stored or None, str(body.get("id_token") or ""))
    landed, linking = _land(found)
    token = continuation.issue(get_db(), landed.user_id, landed.target, linking)
    return jsonify({"continue": url_for("lti.continue_launch", token=token)})


def _from_our_launch_page() -> bool:
    """Whether the request carries the header only a page of this site can send (a cross-site
    one would need a CORS preflight, never granted), from this site's origin."""
    sent_from = request.headers.get("Origin")
    ours = sent_from is None or sent_from == origin(app_settings().public_url)
    return request.headers.get(continuation.STORAGE_HEADER) == "1" and ours


@blueprint.get("/continue/<token>")
def continue_launch(token: str) -> Any:
    """A launch validated in the LMS's frame, to continue in this tab: whom it signs in, and a
    button (a link sent by someone else would name them, not the reader)."""
    found = continuation.find(get_db(), token)
    user = get_db().get_one(User, found.user_id)
    return render_template("lti/continue.html", token=token, user=user)


@blueprint.post("/continue/<token>")
def continue_confirmed(token: str) -> Any:
    """Continue the launch here: signed in, and on to where the launch lands."""
    found = continuation.redeem(get_db(), token)
    start_session(found.user_id)
    if found.deep_link is not None:
        session[DEEP_LINK] = found.deep_link
    return redirect(found.target)


def _waiting() -> tuple[deep_linking.Request, courses.Membership]:
    waiting = deep_linking.Request.from_dict(session.get(DEEP_LINK))
    return waiting, courses.course_for(get_db(), me(), waiting.course_code, "staff")


@blueprint.get("/deep-link")
@signed_in
def pick() -> Any:
    """The deep linking picker: the course's assignments, one to link."""
    _waiting_request, member = _waiting()
    listed = assignments.course_assignments(get_db(), member.course)
    return render_template("lti/pick.html", m=member, listed=listed)


@blueprint.post("/deep-link")
@signed_in
def answer() -> Any:
    """Answer the platform: a page that posts the signed LtiDeepLinkingResponse back to it."""
    waiting, member = _waiting()
    raw = request.form.get("assignment", "")
    access = assignments.assignment_for(
        get_db(), me(), int(raw) if raw.isdigit() and len(raw) < 10 else 0, "staff"
    )
    if access.assignment.course_id != member.course.id:
        raise NotFound(f"no assignment {access.assignment.id} in {member.course.code}")
    token = deep_linking.response_token(
        get_db(), app_settings().secret_key(), waiting, access.assignment, launch_url()
    )
    session.pop(DEEP_LINK, None)
    response = Response(render_template("lti/post_back.html", action=waiting.return_url, token=token))
    # This page's one form goes to the LMS, and its script only submits it.
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'self'; style-src 'self'; form-action {origin(waiting.return_url)}; "
        "base-uri 'none'"
    )
    return response
