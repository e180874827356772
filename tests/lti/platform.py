"""An LMS platform simulator, written from the IMS specifications (LTI Core 1.3, Deep Linking
2.0, NRPS 2.0, AGS 2.0), served over real HTTP on loopback: its own RSA keys and JWKS, an OIDC
authorization endpoint that answers with an auto-submitting form_post of a signed id_token, a
token endpoint that verifies the tool's client assertion against the tool's /lti/jwks, AGS line
item and score endpoints and an NRPS memberships endpoint that record what they receive, and the
deep linking return URL that verifies the tool's response."""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from grader.lti import claims

CLIENT_ID = "tool-client-1"
DEPLOYMENT_ID = "deployment-1"
CONTEXT_ID = "course-ctx-42"


@dataclass
class Key:
    """An RSA key of the platform and its key id."""

    private: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    kid: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def jwk(self) -> dict[str, Any]:
        """Its public half as a JWK."""
        found: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**found, "kid": self.kid, "alg": "RS256", "use": "sig"}


@dataclass
class Person:
    """A user of the LMS."""

    sub: str
    name: str
    email: str
    roles: list[str]
    status: str = "Active"


LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


@dataclass
class Tampering:
    """What to get wrong in the next id_token (each refusal test sets one)."""

    claims: dict[str, Any] = field(default_factory=dict)  # replaced (None: removed)
    sign_with: Key | None = None  # a key other than the published one
    kid: str | None = None  # a kid other than the signing key's
    nonce: str | None = None


class Platform:
    """The simulator: a werkzeug app on 127.0.0.1 in a thread. ``url`` is its base."""

    def __init__(self) -> None:
        self.keys = [Key()]
        self.url = ""
        self.tool_jwks_url = ""
        self.people: dict[str, Person] = {}
        self.custom: dict[str, dict[str, Any]] = {}  # login_hint → custom claim
        self.message_type: dict[str, str] = {}
        self.tampering: Tampering | None = None
        self.auth_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.line_items: list[dict[str, Any]] = []
        self.scores: list[dict[str, Any]] = []
        self.deep_link_responses: list[dict[str, Any]] = []
        self.tokens: dict[str, set[str]] = {}
        self.fail_scores = 0  # answer this many score posts with 503 first
        self.lineitem_for_launch: str | None = None
        self.jwks_fetches = 0
        # LTI platform storage (Client Side postMessages): the course page keeps the tool's data
        # for it, and the login initiation and the launch name that page as the storage target.
        self.platform_storage = False

    # --- what the tool registers -----------------------------------------------------------
    @property
    def issuer(self) -> str:
        """The platform's issuer."""
        return self.url

    def registration(self) -> list[str]:
        """The flags of ``grader lti add-platform`` for this platform."""
        return [
            "--issuer", self.url, "--client-id", CLIENT_ID, "--deployment-id", DEPLOYMENT_ID,
            "--login-url", f"{self.url}/auth", "--token-url", f"{self.url}/token",
            "--jwks-url", f"{self.url}/jwks",
        ]  # fmt: skip

    def rotate(self) -> Key:
        """Publish a new key and sign with it from now on (the old one stays published)."""
        key = Key()
        self.keys.insert(0, key)
        return key

    # --- the launch ---------------------------------------------------------------------------
    def initiation(self, login_hint: str, **extra: str) -> dict[str, str]:
        """The third-party login initiation parameters the LMS sends the tool."""
        return {
            "iss": self.url,
            "login_hint": login_hint,
            "target_link_uri": self.tool_jwks_url.replace("/jwks", "/launch"),
            "client_id": CLIENT_ID,
            "lti_deployment_id": DEPLOYMENT_ID,
            "lti_message_hint": f"hint-{login_hint}",
            **({"lti_storage_target": "_parent"} if self.platform_storage else {}),
            **extra,
        }

    def id_token_claims(self, person: Person, nonce: str, redirect_uri: str, hint: str) -> dict[str, Any]:
        """The claims of a launch of ``person``, as the LMS would send them."""
        issued = int(time.time())
        body: dict[str, Any] = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "azp": CLIENT_ID,
            "sub": person.sub,
            "exp": issued + 300,
            "iat": issued,
            "nonce": nonce,
            "name": person.name,
            "email": person.email,
            claims.MESSAGE_TYPE: self.message_type.get(hint, claims.RESOURCE_LINK_REQUEST),
            claims.VERSION: "1.3.0",
            claims.DEPLOYMENT_ID: DEPLOYMENT_ID,
            claims.TARGET_LINK_URI: redirect_uri,
            claims.RESOURCE_LINK: {"id": f"link-{hint}"},
            claims.ROLES: person.roles,
            claims.CONTEXT: {"id": CONTEXT_ID, "label": "DL 101", "title": "Deep learning 101"},
            claims.CUSTOM: self.custom.get(hint, {}),
            claims.NRPS: {"context_memberships_url": f"{self.url}/memberships", "service_versions": ["2.0"]},
            claims.AGS: {
                "scope": [claims.SCOPE_LINEITEM, claims.SCOPE_SCORE, claims.SCOPE_LINEITEM_READ],
                "lineitems": f"{self.url}/lineitems",
                **({"lineitem": self.lineitem_for_launch} if self.lineitem_for_launch else {}),
            },
        }
        if body[claims.MESSAGE_TYPE] == claims.DEEP_LINKING_REQUEST:
            body[claims.DEEP_LINKING_SETTINGS] = {
                "deep_link_return_url": f"{self.url}/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "opaque-data-123",
            }
        return body

    def sign(self, body: dict[str, Any], key: Key | None = None, kid: str | None = None) -> str:
        """An id_token signed with the platform's current key (or ``key``)."""
        key = key or self.keys[0]
        return jwt.encode(body, key.private, algorithm="RS256", headers={"kid": kid or key.kid})

    def _auth(self, request: Request) -> Response:
        params = {name: request.args[name] for name in request.args}
        self.auth_requests.append(params)
        hint = params.get("login_hint", "")
        person = self.people.get(hint)
        if person is None:
            return Response("unknown login_hint", status=400)
        tampering, self.tampering = self.tampering, None
        nonce = (tampering.nonce if tampering and tampering.nonce else None) or params["nonce"]
        body = self.id_token_claims(person, nonce, params["redirect_uri"], hint)
        for name, value in (tampering.claims if tampering else {}).items():
            if value is None:
                body.pop(name, None)
            else:
                body[name] = value
        token = self.sign(
            body, tampering.sign_with if tampering else None, tampering.kid if tampering else None
        )
        page = (
            '<!doctype html><html><body onload="document.forms[0].submit()">'
            f'<form method="post" action="{html.escape(params["redirect_uri"])}">'
            f'<input type="hidden" name="id_token" value="{html.escape(token)}">'
            f'<input type="hidden" name="state" value="{html.escape(params["state"])}">'
            + (
                '<input type="hidden" name="lti_storage_target" value="_parent">'
                if self.platform_storage
                else ""
            )
            + "<noscript><button>Continue</button></noscript></form></body></html>"
        )
        return Response(page, mimetype="text/html")

    # --- services -----------------------------------------------------------------------------
    def _token(self, request: Request) -> Response:
        form = request.form
        record: dict[str, Any] = {"form": dict(form)}
        self.token_requests.append(record)
        if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return Response(json.dumps({"error": "unsupported_grant_type"}), 400, mimetype="application/json")
        assertion = form.get("client_assertion", "")
        try:
            kid = jwt.get_unverified_header(assertion)["kid"]
            published = requests.get(self.tool_jwks_url, timeout=5).json()
            jwk = next(k for k in published["keys"] if k["kid"] == kid)
            body = jwt.decode(
                assertion,
                key=RSAAlgorithm.from_jwk(json.dumps(jwk)),  # type: ignore[arg-type]
                algorithms=["RS256"],
                audience=f"{self.url}/token",
                options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
            )
        except (StopIteration, KeyError, jwt.PyJWTError, requests.RequestException) as exc:
            record["error"] = str(exc)
            return Response(json.dumps({"error": "invalid_client"}), 401, mimetype="application/json")
        if body["iss"] != CLIENT_ID or body["sub"] != CLIENT_ID:
            record["error"] = "iss/sub is not the client id"
            return Response(json.dumps({"error": "invalid_client"}), 401, mimetype="application/json")
        record["assertion"] = body
        record["kid"] = kid
        token = secrets.token_hex(16)
        self.tokens[token] = set(form.get("scope", "").split())
        answer = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": form.get("scope"),
        }
        return Response(json.dumps(answer), mimetype="application/json")

    def _authorized(self, request: Request, scope: str) -> bool:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme == "Bearer" and scope in self.tokens.get(token, set())

    def _lineitems(self, request: Request) -> Response:
        if request.method == "GET":
            if not self._authorized(request, claims.SCOPE_LINEITEM) and not self._authorized(
                request, claims.SCOPE_LINEITEM_READ
            ):
                return Response("no token", 401)
            found = [
                item
                for item in self.line_items
                if item.get("resourceId") == request.args.get("resource_id", item.get("resourceId"))
                and item.get("tag") == request.args.get("tag", item.get("tag"))
            ]
            return Response(json.dumps(found), mimetype=claims.LINEITEMS_TYPE)
        if not self._authorized(request, claims.SCOPE_LINEITEM):
            return Response("no token", 401)
        item = {**request.get_json(force=True), "id": f"{self.url}/lineitems/{len(self.line_items) + 1}"}
        self.line_items.append(item)
        return Response(json.dumps(item), 201, mimetype=claims.LINEITEM_TYPE)

    def _scores(self, request: Request, number: str) -> Response:
        if not self._authorized(request, claims.SCOPE_SCORE):
            return Response("no token", 401)
        if request.mimetype != claims.SCORE_TYPE:
            return Response(f"wrong content type {request.mimetype}", 415)
        if self.fail_scores > 0:
            self.fail_scores -= 1
            return Response("busy", 503)
        self.scores.append({"lineitem": f"{self.url}/lineitems/{number}", **request.get_json(force=True)})
        return Response("", 204)

    def _memberships(self, request: Request) -> Response:
        if not self._authorized(request, claims.SCOPE_MEMBERSHIPS):
            return Response("no token", 401)
        members = [
            {"user_id": p.sub, "name": p.name, "email": p.email, "roles": p.roles, "status": p.status}
            for p in self.people.values()
        ]
        body = {"id": f"{self.url}/memberships", "context": {"id": CONTEXT_ID}, "members": members}
        return Response(json.dumps(body), mimetype=claims.MEMBERSHIPS_TYPE)

    def _course_page(self, request: Request) -> Response:
        """An LMS course page that embeds the tool in an iframe, as Canvas and Moodle do: the
        frame starts at the tool's login initiation URL."""
        hint = request.args.get("user", "")
        login = self.tool_jwks_url.replace("/jwks", "/login")
        source = f"{login}?{urlencode(self.initiation(hint))}"
        page = (
            "<!doctype html><html><head><title>LMS course</title></head><body><h1>DL 101 in the LMS</h1>"
            f'<iframe id="tool" title="tensor-grader" src="{html.escape(source)}" width="1000" height="700">'
            f"</iframe>{STORAGE_SCRIPT if self.platform_storage else ''}</body></html>"
        )
        return Response(page, mimetype="text/html")

    def _deep_link_return(self, request: Request) -> Response:
        token = request.form.get("JWT", "")
        kid = jwt.get_unverified_header(token)["kid"]
        published = requests.get(self.tool_jwks_url, timeout=5).json()
        jwk = next(k for k in published["keys"] if k["kid"] == kid)
        body = jwt.decode(
            token,
            key=RSAAlgorithm.from_jwk(json.dumps(jwk)),  # type: ignore[arg-type]
            algorithms=["RS256"],
            audience=self.url,
        )
        self.deep_link_responses.append(body)
        return Response("<!doctype html><p id='received'>Deep link received</p>", mimetype="text/html")

    def __call__(self, environ: Any, start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        path = request.path
        if path == "/jwks":
            self.jwks_fetches += 1
            answer = Response(
                json.dumps({"keys": [key.jwk() for key in self.keys]}), mimetype="application/json"
            )
        elif path == "/course":
            answer = self._course_page(request)
        elif path == "/auth":
            answer = self._auth(request)
        elif path == "/token" and request.method == "POST":
            answer = self._token(request)
        elif path == "/lineitems":
            answer = self._lineitems(request)
        elif path.startswith("/lineitems/") and path.endswith("/scores") and request.method == "POST":
            answer = self._scores(request, path.split("/")[2])
        elif path == "/memberships":
            answer = self._memberships(request)
        elif path == "/deep-link-return" and request.method == "POST":
            answer = self._deep_link_return(request)
        else:
            answer = Response("not found", 404)
        return answer(environ, start_response)


# The platform's side of platform storage: a key's value per tool origin, for the page's life;
# answers go back to the asking frame's origin only; what was asked is noted on the page's body.
STORAGE_SCRIPT = """<script>
const stored = {};
window.addEventListener("message", (event) => {
  const asked = event.data || {};
  const slot = event.origin + " " + asked.key;
  const answer = { subject: asked.subject + ".response", message_id: asked.message_id, key: asked.key };
  if (asked.subject === "lti.put_data") {
    stored[slot] = asked.value;
    answer.value = asked.value;
  } else if (asked.subject === "lti.get_data") {
    if (slot in stored) answer.value = stored[slot];
    else answer.error = { code: "bad_request", message: "no value for this key" };
  } else {
    return;
  }
  event.source.postMessage(answer, event.origin);
  document.body.dataset.storage = (document.body.dataset.storage || "") + asked.subject + " ";
});
</script>"""


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve a WSGI app on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(5)


def auto_post(page: str) -> tuple[str, dict[str, str]]:
    """The action and fields of an auto-submitting form page (what a browser would post)."""
    action = page.split('action="', 1)[1].split('"', 1)[0]
    fields = {}
    for chunk in page.split("<input")[1:]:
        name = chunk.split('name="', 1)[1].split('"', 1)[0]
        value = chunk.split('value="', 1)[1].split('"', 1)[0]
        fields[name] = html.unescape(value)
    return html.unescape(action), fields


def query_of(url: str) -> dict[str, str]:
    """The query parameters of a URL, one value each."""
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
