"""The Flask application: the REST API under /api/v1 and /healthz."""
