"""The application factory and the one place domain errors become HTTP answers."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from grader.errors import GraderError, RateLimited
from grader.settings import Settings


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
    )
    app.config.update(overrides or {})

    from grader.web import api, health, openapi

    app.register_blueprint(api.blueprint, url_prefix="/api/v1")
    app.register_blueprint(openapi.blueprint, url_prefix="/api/v1")
    app.register_blueprint(health.blueprint)
    _register_errors(app)
    return app


def error_body(code: str, message: str) -> dict[str, Any]:
    """The shape of every error answer."""
    return {"error": {"code": code, "message": message}}


def _register_errors(app: Flask) -> None:
    @app.errorhandler(GraderError)
    def domain_error(exc: GraderError) -> Any:
        response = jsonify(error_body(exc.code, exc.message))
        response.status_code = exc.status
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: RequestEntityTooLarge) -> Any:
        limit = app.config["GRADER_SETTINGS"].max_upload_bytes // 1024
        response = jsonify(
            error_body("too_large", f"the request is too large: submissions are at most {limit} KiB")
        )
        response.status_code = 413
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        code = (exc.name or "error").lower().replace(" ", "_")
        response = jsonify(error_body(code, exc.description or exc.name or "error"))
        response.status_code = exc.code or 500
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        app.logger.exception("unexpected error")
        response = jsonify(error_body("internal", "the server failed; the error was logged"))
        response.status_code = 500
        return response
