"""Submissions: intake, the grading lifecycle (claim, record, faults), regrades, webhooks, the
sweep, and what people see of them."""
