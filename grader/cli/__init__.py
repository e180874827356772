"""The ``grader`` command: grading and authoring commands (``grading``), service commands
(``service``) and the HTTP client of ``grader submit`` (``client``), each thin over the services."""

from __future__ import annotations

import click

from grader.cli import courses, grading, lti, service


@click.group()
def main() -> None:
    """tensor-grader: grade PyTorch exercises in a sandbox."""


grading.register(main)
service.register(main)
courses.register(main)
lti.register(main)
