"""The dashboard's LTI page for admins (/dashboard/lti): the registered platforms with their
deployments, the form to register one (or add a deployment), removal, and the tool's
configuration to paste into the LMS — the same as ``grader lti add-platform``, ``platforms``
and ``tool-config``."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from grader.accounts.models import Role
from grader.errors import Forbidden, Invalid
from grader.lti import keys, registry
from grader.web import limits
from grader.web.common import app_settings
from grader.web.db import get_db
from grader.web.sessions import instructor_page, page_user

blueprint = Blueprint("lti_admin", __name__)
FIELDS = ("issuer", "client_id", "deployment_id", "login_url", "token_url", "jwks_url")


def _admin() -> None:
    user = page_user()
    if user is None or user.role != Role.admin:
        raise Forbidden("only admins register LMS platforms")


def _page(status: int = 200, **extra: Any) -> Any:
    config = registry.tool_config(app_settings().public_url)
    return render_template(
        "dashboard/lti.html",
        platforms=registry.list_platforms(get_db()),
        config=config,
        canvas_json=json.dumps(config["canvas_developer_key"], indent=2),
        published=[key["kid"] for key in keys.jwks(get_db(), app_settings().secret_key())["keys"]],
        fields=FIELDS,
        **extra,
    ), status


@blueprint.get("/")
@instructor_page
def index() -> Any:
    """The platforms and the tool's configuration."""
    _admin()
    return _page()


@blueprint.post("/")
@instructor_page
@limits.instructor_writes
def add() -> Any:
    """Register a platform (or add a deployment to one); a wrong field: the form again (422)."""
    _admin()
    form = request.form
    given = {name: form.get(name, "").strip() for name in FIELDS}
    fields = registry.PlatformFields(**given, instructor_scope=form.get("instructor_scope") or None)
    try:
        _platform, new = registry.add_platform(get_db(), fields)
    except Invalid as exc:
        return _page(422, error=exc.message, field=exc.field, form=form)
    said = "registered" if new else "already had"
    flash(f"{fields.issuer}: {said} deployment {fields.deployment_id}.", "info")
    return redirect(url_for("lti_admin.index"))


@blueprint.post("/remove")
@instructor_page
@limits.instructor_writes
def remove() -> Any:
    """Remove a platform, or one of its deployments."""
    _admin()
    form = request.form
    removed = registry.remove(
        get_db(), form.get("issuer", ""), form.get("client_id", ""), form.get("deployment_id") or None
    )
    flash(f"Removed {removed}.", "info")
    return redirect(url_for("lti_admin.index"))
