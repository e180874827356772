"""The dashboard's bank pages: every exercise with its source, version, validation state and
mutation score (shipped and from a course folder, published, refused, not yet published, broken);
one exercise with its versions and surviving mutants, each with the input that exposes it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from grader.accounts.models import Role
from grader.bank import catalog
from grader.bank.folders import configure
from grader.bank.loader import entry
from grader.bank.proving import prove
from grader.bank.records import write_record
from grader.db import unit_of_work
from grader.grading.validation import validation_seeds
from grader.settings import Settings
from grader.web.app import create_app
from tests.course_folders import write_exercise
from tests.web.conftest import embedded_only, make_user, sign_in
from worker.sandbox.client import Sandbox

GAP = {
    "line": 2,
    "code": "return x.sum()",
    "mutation": "removed .abs()",
    "verdict": "gap",
    "found_by": "seed 40595",
    "case": "random vector",
    "input": "col_sums([-0.5, <b>1.0</b>])",
    "message": "1 of 1 values differ",
}


@pytest.fixture
def bank_site(
    service_settings: Settings, tmp_path: Path, sandbox: Sandbox
) -> Iterator[tuple[FlaskClient, Path]]:
    """An instructor signed in to a service whose bank has a course folder: one exercise
    validated and published, one refused (its solution is wrong), one added after the sync,
    one module broken."""
    folder = tmp_path / "course-folder"
    write_exercise(folder, "course", "col_sums")
    write_exercise(folder, "course", "wrong_sums", solution="x.sum(dim=1)")
    (folder / "course" / "broken.py").write_text("import torch\nraise ValueError('half written')\n")
    settings = replace(service_settings, exercise_path=(folder,))
    client = create_app(settings, {"TESTING": True}).test_client()
    validations = {
        slug: prove(entry(slug), sandbox, validation_seeds(2)).validation
        for slug in ("course.col_sums", "course.wrong_sums")
    }
    with unit_of_work(settings.database_url) as session:
        catalog.sync_bank(session, validations)
    write_exercise(folder, "course", "later_sums")  # added while the service runs
    make_user(settings, "teacher", Role.instructor)
    sign_in(client, "teacher")
    yield client, folder
    configure([])


def test_the_bank_page_shows_every_exercise_where_it_comes_from_and_how_it_stands(
    bank_site: tuple[FlaskClient, Path],
) -> None:
    client, folder = bank_site
    page = client.get("/dashboard/bank/").get_data(as_text=True)
    rows = dict(re.findall(r'<tr id="bank-([a-z_.0-9]+)">(.*?)</tr>', page, re.S))
    assert {"linalg.sum_axis", "ops.topk_values", "course.col_sums", "course.wrong_sums"} <= set(rows)
    shipped = rows["linalg.sum_axis"]
    assert (
        "shipped" in shipped
        and "published, proven by CI" in shipped
        and "100%" in shipped
        and "(3/3)" in shipped
    )
    assert f'<code class="path">{folder}</code>' in rows["course.col_sums"]
    assert "published, validated" in rows["course.col_sums"] and "not measured" in rows["course.col_sums"]
    assert "refused" in rows["course.wrong_sums"] and '<td class="num">–</td>' in rows["course.wrong_sums"]
    assert "not published" in rows["course.later_sums"]
    broken = page.split('id="broken"')[1].split("</section>")[0]
    assert f"{folder}/course/broken.py" in broken and "ValueError: half written (line 2)" in broken
    client.set_cookie("lang", "zh")
    zh = client.get("/dashboard/bank/").get_data(as_text=True)
    assert "题库" in zh and "已发布，已验证" in zh and "已拒绝" in zh


def test_an_exercise_page_shows_its_versions_its_refusal_and_its_survivors(
    bank_site: tuple[FlaskClient, Path],
) -> None:
    client, folder = bank_site
    refused = client.get("/dashboard/bank/course.wrong_sums").get_data(as_text=True)
    problem = refused.split('id="refusal"')[1]
    assert "the solution scored 0.00/10" in problem and "No version published yet" in refused
    found = entry("course.col_sums")
    record = {"slug": found.exercise.slug, "generated": 4, "killed": 3, "survivors": [GAP]}
    write_record(
        found,
        {**record, "content_hash": found.digest, "engine": 1, "recorded_at": "2026-12-02T10:00:00+00:00"},
    )
    page = client.get("/dashboard/bank/course.col_sums").get_data(as_text=True)
    assert str(folder / "course" / "col_sums.py") in page
    assert "75%" in page and "1 gap" in page
    survivors = page.split('id="survivors"')[1]
    assert "return x.sum()" in survivors and "removed .abs()" in survivors and "seed 40595" in survivors
    assert "col_sums([-0.5, &lt;b&gt;1.0&lt;/b&gt;])" in survivors  # escaped like everything shown
    versions = page.split('id="versions"')[1]
    assert "sync: 4 cases, 2 seeds, 3 of 3 mutants caught" in versions
    (folder / "course" / "col_sums.py").write_text(found.path.read_text() + "# changed\n")
    stale = client.get("/dashboard/bank/course.col_sums").get_data(as_text=True)
    assert "changed since published" in stale and "stale" in stale
    assert client.get("/dashboard/bank/no.such").status_code == 404


@embedded_only
def test_students_may_not_see_the_bank_pages(service_settings: Settings, client: FlaskClient) -> None:
    make_user(service_settings, "amy")
    sign_in(client, "amy")
    for path in ("/dashboard/bank/", "/dashboard/bank/linalg.sum_axis"):
        assert client.get(path).status_code == 403


def test_students_see_a_course_exercise_once_it_is_published(
    bank_site: tuple[FlaskClient, Path], service_settings: Settings
) -> None:
    _, folder = bank_site
    settings = replace(service_settings, exercise_path=(folder,))
    student = create_app(settings, {"TESTING": True}).test_client()
    make_user(settings, "amy")
    sign_in(student, "amy")
    listing = student.get("/exercises").get_data(as_text=True)
    assert 'href="/exercises/course.col_sums"' in listing and '<h2 id="unit-course">course</h2>' in listing
    assert "course.wrong_sums" not in listing and "course.later_sums" not in listing
    page = student.get("/exercises/course.col_sums").get_data(as_text=True)
    assert (
        "Return the sum of each column" in page and "col_sums([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])" not in page
    )
    assert student.get("/exercises/course.later_sums").status_code == 404
    assert "not published yet" in student.get("/exercises/course.later_sums").get_data(as_text=True)
