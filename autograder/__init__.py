"""Instructor side of the course: reference implementation, hidden checks, command line."""
