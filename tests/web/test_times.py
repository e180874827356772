"""Times: one ISO 8601 form with the UTC offset everywhere in the API, on both backends (SQLite
gives naive values back), and pages that say UTC and carry the time for the local-time script."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from flask.testing import FlaskClient

from grader.accounts.models import Role
from grader.settings import Settings
from grader.times import aware, iso
from grader.web.formatting import time_tag
from tests.service.conftest import auth
from tests.web.conftest import grade_now, make_user, sign_in
from worker.sandbox.client import Sandbox

SLUG = "linalg.sum_axis"
CODE = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n"
API_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")
PAGE_TIME = re.compile(
    r'<time datetime="([^"]+)" data-local[^>]*><span>(\d{4}-\d\d-\d\d)</span> <span>(\d\d:\d\d(?::\d\d)?) UTC'
    r"</span></time>"
)


def test_one_form_whatever_the_database_gives_back() -> None:
    moment = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    shanghai = moment.astimezone(timezone(timedelta(hours=8)))
    naive = moment.replace(tzinfo=None)  # as SQLite returns it
    assert iso(moment) == iso(shanghai) == iso(naive) == "2026-03-04T05:06:07.000000+00:00"
    assert aware(shanghai) == moment and aware(shanghai).tzinfo == UTC
    assert aware(None) is None and iso(None) is None


def _times_in(body: object) -> list[str]:
    """Every value of a key ending in ``_at``, however deep."""
    if isinstance(body, dict):
        found = [v for k, v in body.items() if k.endswith("_at") and isinstance(v, str)]
        return found + [t for v in body.values() for t in _times_in(v)]
    if isinstance(body, list):
        return [t for item in body for t in _times_in(item)]
    return []


def test_the_api_gives_every_time_with_its_offset(
    service_settings: Settings, client: FlaskClient, sandbox: Sandbox
) -> None:
    token = make_user(service_settings, "ana")
    teacher = make_user(service_settings, "tess", Role.instructor)
    created = client.post("/api/v1/submissions", json={"exercise": SLUG, "code": CODE}, headers=auth(token))
    assert created.status_code == 202
    number = created.get_json()["id"]
    grade_now(service_settings, number, sandbox)
    bodies = [
        client.get(f"/api/v1/submissions/{number}", headers=auth(token)).get_json(),
        client.get("/api/v1/submissions", headers=auth(token)).get_json(),
        client.get(f"/api/v1/submissions?student=ana&exercise={SLUG}", headers=auth(teacher)).get_json(),
    ]
    times = _times_in(bodies)
    assert len(times) == 6, bodies  # created_at and graded_at, three times over
    assert [t for t in times if not API_TIME.match(t)] == []
    graded = datetime.fromisoformat(bodies[0]["graded_at"])
    assert abs(datetime.now(UTC) - graded) < timedelta(minutes=5)  # UTC indeed, not local time


def test_pages_say_utc_and_carry_the_time_for_the_local_time_script(
    service_settings: Settings, client: FlaskClient, sandbox: Sandbox
) -> None:
    token = make_user(service_settings, "ben")
    number = client.post(
        "/api/v1/submissions", json={"exercise": SLUG, "code": CODE}, headers=auth(token)
    ).get_json()["id"]
    grade_now(service_settings, number, sandbox)
    sign_in(client, "ben")
    for path in [f"/exercises/{SLUG}", f"/exercises/{SLUG}/history", f"/submissions/{number}"]:
        html = client.get(path).get_data(as_text=True)
        shown = PAGE_TIME.findall(html)
        assert shown, path
        for stamp, day, hour in shown:
            assert API_TIME.match(stamp), (path, stamp)
            assert datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M") == f"{day} {hour[:5]}", path
        assert "/static/time.js" in html, path


def test_a_time_tag_without_a_time() -> None:
    assert time_tag(None) == "–"
    tag = time_tag("2026-03-04T05:06:07.000000+00:00", seconds=True)
    assert tag == (
        '<time datetime="2026-03-04T05:06:07.000000+00:00" data-local data-seconds>'
        "<span>2026-03-04</span> <span>05:06:07 UTC</span></time>"
    )
