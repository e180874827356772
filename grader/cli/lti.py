"""``grader lti …``: register the LMS platforms this tool trusts, print what to paste into the
LMS, rotate the tool's key, and sync a course's roster from the LMS. Each command is thin over
``grader.lti``; the services are imported when a command runs."""

from __future__ import annotations

import json
from typing import Any

import click

from grader.cli.service import database_session, load_settings


def _scope_words(scope: str) -> str:
    """What a platform's instructor scope lets its LMS instructors do, in words (the dashboard's)."""
    from grader.i18n.ui_text import translate

    return translate(f"lti.scope_{scope}", "en")


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group("lti")
def lti_group() -> None:
    """LTI 1.3: launches from Canvas, Moodle or Blackboard, roster sync, grade passback."""


@lti_group.command("add-platform")
@click.option(
    "--issuer", required=True, help="the platform's issuer (iss), e.g. https://canvas.instructure.com"
)
@click.option("--client-id", required=True, help="the client id the LMS gave this tool")
@click.option("--deployment-id", required=True, help="a deployment id (run again to add another)")
@click.option("--login-url", required=True, help="the platform's OIDC authorization endpoint")
@click.option("--token-url", required=True, help="the platform's OAuth2 token endpoint")
@click.option("--jwks-url", required=True, help="the platform's public keys (JWKS)")
@click.option(
    "--instructor-scope",
    type=click.Choice(["course", "service"]),
    default=None,
    help="what the LMS's instructors may do here: 'course' (staff of their LMS courses only; the"
    " default for a new platform) or 'service' (also the dashboard and every course's data)",
)
def add_platform_cmd(
    issuer: str,
    client_id: str,
    deployment_id: str,
    login_url: str,
    token_url: str,
    jwks_url: str,
    instructor_scope: str | None,
) -> None:
    """Register a platform, or add a deployment to one registered already."""
    from grader.lti import registry

    fields = registry.PlatformFields(
        issuer, client_id, deployment_id, login_url, token_url, jwks_url, instructor_scope
    )
    with database_session() as session:
        platform, new = registry.add_platform(session, fields)
        count = len(platform.deployments)
        scope = platform.instructor_scope
    said = "added" if new else "already had"
    click.echo(f"{issuer} (client id {client_id}): {said} deployment {deployment_id}; {count} in all")
    click.echo(f"its LMS instructors: {_scope_words(scope)}")


@lti_group.group("platforms", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def platforms_group(context: click.Context, as_json: bool) -> None:
    """List the registered platforms (``remove`` takes one away)."""
    if context.invoked_subcommand is not None:
        return
    from grader.lti import registry

    with database_session() as session:
        rows = [registry.present(platform) for platform in registry.list_platforms(session)]
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        click.echo("no platform is registered: grader lti add-platform --help")
    for row in rows:
        click.echo(
            f"{row['issuer']}  client id {row['client_id']}  deployments {', '.join(row['deployments'])}"
        )
        click.echo(f"    login {row['login_url']}\n    token {row['token_url']}\n    jwks  {row['jwks_url']}")
        click.echo(f"    its LMS instructors: {_scope_words(row['instructor_scope'])}")


@platforms_group.command("remove")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@click.option("--deployment-id", default=None, help="only this deployment (else the whole platform)")
def remove_platform_cmd(issuer: str, client_id: str, deployment_id: str | None) -> None:
    """Remove a platform (or one of its deployments): its launches are refused from then on."""
    from grader.lti import registry

    with database_session() as session:
        removed = registry.remove(session, issuer, client_id, deployment_id)
    click.echo(f"removed {removed}")


@lti_group.command("tool-config")
@click.option("--json", "as_json", is_flag=True)
def tool_config_cmd(as_json: bool) -> None:
    """What to paste into the LMS (built on GRADER_PUBLIC_URL)."""
    from grader.lti import registry

    config = registry.tool_config(load_settings().public_url)
    if as_json:
        _echo_json(config)
        return
    click.echo(f"Login URL (OIDC initiation): {config['login_url']}")
    click.echo(f"Redirect URI:                {config['redirect_uri']}")
    click.echo(f"JWKS URL (public keys):      {config['jwks_url']}")
    click.echo(f"Target link URI:             {config['target_link_uri']}")
    click.echo(f"Deep linking URL:            {config['deep_linking_url']}")
    click.echo("Canvas developer key (Developer Keys > + LTI Key > Method: Paste JSON):")
    _echo_json(config["canvas_developer_key"])


@lti_group.command("rotate-key")
def rotate_key_cmd() -> None:
    """Make a new signing key; the previous one stays published until the next rotation."""
    from grader.lti import keys

    settings = load_settings()
    with database_session() as session:
        kid = keys.rotate(session, settings.secret_key())
    click.echo(
        f"the tool now signs with key {kid}; the previous key stays in /lti/jwks until the next rotation"
    )


@lti_group.command("sync-roster")
@click.argument("course_code")
@click.option("--json", "as_json", is_flag=True)
def sync_roster_cmd(course_code: str, as_json: bool) -> None:
    """Bring COURSE_CODE's roster in line with its LMS course's (who was added, who left)."""
    from grader.courses import service as courses
    from grader.lti import nrps

    settings = load_settings()
    with database_session() as session:
        report = nrps.sync_roster(session, courses.find_course(session, course_code), settings.secret_key())
    if as_json:
        _echo_json(report.as_dict())
        return
    click.echo(f"added {len(report.added)}: {', '.join(report.added) or '-'}")
    click.echo(f"left {len(report.left)}: {', '.join(report.left) or '-'}")
    click.echo(f"stayed {report.stayed}")


def register(main: click.Group) -> None:
    """Add the LTI commands to the ``grader`` group."""
    main.add_command(lti_group)
