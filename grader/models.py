"""Every table of the service, registered on the one ``Base``: importing this module loads each
domain's models (Alembic's environment and the schema check need them all). Code imports a
model from its domain (``grader.submissions.models``, ...), not from here."""

from __future__ import annotations

from grader.accounts import models as accounts
from grader.assignments import models as assignments
from grader.bank import models as bank
from grader.courses import models as courses
from grader.db import Base
from grader.fleet import models as fleet
from grader.lti import models as lti
from grader.mistakes import models as mistakes
from grader.submissions import models as submissions
from grader.submissions import tally_models as tallies

__all__ = [
    "Base",
    "accounts",
    "assignments",
    "bank",
    "courses",
    "fleet",
    "lti",
    "mistakes",
    "submissions",
    "tallies",
]
