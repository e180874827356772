"""The entry point of a worker process for Celery's command line (``celery -A worker.main``):
the one place where a worker reads its settings from the environment and builds its app."""

from __future__ import annotations

from grader.settings import Settings
from worker.celery_app import create_worker

app = create_worker(Settings())
