"""A group's counts follow what is recorded, as a worker records it: one more submission and
student as gradings join, and a regrade moves its submission to its new group (or out of every
group, at full marks), on both backends."""

from __future__ import annotations

from sqlalchemy import select

from grader.accounts.models import Role
from grader.db import unit_of_work
from grader.grading.fingerprint import Behaviour
from grader.mistakes.models import MistakeEntry, MistakeGroup, MistakeMember
from grader.settings import Settings
from grader.submissions import lifecycle, regrade
from tests.service.conftest import make_user
from tests.service.test_regrade import report, submit, user_id

RAISES, TRANSPOSED = "a" * 32, "b" * 32


def _record(settings: Settings, submission_id: int, digest: str | None) -> None:
    """Claim and record a grading whose behaviour is ``digest`` (None: full marks)."""
    with unit_of_work(settings.database_url) as session:
        job = lifecycle.claim(session, submission_id, worker="test:1")
    assert job is not None
    graded = report(10.0 if digest is None else 4.0, cases=2)
    if digest is not None:
        graded.behaviour = Behaviour(digest, {"output": digest[:4]})
        graded.mutants_matched = ["transposed"] if digest == TRANSPOSED else []
    with unit_of_work(settings.database_url) as session:
        assert lifecycle.record_report(session, job, graded, 1.0)


def _groups(settings: Settings) -> dict[str, tuple[int, int, str | None]]:
    """fingerprint → (submissions, students, mutant)."""
    with unit_of_work(settings.database_url) as session:
        return {
            g.fingerprint: (g.submissions, g.students, g.mutant)
            for g in session.scalars(select(MistakeGroup))
        }


def test_counts_follow_gradings_and_regrades(service_settings: Settings) -> None:
    for name in ("amy", "ben"):
        make_user(service_settings, name)
    make_user(service_settings, "teacher", Role.instructor)
    amy = [submit(service_settings, "amy") for _ in range(2)]
    ben = submit(service_settings, "ben")
    _record(service_settings, amy[0], RAISES)
    _record(service_settings, amy[1], RAISES)
    _record(service_settings, ben, TRANSPOSED)
    assert _groups(service_settings) == {RAISES: (2, 1, None), TRANSPOSED: (1, 1, "transposed")}

    teacher = user_id(service_settings, "teacher")
    for submission_id, digest in ((amy[0], TRANSPOSED), (amy[1], None)):
        with unit_of_work(service_settings.database_url) as session:
            assert regrade.request_submission(session, submission_id, teacher).enqueue
        _record(service_settings, submission_id, digest)
    # amy's first moved to the transposed group, her second reached full marks: she left RAISES.
    assert _groups(service_settings) == {RAISES: (0, 0, None), TRANSPOSED: (2, 2, "transposed")}
    with unit_of_work(service_settings.database_url) as session:
        entries = {e.submission_id: e.group_id for e in session.scalars(select(MistakeEntry))}
        members = session.scalars(select(MistakeMember)).all()
    assert set(entries) == {amy[0], ben} and len(set(entries.values())) == 1
    assert sorted(m.submissions for m in members) == [1, 1]
