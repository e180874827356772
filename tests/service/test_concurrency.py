"""Concurrent first submissions to an exercise the database has not seen yet all succeed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from grader.bank.models import ExerciseVersion
from grader.db import unit_of_work
from grader.settings import Settings
from grader.web.app import create_app
from tests.service.conftest import auth, make_user

CODE = "def dot(a, b):\n    return (a * b).sum()\n"


def test_first_submissions_race_without_errors(service_settings: Settings) -> None:
    tokens = [make_user(service_settings, f"racer{i}") for i in range(8)]
    app = create_app(service_settings, {"TESTING": True})

    def post(token: str) -> int:
        with app.test_client() as client:
            response = client.post(
                "/api/v1/submissions", json={"exercise": "linalg.dot", "code": CODE}, headers=auth(token)
            )
            return response.status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(post, tokens))
    assert statuses == [202] * 8
    with unit_of_work(service_settings.database_url) as session:
        versions = session.scalar(
            select(func.count()).select_from(ExerciseVersion).where(ExerciseVersion.slug == "linalg.dot")
        )
    assert versions == 1
