"""The application factory and the one place domain errors become HTTP answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError, CSRFProtect
from kombu.exceptions import OperationalError as BrokerDown
from sqlalchemy.exc import OperationalError as DatabaseDown
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from grader.errors import BadRequest, GraderError, Invalid, NotFound, RateLimited
from grader.settings import Settings
from grader.web.drain import DrainUnreadBody
from grader.web.limits import retry_after
from grader.web.lti_session import LtiSessionInterface

csrf = CSRFProtect()
MAX_ID = 2**31 - 1  # ids are INTEGER columns: int4 on PostgreSQL


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number no row can have as its id becomes 0, which no row
    has either, so the view answers 404 as for any unknown id, instead of reaching the database
    and overflowing its integer type (a 500 on PostgreSQL). (A ``max`` on the converter instead
    made Werkzeug answer 405 to every method but GET on such a URL.)"""

    def to_python(self, value: str) -> Any:
        """The id, or 0 when it is beyond any INTEGER column (the length first: Python refuses
        to convert a string of thousands of digits, which would be a 405 again)."""
        if len(value) > len(str(MAX_ID)):
            return 0
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a document nested deeper than the parser can go is a 400."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON; too deep a nesting raises BadRequest, not RecursionError (a 500)."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            # Not a ValueError, which get_json(silent=True) would turn into "no JSON at all".
            message = "the JSON is nested too deeply to read; send an object of plain fields"
            raise BadRequest(message) from None


def create_app(settings: Settings | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app; ``settings`` default to the environment's."""
    settings = settings or Settings()
    app = Flask(__name__)
    app.config.update(
        GRADER_SETTINGS=settings,
        SECRET_KEY=settings.secret_key(),
        # A little over the source limit, so a multipart envelope around a legal file fits.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 64 * 1024,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session; a long edit must not fail
    )
    app.config.update(overrides or {})
    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.json = BoundedJSONProvider(app)
    app.session_interface = LtiSessionInterface()  # SameSite=None for sessions in an LMS's iframe
    app.wsgi_app = DrainUnreadBody(app.wsgi_app)  # type: ignore[method-assign]

    from grader.bank.loader import open_bank
    from grader.web import (
        account,
        api,
        api_courses,
        api_mistakes,
        bank_pages,
        course_editor,
        course_extensions,
        course_grades,
        course_roster,
        courses,
        dashboard,
        db,
        health,
        limits,
        lti,
        lti_admin,
        openapi,
        pages,
        portal,
    )

    for broken in open_bank(settings.exercise_path).broken:  # the rest of the bank still serves
        app.logger.error("exercise bank: %s", broken)

    db.init_app(app)
    csrf.init_app(app)
    for bearer in (
        api.blueprint,
        api_courses.blueprint,
        api_mistakes.blueprint,
    ):  # bearer tokens, not cookies: nothing to forge
        csrf.exempt(bearer)
        app.register_blueprint(bearer, url_prefix="/api/v1")
    app.register_blueprint(openapi.blueprint, url_prefix="/api/v1")
    app.register_blueprint(health.blueprint)
    app.register_blueprint(portal.blueprint)
    app.register_blueprint(dashboard.blueprint, url_prefix="/dashboard")
    app.register_blueprint(bank_pages.blueprint, url_prefix="/dashboard/bank")
    app.register_blueprint(account.blueprint)
    # Cross-site POSTs of the LMS (the id_token is the proof), and the launch's platform-storage
    # step (no session to forge: a header no other site's page may send, and the id_token).
    for platform_posts in (lti.login, lti.launch, lti.launch_from_storage):
        csrf.exempt(platform_posts)
    app.register_blueprint(lti.blueprint, url_prefix="/lti")
    app.register_blueprint(lti_admin.blueprint, url_prefix="/dashboard/lti")
    for course_pages in (courses, course_roster, course_editor, course_extensions, course_grades):
        app.register_blueprint(course_pages.blueprint, url_prefix="/courses")
    limits.init_app(app, settings)
    pages.init_app(app)
    app.before_request(_refuse_nul)
    _register_errors(app)
    return app


def _refuse_nul() -> None:
    """Refuse NUL in the path, the query and form fields, once for every view: PostgreSQL text
    cannot hold it, so a name or filter with one fails in whichever query it reaches (a 500)."""
    if "\x00" in request.path:
        raise NotFound("nothing here has a NUL character in its address")
    for where, fields in (("query parameter", request.args), ("form field", request.form)):
        for name, value in fields.items(multi=True):
            if "\x00" in f"{name}{value}":  # a multipart part without a name has None
                raise Invalid(f"the {where} {name!r} has a NUL character; remove it")
    for name, upload in request.files.items(multi=True):
        if "\x00" in (upload.filename or ""):
            raise Invalid(f"the name of the file in {name!r} has a NUL character; rename the file")


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    """The shape of every error answer (``field`` names the invalid field, when there is one)."""
    error: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return {"error": error}


def _wants_json() -> bool:
    """API clients get JSON errors; browsers get a page (scripts of the portal ask for JSON)."""
    if request.path.startswith(("/api/", "/healthz")):
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _error(
    status: int, code: str, message: str, retry_after: int | None = None, field: str | None = None
) -> Response:
    if _wants_json():
        response = jsonify(error_body(code, message, field))
    else:
        response = Response(
            render_template("error.html", status=status, code=code, message=message, retry_after=retry_after)
        )
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _register_errors(app: Flask) -> None:
    @app.errorhandler(GraderError)
    def domain_error(exc: GraderError) -> Response:
        retry = exc.retry_after if isinstance(exc, RateLimited) else None
        return _error(exc.status, exc.code, exc.message, retry, getattr(exc, "field", None))

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(exc: RateLimitExceeded) -> Response:
        wait = retry_after()
        message = exc.description or "too many requests"
        return _error(429, "rate_limited", f"{message}; try again in {wait} seconds", wait)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: RequestEntityTooLarge) -> Response:
        limit = app.config["GRADER_SETTINGS"].max_upload_bytes // 1024
        return _error(413, "too_large", f"the request is too large: submissions are at most {limit} KiB")

    @app.errorhandler(CSRFError)
    def stale_form(_exc: CSRFError) -> Response:
        message = "the form expired or came from another site; reload the page and send it again"
        return _error(400, "csrf", message)

    @app.errorhandler(DatabaseDown)
    @app.errorhandler(BrokerDown)
    def unavailable(_exc: Exception) -> Response:
        app.logger.exception("a backing service is unavailable")
        message = "the grading service is unavailable for a moment; nothing you sent was lost, try again"
        return _error(503, "unavailable", message, retry_after=5)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "_")
        response = _error(exc.code or 500, code, exc.description or exc.name or "error")
        # Werkzeug's own headers say what the error means: Allow on a 405, WWW-Authenticate...
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.logger.exception("unexpected error")
        return _error(500, "internal", "the server failed; the error was logged")
