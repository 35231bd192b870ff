"""Typical student mistakes, one module per assignment (named without its number).

Each module defines ``MISTAKES``: a list of :class:`autograder.submissions.Mistake`.
The grading tests autograde every one of them with nbgrader and check that it
loses exactly the cells it names; the demo class hands them in as students.
"""
