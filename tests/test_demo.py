"""``make demo`` on its first assignment: every submission of the made-up class gets the score it was built to get.

The first assignment's class is the one with the late, malformed and hostile
students, so this runs the demo's every kind of submission through the whole
pipeline (build, grade in the sandbox, feedback, export). Then nbgrader's
formgrader, started in the demo folder as the README says, finds the class:
no missing exchange, the assignment's maximum points, and every score the
demo printed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

# What nbgrader's formgrader reads when JupyterLab starts in the working folder (its handlers' NbGraderAPI).
FORMGRADER_VIEW = r"""
import json
from nbgrader.apps import NbGrader
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

app = NbGrader()
app.load_config_file()
api = NbGraderAPI(CourseDirectory(config=app.config), config=app.config)
print(json.dumps({
    "exchange_missing": api.exchange_missing,
    "max_scores": {a["name"]: a["max_score"] for a in api.get_assignments()},
    "scores": {s["student"]: [s["score"], s["max_score"]] for s in api.get_submissions("01_numpy_basics")},
}))
"""


def test_the_demo_class_of_assignment_1_grades_as_built(demo_a01):
    root, result, table = demo_a01
    assert result["students"] >= 20, table
    assert result["unexpected"] == 0, table
    for kind in ("hostile-1", "kernel-killer", "not-json", "late"):
        assert f"a01-{kind}" in table, f"the demo class has no a01-{kind} student:\n{table}"
    assert (root / "grades.csv").exists()

    view = subprocess.run(
        [sys.executable, "-c", FORMGRADER_VIEW], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert view.returncode == 0, view.stderr
    seen = json.loads(view.stdout.strip().splitlines()[-1])
    assert seen["exchange_missing"] is False, seen
    assert seen["max_scores"] == {"01_numpy_basics": 14.0}, seen
    printed_scores = dict(re.findall(r"^(a01-\S+)\s+01_numpy_basics\s+(\S+/\S+)", table, flags=re.M))
    assert printed_scores, table
    # The two files that are not notebooks have no notebook in nbgrader's gradebook, so its formgrader
    # puts them at 0 / 0 where the demo prints 0 / 14; their points (0) still agree.
    unreadable = {"a01-not-json", "a01-truncated"}
    shown = {
        student: f"{score:g}/{top:g}" if student not in unreadable else f"{score:g}"
        for student, (score, top) in seen["scores"].items()
    }
    expected = {s: v if s not in unreadable else v.split("/")[0] for s, v in printed_scores.items()}
    assert shown == expected, f"the formgrader shows {shown}, the demo printed {printed_scores}"
