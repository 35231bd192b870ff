"""``make demo`` on its first assignment: every submission of the made-up class gets the score it was built to get.

The first assignment's class is the one with the late, malformed and hostile
students, so this runs the demo's every kind of submission through the whole
pipeline (build, grade in the sandbox, feedback, export).
"""

from __future__ import annotations

import pytest

from autograder.pipeline.demo import run_demo

pytestmark = pytest.mark.slow


def test_the_demo_class_of_assignment_1_grades_as_built(tmp_path):
    printed = []
    result = run_demo(tmp_path / "demo", ["01_numpy_basics"], progress=False, out=printed.append)
    table = "\n".join(str(line) for line in printed)
    assert result["students"] >= 20, table
    assert result["unexpected"] == 0, table
    for kind in ("hostile-1", "kernel-killer", "not-json", "late"):
        assert f"a01-{kind}" in table, f"the demo class has no a01-{kind} student:\n{table}"
    assert (tmp_path / "demo" / "grades.csv").exists()
