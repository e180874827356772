"""Mistake groups: graded submissions short of full marks, grouped per exercise version by
what they do (their behaviour fingerprint), counted as they are recorded, and the hint course
staff write for a group."""
