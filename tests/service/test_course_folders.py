"""A course folder's exercise through the whole service: unseen by students until `grader
exercises sync` validates and publishes it, then graded by a real worker through the API like a
shipped one; a changed file is a new version at the next sync, which the running API and worker
follow without a restart; a change that does not validate is refused and the version before it
stays."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select

from grader.bank.folders import configure
from grader.bank.models import ExerciseRefusal, ExerciseVersion
from grader.db import unit_of_work
from grader.settings import Settings
from grader.web.app import create_app
from tests.course_folders import SOLVED, write_exercise
from tests.deployments import environment
from tests.service.conftest import Worker, auth, make_user, wait_graded

GRADER = str(Path(sys.executable).with_name("grader"))
SLUG = "course.col_sums"
ROW_SUMS = "def col_sums(x):\n    return x.sum(dim=1)\n"


def _sync(settings: Settings) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRADER, "exercises", "sync"], env=environment(settings), capture_output=True, text=True, timeout=300
    )


def _submit(client: FlaskClient, token: str, code: str) -> int:
    response = client.post("/api/v1/submissions", json={"exercise": SLUG, "code": code}, headers=auth(token))
    assert response.status_code == 202, response.get_json()
    return int(response.get_json()["id"])


def _slugs(client: FlaskClient) -> set[str]:
    return {e["slug"] for e in client.get("/api/v1/exercises").get_json()["exercises"]}


def _versions(settings: Settings) -> list[tuple[int, bool, str, str | None]]:
    with unit_of_work(settings.database_url) as session:
        rows = session.scalars(
            select(ExerciseVersion).where(ExerciseVersion.slug == SLUG).order_by(ExerciseVersion.version)
        )
        return [(row.version, row.current, row.source, (row.validation or {}).get("by")) for row in rows]


def test_a_course_exercise_is_published_by_sync_and_graded_by_a_worker(
    service_settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "my-course"
    module = write_exercise(folder, "course", "col_sums", points=10)
    settings = replace(service_settings, exercise_path=(folder,))
    client = create_app(settings, {"TESTING": True}).test_client()
    token = make_user(settings, "amy")
    assert SLUG not in _slugs(client) and "linalg.sum_axis" in _slugs(client)
    assert client.get(f"/api/v1/exercises/{SLUG}").status_code == 404
    early = client.post("/api/v1/submissions", json={"exercise": SLUG, "code": SOLVED}, headers=auth(token))
    assert early.status_code == 422 and "not published yet" in early.get_json()["error"]["message"]

    synced = _sync(settings)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert f"{SLUG:<32} version 1  (new)  [{folder}]" in synced.stdout
    assert _versions(settings) == [(1, True, str(folder), "sync")]
    assert SLUG in _slugs(client)
    shown = client.get(f"/api/v1/exercises/{SLUG}?lang=zh").get_json()
    assert shown["title"] == "列求和" and shown["public_examples"][0]["expected"]["tensor"] == [5.0, 7.0, 9.0]

    worker = Worker(settings, concurrency=1)
    try:
        right, wrong = _submit(client, token, SOLVED), _submit(client, token, ROW_SUMS)
        graded = {b["id"]: b for b in wait_graded(client, token, [right, wrong])}
        assert graded[right]["status"] == "graded" and graded[right]["score"] == 10
        assert graded[wrong]["score"] == 0
        assert any("Columns run down" in t["message"] for t in graded[wrong]["tests"])  # the mutant's hint

        # A changed file: the running service keeps version 1 until a sync publishes the change ...
        write_exercise(folder, "course", "col_sums", points=5)
        kept = _submit(client, token, SOLVED)
        assert wait_graded(client, token, [kept])[0]["max_score"] == 10
        restarted = create_app(settings, {"TESTING": True}).test_client()  # a process that read the new file
        refused = restarted.post(
            "/api/v1/submissions", json={"exercise": SLUG, "code": SOLVED}, headers=auth(token)
        )
        assert refused.status_code == 409
        assert f"changed in {module} since version 1 was published" in refused.get_json()["error"]["message"]

        # ... and follows it once synced: the API and the worker read the file again, no restart.
        synced = _sync(settings)
        assert synced.returncode == 0 and f"{SLUG:<32} version 2  (new)" in synced.stdout
        second = _submit(client, token, SOLVED)
        body = wait_graded(client, token, [second])[0]
        assert body["status"] == "graded" and body["max_score"] == 5 and body["score"] == 5

        # A change that does not validate is refused; version 2 stays.
        write_exercise(folder, "course", "col_sums", points=5, solution="x.sum(dim=1)")
        synced = _sync(settings)
        assert synced.returncode == 1
        assert (
            f"{SLUG:<32} REFUSED (kept version 2)" in synced.stdout
            and "the solution scored 0.00/5" in synced.stdout
        )
        assert _versions(settings) == [(1, False, str(folder), "sync"), (2, True, str(folder), "sync")]
        with unit_of_work(settings.database_url) as session:
            refusal = session.get(ExerciseRefusal, SLUG)
            assert refusal is not None and "the solution scored" in refusal.problems["problems"][0]
        third = _submit(client, token, SOLVED)
        assert wait_graded(client, token, [third])[0]["score"] == 5
    finally:
        worker.stop()
        configure([])


def test_sync_names_a_broken_module_and_publishes_the_rest(
    service_settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "course-folder"
    write_exercise(folder, "course", "col_sums")
    (folder / "course" / "half.py").write_text(
        "from grader.exercise import Exercise\nEXERCISE = Exercise(slug=1)\n"
    )
    settings = replace(service_settings, exercise_path=(folder,))
    synced = _sync(settings)
    assert synced.returncode == 1
    assert f"BROKEN {folder / 'course' / 'half.py'}: TypeError" in synced.stdout
    assert f"{SLUG:<32} version 1  (new)" in synced.stdout and "linalg.sum_axis" in synced.stdout
