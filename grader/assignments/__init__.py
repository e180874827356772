"""Assignments: exercises of a course with points, dates and a late policy; extensions. The
policy is applied when grades are read, so a date moved or an extension granted changes grades
at once."""
