"""Courses: a course, its roster (enrollments with a role in the course), roster imports."""
