"""What every HTML page shares: the signed-in user, the language, UI words, security headers."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from grader.accounts.service import MIN_PASSWORD
from grader.bank.case_names import case_name
from grader.bank.loader import unit_title
from grader.i18n.ui_text import translate
from grader.web import course_time
from grader.web.formatting import flag_where, points, show_args, show_value, statement_html, time_tag
from grader.web.lti_session import frame_ancestors
from grader.web.sessions import is_instructor, language, page_user

# Scripts only from this site, never inline: a student's code shown on a page cannot run.
# Styles allow inline because the editor component injects its own style elements.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

LTI_ENTRY_PATHS = ("/lti/login", "/lti/launch")  # an LMS frames them before any session exists


def init_app(app: Flask) -> None:
    """Template globals and the response headers of the pages."""

    app.add_template_filter(statement_html, "statement")
    app.add_template_filter(show_value, "value")
    app.add_template_filter(show_args, "args")
    app.add_template_filter(points, "points")
    app.add_template_filter(time_tag, "when")
    app.add_template_filter(case_name, "case_name")
    app.add_template_filter(unit_title, "unit_title")
    app.add_template_filter(flag_where, "flag_where")
    app.add_template_filter(course_time.course_time, "course_time")
    app.add_template_filter(course_time.percent, "percent")
    app.add_template_global(course_time.bands, "timeline_bands")
    app.add_template_global(course_time.chart, "timeline_chart")

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        user = page_user()
        lang = language()
        return {
            "me": user,
            "me_instructor": is_instructor(user),
            "ui_lang": lang,
            "min_password": MIN_PASSWORD,
            "t": lambda key, **values: translate(key, lang, **values),
        }

    @app.after_request
    def security_headers(response: Response) -> Response:
        if request.path.startswith("/api/"):
            return response
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            framed_by = frame_ancestors()
            if framed_by is None and request.path in LTI_ENTRY_PATHS:
                framed_by = [
                    "*"
                ]  # a refused launch says why inside the LMS's frame (no session: nothing to hijack)
            if framed_by is None:
                response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                response.headers.setdefault("X-Frame-Options", "DENY")
            else:  # an LTI session lives in its LMS's iframe (X-Frame-Options cannot name a site)
                policy = CONTENT_SECURITY_POLICY.replace(
                    "'none'; form", f"'self' {' '.join(framed_by)}; form"
                )
                response.headers.setdefault("Content-Security-Policy", policy)
            response.headers.setdefault("Referrer-Policy", "same-origin")
            response.headers.setdefault("Cache-Control", "no-store")  # pages are per user
        return response
