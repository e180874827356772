"""Course pages as students see them, and who may see what, over Flask's test client: a
student's courses and assignments with their own dates in the course's time zone, relative
status and credited points; the exercise page opened from an assignment, which submits to it;
403 for students on staff pages, 404 for members of other courses."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from grader.assignments.models import Assignment
from grader.courses import roster
from grader.courses import service as courses
from grader.db import unit_of_work
from grader.settings import Settings
from grader.submissions.models import Submission
from tests.web.conftest import embedded_only, page_token, sign_in
from tests.web.course_setup import CODE, DOT, SUM, Course, build_course, extend, submit_graded


@pytest.fixture
def made(service_settings: Settings) -> Course:
    return build_course(service_settings)


def html(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def card(page: str, assignment: int) -> str:
    """One assignment's card of a student's course page."""
    found = re.search(
        rf'<section class="card assignment-card[^"]*" id="assignment-{assignment}".*?</section>', page, re.S
    )
    assert found, f"no card of assignment {assignment}"
    return found.group(0)


def credited(part: str, slug: str) -> str:
    """The credited points shown for an exercise ("5 / 10")."""
    found = re.search(
        rf'<tr data-slug="{re.escape(slug)}">.*?<span class="score">([^<]*)</span> / ([^\s<]*)', part, re.S
    )
    assert found, slug
    return f"{found.group(1)} / {found.group(2)}"


@embedded_only
def test_the_course_list_shows_each_readers_courses_and_role(made: Course, client: FlaskClient) -> None:
    for name, expected in [("amy", ["dl101 student"]), ("tia", ["dl101 TA"]), ("zed", ["ml201 student"])]:
        sign_in(client, name)
        page = html(client.get("/courses/"))
        items = re.findall(r'data-code="([^"]+)">.*?class="badge role-\w+">([^<]+)<', page, re.S)
        assert [f"{code} {role}" for code, role in items] == expected, name
        assert 'href="/courses/">Courses</a>' in page  # the header's link
        assert 'id="new-course"' not in page  # only global instructors create courses
        client.post("/logout", data={"csrf_token": page_token(client, "/courses/")})
    sign_in(client, "prof")
    page = html(client.get("/courses/"))
    assert 'id="new-course"' in page and 'data-code="ml201"' not in page


def test_a_students_course_page_has_their_dates_status_and_credited_points(
    service_settings: Settings, made: Course, client: FlaskClient
) -> None:
    submit_graded(service_settings, "amy", made.late, 10)  # full marks, in the 50% window
    submit_graded(service_settings, "amy", made.late, 4, DOT)  # 4/10 of 5 points, at 50%
    sign_in(client, "amy")
    page = html(client.get("/courses/dl101"))
    assert "Dates are shown in the course&#39;s time zone, Asia/Shanghai." in page
    week1 = card(page, made.late)
    assert "phase-late" in week1 and re.search(r"late: 50% credit until \w{3} \d\d:\d\d", week1)
    assert credited(week1, SUM) == "5 / 10" and credited(week1, DOT) == "1 / 5"
    assert week1.count('class="badge late"') == 2
    assert '<strong class="score">6</strong> / 15' in week1
    assert f'href="/exercises/{SUM}?assignment={made.late}"' in week1
    # Dates on the course's clock (UTC+8), the zone named, the exact moment in the tag.
    due = re.search(
        r'<time datetime="([^"]+)" class="course-time"><span>\w{3} ([\d-]+)</span> <span>([\d:]+)</span> '
        r'<span class="zone">Asia/Shanghai</span></time>',
        week1,
    )
    assert due is not None
    assert "data-local" not in week1  # time.js leaves the course's dates alone
    week2 = card(page, made.later)
    assert "phase-not_open" in week2 and re.search(r"opens \w{3} \d\d:\d\d \(in (23|24) h\)", week2)
    assert credited(week2, SUM) == "– / 10"
    assert "closed — practice" in card(page, made.closed)

    extend(service_settings, made.late, "amy", 48)  # her own due date: the work is on time now
    page = html(client.get("/courses/dl101"))
    week1 = card(page, made.late)
    assert "your extension" in week1 and "phase-open" in week1 and re.search(r"due in 4[78] h", week1)
    assert credited(week1, SUM) == "10 / 10" and 'class="badge late"' not in week1
    assert '<strong class="score">12</strong> / 15' in week1

    alone = html(client.get(f"/courses/dl101/assignments/{made.late}"))
    assert "your extension" in alone and credited(alone, SUM) == "10 / 10"
    assert alone.count('<g class="band') == 3 and "Credit timeline" in alone


@embedded_only
def test_the_course_pages_in_chinese(service_settings: Settings, made: Course, client: FlaskClient) -> None:
    sign_in(client, "amy")
    client.post("/language", data={"lang": "zh", "csrf_token": page_token(client, "/courses/")})
    page = html(client.get("/courses/dl101"))
    assert "日期按课程所在时区（Asia/Shanghai）显示。" in page
    assert re.search(r"逾期：周. \d\d:\d\d 前提交按 50% 计分", page)
    assert re.search(r"周. \d\d:\d\d 开放（2[34] 小时后）", page) and "已截止——仅供练习" in page
    assert "Due" not in page and "截止时间" in page
    exercise = html(client.get(f"/exercises/{SUM}?assignment={made.late}"))
    assert "现在提交按 50% 计分" in exercise and "所属作业" in exercise


@embedded_only
def test_the_exercise_page_of_an_assignment_says_which_when_and_the_credit_now(
    service_settings: Settings, made: Course, client: FlaskClient
) -> None:
    sign_in(client, "amy")
    page = html(client.get(f"/exercises/{SUM}?assignment={made.late}"))
    banner = page.split('id="assignment-banner"')[1].split("</section>")[0]
    assert "Week 1" in banner and "dl101" in banner and "Asia/Shanghai" in banner
    assert "A submission now earns 50% credit (late)" in banner
    assert f'<input type="hidden" name="assignment" value="{made.late}">' in page
    assert f'href="/courses/dl101/assignments/{made.late}">Week 1</a>' in page  # the crumbs

    token = page_token(client, f"/exercises/{SUM}?assignment={made.late}")
    sent = client.post(
        f"/exercises/{SUM}/submit",
        data={"code": CODE, "csrf_token": token, "assignment": str(made.late)},
        headers={"Accept": "application/json"},
    )
    assert sent.status_code == 202, html(sent)
    with unit_of_work(service_settings.database_url) as session:
        assert session.get(Submission, sent.get_json()["id"]).assignment_id == made.late  # type: ignore[union-attr]

    early = html(client.get(f"/exercises/{SUM}?assignment={made.later}"))
    assert 'data-phase="not_open"' in early and "is not open yet" in early
    assert f'href="/exercises/{SUM}">Practise outside the assignment' in early
    refused = client.post(
        f"/exercises/{SUM}/submit",
        data={"code": CODE, "csrf_token": token, "assignment": str(made.later)},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 403 and "opens at" in refused.get_json()["error"]["message"]
    without_script = client.post(
        f"/exercises/{SUM}/submit", data={"code": CODE, "csrf_token": token, "assignment": str(made.later)}
    )
    assert without_script.status_code == 403 and "(Asia/Shanghai)" in html(without_script)
    closed = html(client.get(f"/exercises/{SUM}?assignment={made.closed}"))
    assert "graded with full feedback for practice, at 0% credit" in closed

    for query, status in [
        ("?assignment=one", 422),
        (f"?assignment={made.other}", 404),  # another course's
        ("?assignment=999999", 404),
    ]:
        assert client.get(f"/exercises/{SUM}{query}").status_code == status, query
    assert client.get(f"/exercises/linalg.matmul?assignment={made.late}").status_code == 404  # not in it
    bad = client.post(
        f"/exercises/{SUM}/submit",
        data={"code": CODE, "csrf_token": token, "assignment": "x1"},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "assignment"


def _staff_pages(made: Course) -> list[str]:
    base = f"/courses/dl101/assignments/{made.late}"
    return [
        "/courses/dl101/roster",
        "/courses/dl101/assignments/new",
        f"{base}/edit",
        f"{base}/grades",
        f"{base}/grades.csv",
        f"{base}/help",
        f"{base}/extensions",
    ]


def _staff_posts(made: Course) -> list[str]:
    base = f"/courses/dl101/assignments/{made.late}"
    return [
        "/courses/dl101/roster",
        "/courses/dl101/roster/add",
        "/courses/dl101/roster/ben/drop",
        "/courses/dl101/roster/links.csv",
        "/courses/dl101/assignments/new",
        "/courses/dl101/assignments/new/preview",
        f"{base}/edit",
        f"{base}/edit/preview",
        f"{base}/extensions",
        f"{base}/extensions/upload",
        f"{base}/extensions/amy/remove",
    ]


@embedded_only
def test_students_get_403_on_staff_pages_and_other_courses_404(made: Course, client: FlaskClient) -> None:
    sign_in(client, "amy")
    for path in _staff_pages(made):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Something went wrong" in html(response)
    token = page_token(client, "/courses/")
    for path in _staff_posts(made):
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path
    client.post("/logout", data={"csrf_token": token})

    for outsider in ("zed", "rival"):  # a student and the instructor of another course
        sign_in(client, outsider)
        paths = ["/courses/dl101", f"/courses/dl101/assignments/{made.late}", *_staff_pages(made)]
        for path in paths:
            assert client.get(path).status_code == 404, (outsider, path)
        token = page_token(client, "/courses/")
        for path in _staff_posts(made):
            assert client.post(path, data={"csrf_token": token}).status_code == 404, (outsider, path)
        client.post("/logout", data={"csrf_token": token})

    sign_in(client, "rival")  # an assignment of dl101 through ml201's address is not there either
    assert client.get(f"/courses/ml201/assignments/{made.late}").status_code == 404
    assert client.get(f"/courses/ml201/assignments/{made.other}").status_code == 200
    assert client.get(f"/courses/dl101/assignments/{made.other}").status_code == 404


@embedded_only
def test_a_ta_who_is_a_global_student_reads_the_staff_pages_and_grants_extensions(
    made: Course, client: FlaskClient
) -> None:
    sign_in(client, "tia")
    course = html(client.get("/courses/dl101"))
    assert 'id="assignments"' in course and 'id="new-assignment"' not in course
    assert f"/courses/dl101/assignments/{made.late}/edit" not in course
    roster = client.get("/courses/dl101/roster")
    assert roster.status_code == 200 and 'id="read-only"' in html(roster)
    assert 'id="upload"' not in html(roster) and "/drop" not in html(roster)
    for path in _staff_pages(made)[3:]:
        assert client.get(path).status_code == 200, path
    for path in ["/courses/dl101/assignments/new", f"/courses/dl101/assignments/{made.late}/edit"]:
        assert client.get(path).status_code == 403, path
    token = page_token(client, "/courses/")
    assert client.post("/courses/dl101/roster/add", data={"csrf_token": token}).status_code == 403
    granted = client.post(
        f"/courses/dl101/assignments/{made.late}/extensions",
        data={"csrf_token": token, "username": "amy", "due_at": "2099-01-01T18:00"},
    )
    assert granted.status_code == 302
    listed = html(client.get(granted.headers["Location"]))
    assert 'data-username="amy"' in listed and "2099-01-01" in listed


@embedded_only
def test_what_people_wrote_is_shown_as_text(
    service_settings: Settings, made: Course, client: FlaskClient
) -> None:
    hostile = "<script>alert(1)</script>"
    with unit_of_work(service_settings.database_url) as session:
        course = courses.find_course(session, "dl101")
        course.title = f"DL {hostile}"
        roster.enroll_one(session, course, "amy", name=f"Amy {hostile}", email="amy@example.org")
        session.get(Assignment, made.late).title = f"Week {hostile}"  # type: ignore[union-attr]
    for who, paths in [
        (
            "amy",
            [
                "/courses/",
                "/courses/dl101",
                f"/courses/dl101/assignments/{made.late}",
                f"/exercises/{SUM}?assignment={made.late}",
            ],
        ),
        (
            "prof",
            [
                "/courses/dl101",
                "/courses/dl101/roster",
                f"/courses/dl101/assignments/{made.late}/grades",
                f"/courses/dl101/assignments/{made.late}/help",
                f"/courses/dl101/assignments/{made.late}/edit",
            ],
        ),
    ]:
        sign_in(client, who)
        for path in paths:
            page = html(client.get(path))
            assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page, (who, path)
        client.post("/logout", data={"csrf_token": page_token(client, "/courses/")})
