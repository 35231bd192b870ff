"""The five kinds of grading tests, for every assignment in source/.

For each assignment, in a temporary course folder, nbgrader generates the
release and autogrades these submissions:

1. the source notebook's solutions filled into the release: full marks;
2. the untouched release: 0 automatic points, and the run completes;
3. each typical mistake in ``autograder.assignments.<name>.mistakes``: loses
   exactly the points of the cells derived from the source notebook
   (``submissions.losses``) and keeps the rest;
4. the hard-coded answers: pass the visible checks, lose the hidden points;
5. the source notebook runs top to bottom in a plain kernel without writing
   to stderr (its time is printed; speed is the benchmark's business).

Submissions are graded the way ``python -m autograder grade`` grades them:
in sandboxed kernels, each test cell scoring the verdict computed outside.
"""

from __future__ import annotations

import time

import nbformat
import pytest
from nbclient import NotebookClient
from notebook_claims import claim_errors, figure_width_errors, live_notebook

from autograder.assignments.dependencies import CellGraph
from autograder.assignments.submissions import apply_mistake, full_solution, graded_test_ids, losses, mistakes_for
from autograder.course import SOURCE_DIR, Course, available_assignments, notebook_path
from autograder.course.records import GRADED
from autograder.pipeline.grade import grade_submissions

pytestmark = pytest.mark.slow

ASSIGNMENTS = available_assignments()


class GradedAssignment:
    """One assignment generated and autograded for every test submission."""

    def __init__(self, assignment: str, root):
        self.assignment = assignment
        self.course = Course(root)
        self.course.add_source(assignment)
        release_dir = self.course.generate(assignment)
        self.release_path = notebook_path(assignment, release_dir.parent)
        self.notebook_name = self.release_path.name
        self.release = nbformat.read(str(self.release_path), as_version=4)
        self.source = nbformat.read(str(notebook_path(assignment)), as_version=4)
        self.points = graded_test_ids(self.source)
        self.full = full_solution(self.release, self.source)
        self.mistakes = {m.name: m for m in mistakes_for(assignment)}
        graph = CellGraph.from_notebook(self.source)
        self.loses = {name: losses(m, graph) for name, m in self.mistakes.items()}
        self.submissions = {"full": self.full, "blank": self.release}
        for name, mistake in self.mistakes.items():
            self.submissions[name] = apply_mistake(self.full, mistake)
        for student, nb in self.submissions.items():
            self.course.submit(assignment, student, nb, notebook_name=self.notebook_name)
        run = grade_submissions(root, [assignment], workers=2, progress=False)
        self.results = {o.job.student: o for o in run.outcomes}

    def scores(self, student):
        return self.course.scores(self.assignment, student)


_graded: dict[str, GradedAssignment] = {}


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    def get(assignment: str) -> GradedAssignment:
        if assignment not in _graded:
            root = tmp_path_factory.mktemp(f"course_{assignment}")
            _graded[assignment] = GradedAssignment(assignment, root)
        return _graded[assignment]

    return get


def _describe(scores) -> str:
    return ", ".join(f"{k}={v.score:g}/{v.max_score:g}" for k, v in sorted(scores.items()))


def mistake_cases():
    for assignment in ASSIGNMENTS:
        for mistake in mistakes_for(assignment):
            yield pytest.param(assignment, mistake.name, id=f"{assignment}-{mistake.name}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_full_solution_gets_full_marks(graded, assignment):
    g = graded(assignment)
    assert g.results["full"].status == GRADED, g.results["full"].reason
    scores = g.scores("full")
    assert set(scores) == set(g.points), f"graded cells in gradebook {sorted(scores)} != notebook {sorted(g.points)}"
    lost = {k: v for k, v in scores.items() if v.score != v.max_score}
    assert not lost, f"the full solution lost points in: {_describe(lost)}"
    assert sum(g.points.values()) > 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_scores_zero(graded, assignment):
    g = graded(assignment)
    assert g.results["blank"].status == GRADED, g.results["blank"].reason
    scores = g.scores("blank")
    assert set(scores) == set(g.points), "the blank submission has no gradebook row for every graded cell"
    earned = {k: v for k, v in scores.items() if v.score != 0}
    assert not earned, f"the untouched release earned points in: {_describe(earned)}"


@pytest.mark.parametrize("assignment,mistake", list(mistake_cases()))
def test_typical_mistake_loses_exactly_its_cells(graded, assignment, mistake):
    g = graded(assignment)
    m = g.mistakes[mistake]
    loses = g.loses[mistake]
    assert g.results[mistake].status == GRADED, g.results[mistake].reason
    assert loses <= set(g.points), f"{mistake} names unknown test cells {sorted(loses - set(g.points))}"
    scores = g.scores(mistake)
    wrongly_kept = sorted(k for k in loses if scores[k].score != 0)
    wrongly_lost = sorted(k for k in g.points if k not in loses and scores[k].score != scores[k].max_score)
    assert not wrongly_kept, f"{m.description}: these cells should score 0 but did not: {wrongly_kept}"
    assert not wrongly_lost, f"{m.description}: these cells should keep their points but lost them: {wrongly_lost}"


def _visible_failures(nb, grade_ids):
    """grade_ids of test cells that raised when the student's own notebook ran."""
    failed = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") in grade_ids:
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                failed.append(meta["grade_id"])
    return failed


def hardcoded_cases():
    for assignment in ASSIGNMENTS:
        for mistake in mistakes_for(assignment):
            if mistake.visible_passes:
                yield pytest.param(assignment, mistake.name, id=f"{assignment}-{mistake.name}")


@pytest.mark.parametrize("assignment,mistake", list(hardcoded_cases()))
def test_hardcoded_answers_pass_visible_checks_only(graded, assignment, mistake):
    g = graded(assignment)
    nb = g.submissions[mistake]
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(g.release_path.parent)}},
    ).execute()
    loses = g.loses[mistake]
    failed = _visible_failures(nb, loses)
    assert not failed, f"hard-coded answers should pass the visible checks, but these failed: {failed}"
    scores = g.scores(mistake)
    kept = sorted(k for k in loses if scores[k].score != 0)
    assert not kept, f"hard-coded answers kept hidden-test points in {kept}"


def test_every_assignment_has_a_hardcoded_case():
    missing = [a for a in ASSIGNMENTS if not any(m.visible_passes for m in mistakes_for(a))]
    assert not missing, f"assignments without a hard-coded-answers submission: {missing}"


def test_every_assignment_has_four_typical_mistakes():
    few = {a: len([m for m in mistakes_for(a) if not m.visible_passes]) for a in ASSIGNMENTS}
    assert all(n >= 4 for n in few.values()), f"typical mistakes per assignment: {few}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_runs_top_to_bottom_without_stderr(assignment, monkeypatch):
    """And the numbers its prose quotes are the ones it computes, and its figures fit the page."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel draws inline, as for a learner
    path = notebook_path(assignment, SOURCE_DIR)
    name = path.relative_to(SOURCE_DIR.parent).as_posix()
    nb = nbformat.read(str(path), as_version=4)
    start = time.perf_counter()
    with live_notebook(nb, cwd=path.parent, timeout=300) as evaluate:
        wrong_numbers = claim_errors(nb, evaluate, name=name)
    print(f"{assignment} ran top to bottom in {time.perf_counter() - start:.1f} s")
    assert not wrong_numbers, "the prose quotes numbers the notebook does not compute:\n" + "\n".join(wrong_numbers)
    too_wide = figure_width_errors(nb, name=name)
    assert not too_wide, "\n".join(too_wide)
    stderr = [
        (i, "".join(o.get("text", "")))
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    ]
    assert not stderr, f"cells wrote to stderr (nbgrader would score such a test cell 0): {stderr[:3]}"
