"""The grading fleet as the database sees it: worker heartbeats and named leases."""
