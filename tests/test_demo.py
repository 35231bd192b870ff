"""``make demo`` on its first assignment: every submission of the made-up class gets the score it was built to get.

The first assignment's class is the one with the late, malformed and hostile
students, so this runs the demo's every kind of submission through the whole
pipeline (build, grade in the sandbox, feedback, export).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_the_demo_class_of_assignment_1_grades_as_built(demo_a01):
    root, result, table = demo_a01
    assert result["students"] >= 20, table
    assert result["unexpected"] == 0, table
    for kind in ("hostile-1", "kernel-killer", "not-json", "late"):
        assert f"a01-{kind}" in table, f"the demo class has no a01-{kind} student:\n{table}"
    assert (root / "grades.csv").exists()
