"""The service's deployments for the command line's tests that need a database."""

from tests.service.conftest import service_settings  # noqa: F401
