"""One transaction per request (the pattern of Flask's tutorial ``flaskr/db.py``).

``get_db()`` opens the request's session on first use. When the view has answered, the session
commits if the answer is a success (below 400) and rolls back otherwise, so a refused request
leaves nothing behind; the commit happens before the answer leaves, so a commit that fails is an
error answer, never a write the client was told happened. What waits for the commit (tasks to
send: ``grader.db.after_commit``) runs then. Teardown closes the session whatever happened.
"""

from __future__ import annotations

import contextlib

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session

from grader.db import commit, open_session, rollback


def get_db() -> Session:
    """This request's session."""
    if "db" not in g:
        g.db = open_session(current_app.config["GRADER_SETTINGS"].database_url)
    session: Session = g.db
    return session


def _finish(response: Response) -> Response:
    """Commit the request's work after a success, roll it back after a refusal or an error."""
    session: Session | None = g.get("db")
    if session is None:
        return response
    if response.status_code >= 400:
        _quiet_rollback(session)
        return response
    try:
        commit(session)
    except Exception as exc:  # the answer becomes the error's (a 503 while the database is away)
        _quiet_rollback(session)
        return current_app.make_response(current_app.handle_user_exception(exc))
    return response


def _close(_error: BaseException | None) -> None:
    session: Session | None = g.pop("db", None)
    if session is not None:
        _quiet_rollback(session)  # nothing left to roll back after a commit; after an error, all
        session.close()


def _quiet_rollback(session: Session) -> None:
    with contextlib.suppress(Exception):  # a connection that died cannot roll back; it is dropped
        rollback(session)


def init_app(app: Flask) -> None:
    """Register the commit after each answer and the close at teardown."""
    app.after_request(_finish)
    app.teardown_request(_close)
