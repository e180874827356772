"""The tool's keys and /lti/jwks, and registering platforms from the command line."""

from __future__ import annotations

import json

import jwt
import requests
from sqlalchemy import select

from grader.db import unit_of_work
from grader.lti import keys
from grader.lti.models import ToolKey
from tests.lti.conftest import Tool
from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, Platform
from tests.web.conftest import embedded_only


@embedded_only
def test_key_pair_made_on_first_use_kept_encrypted_and_rotated_with_both_published(tool: Tool) -> None:
    first = requests.get(f"{tool.url}/lti/jwks").json()["keys"]
    assert len(first) == 1 and first[0]["kty"] == "RSA" and first[0]["alg"] == "RS256"
    assert requests.get(f"{tool.url}/lti/jwks").json()["keys"] == first  # not made again
    secret = tool.settings.secret_key()
    with unit_of_work(tool.settings.database_url) as session:
        row = session.scalars(select(ToolKey)).one()
        assert "PRIVATE KEY" not in row.private_encrypted  # encrypted, not PEM
        signer = keys.signing_key(session, secret)
        token = jwt.encode({"x": 1}, signer.private_key, algorithm="RS256", headers={"kid": signer.kid})
    public = jwt.PyJWK(first[0])
    assert jwt.decode(token, public, algorithms=["RS256"]) == {"x": 1}

    rotated = tool.cli("lti", "rotate-key")
    assert rotated.exit_code == 0 and "stays in /lti/jwks" in rotated.output
    second = requests.get(f"{tool.url}/lti/jwks").json()["keys"]
    assert [k["kid"] for k in second][1] == first[0]["kid"] and len(second) == 2  # both published
    with unit_of_work(tool.settings.database_url) as session:
        assert keys.signing_key(session, secret).kid == second[0]["kid"]  # the new one signs
    tool.cli("lti", "rotate-key")
    third = [k["kid"] for k in requests.get(f"{tool.url}/lti/jwks").json()["keys"]]
    assert third[1] == second[0]["kid"] and first[0]["kid"] not in third  # the oldest is dropped


@embedded_only
def test_a_key_is_refused_under_another_secret_key(tool: Tool) -> None:
    requests.get(f"{tool.url}/lti/jwks")
    with unit_of_work(tool.settings.database_url) as session:
        try:
            keys.signing_key(session, "another secret")
        except Exception as exc:
            assert "rotate-key" in str(exc)
        else:
            raise AssertionError("a key was read with the wrong secret")


@embedded_only
def test_platforms_added_listed_and_removed_from_the_command_line(tool: Tool, platform: Platform) -> None:
    again = tool.cli("lti", "add-platform", *platform.registration()[:4], "--deployment-id", "deployment-2",
                     *platform.registration()[6:])  # fmt: skip
    assert again.exit_code == 0 and "added deployment deployment-2; 2 in all" in again.output
    same = tool.cli("lti", "add-platform", *platform.registration())
    assert "already had deployment" in same.output
    listed = json.loads(tool.cli("lti", "platforms", "--json").output)
    assert listed == [
        {
            "issuer": platform.url,
            "client_id": CLIENT_ID,
            "deployments": [DEPLOYMENT_ID, "deployment-2"],
            "login_url": f"{platform.url}/auth",
            "token_url": f"{platform.url}/token",
            "jwks_url": f"{platform.url}/jwks",
            "instructor_scope": "course",
        }
    ]
    assert platform.url in tool.cli("lti", "platforms").output
    bad = tool.cli("lti", "add-platform", *platform.registration()[:10], "--jwks-url", "ftp://x/keys")
    assert bad.exit_code == 1 and "jwks_url" in bad.output and "https://" in bad.output
    plain = tool.cli(
        "lti", "add-platform", *platform.registration()[:10], "--jwks-url", "http://lms.example/k"
    )
    assert plain.exit_code == 1  # plain http only on loopback
    removed = tool.cli("lti", "platforms", "remove", "--issuer", platform.url, "--client-id", CLIENT_ID,
                       "--deployment-id", "deployment-2")  # fmt: skip
    assert removed.exit_code == 0 and "deployment-2" in removed.output
    gone = tool.cli("lti", "platforms", "remove", "--issuer", platform.url, "--client-id", "nope")
    assert gone.exit_code == 1 and "no platform" in gone.output
    tool.cli("lti", "platforms", "remove", "--issuer", platform.url, "--client-id", CLIENT_ID)
    assert json.loads(tool.cli("lti", "platforms", "--json").output) == []


@embedded_only
def test_tool_config_prints_what_to_paste(tool: Tool) -> None:
    printed = tool.cli("lti", "tool-config")
    assert f"Login URL (OIDC initiation): {tool.url}/lti/login" in printed.output
    assert f"Redirect URI:                {tool.url}/lti/launch" in printed.output
    assert f"JWKS URL (public keys):      {tool.url}/lti/jwks" in printed.output
    config = json.loads(tool.cli("lti", "tool-config", "--json").output)
    canvas = config["canvas_developer_key"]
    assert canvas["oidc_initiation_url"] == f"{tool.url}/lti/login"
    assert canvas["public_jwk_url"] == f"{tool.url}/lti/jwks"
    assert canvas["target_link_uri"] == config["target_link_uri"] == f"{tool.url}/lti/launch"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in canvas["scopes"]
    placements = canvas["extensions"][0]["settings"]["placements"]
    assert {"placement": "link_selection", "message_type": "LtiDeepLinkingRequest",
            "target_link_uri": f"{tool.url}/lti/launch"} in placements  # fmt: skip
