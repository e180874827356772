"""The read side: the dashboard's overview, gradebooks, a student's progress, statistics, faults."""
