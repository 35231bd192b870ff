"""Feedback reads offline (no outside host, maths as MathML) and the export covers every student and assignment."""

from __future__ import annotations

import csv
import re

import pytest
from pipeline_course import NOTEBOOK, TinyCourse, write_source

from autograder.pipeline.export import export_grades
from autograder.pipeline.feedback import external_references, generate_feedback
from autograder.pipeline.grade import grade_submissions

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Two assignments; ann and bob submit both, cat only the first, dan a file that is not JSON."""
    root = tmp_path_factory.mktemp("fb")
    t = TinyCourse(root / "course")
    write_source(t.root, "tiny2")
    t.course.generate("tiny2")
    t.submit("ann", t.full)
    t.submit("bob", t.variant(cube="return x * 3"))
    t.submit("cat", t.release)
    t.submit_raw("dan", "not a notebook")
    for student, nb in (("ann", t.full), ("bob", t.release)):
        t.course.submit("tiny2", student, nb, notebook_name=NOTEBOOK)
    run = grade_submissions(t.root, workers=2, progress=False)
    assert len(run.outcomes) == 6
    return t


def test_feedback_html_loads_nothing_from_another_host(graded):
    run = generate_feedback(graded.root, progress=False)
    assert not run.errors, run.errors
    pages = {p.relative_to(graded.root / "feedback").parts[:2] for p in run.written}
    assert pages == {("ann", "tiny"), ("bob", "tiny"), ("cat", "tiny"), ("ann", "tiny2"), ("bob", "tiny2")}
    for page in run.written + run.not_graded:
        html = page.read_text(encoding="utf-8")
        assert external_references(html) == [], f"{page} loads from another host: {external_references(html)[:3]}"
        # a plain-text check, independent of the parser above: no tag names a remote
        # src or href at all (the tiny notebook has no links either), and nothing is a script
        remote = re.findall(r"<[a-z]+\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>", html, re.I)
        assert not remote, f"{page}: {remote[:3]}"
        assert "<script" not in html.lower(), f"{page} holds a script"
    ann = (graded.root / "feedback" / "ann" / "tiny" / "tiny.html").read_text(encoding="utf-8")
    assert ann.count("<math") == 2 and "$x^2$" not in ann, "both formulas of the tiny notebook should be MathML"
    assert re.search(r"<msup><mi>x</mi><mn[^>]*>2</mn></msup>", ann), "x^2 should be a superscript"
    assert len(ann.encode()) < 200_000, f"the tiny notebook's page is {len(ann.encode())} bytes"
    assert run.formulas == 2 * 5 and run.unrendered == []
    assert "Score: 5.0 / 5.0" in ann
    [notice] = run.not_graded
    assert notice.parts[-3:-1] == ("dan", "tiny") and "not valid JSON" in notice.read_text()


def test_feedback_pages_come_back_through_any_mapper_and_release_as_nbgrader_expects(graded):
    """Pages answered out of order land at their own student's path; nbgrader's release_feedback takes them."""
    seen = []

    def backwards(fn, jobs):
        jobs = list(jobs)
        seen.extend(job.key for job in jobs)
        return (fn(job) for job in reversed(jobs))

    # what nbgrader's exchange puts beside a submission it collects, and release_feedback reads back
    (graded.course.paths.autograded("ann", "tiny") / "submission_secret.txt").write_text("ann-secret")
    run = generate_feedback(graded.root, ["tiny"], ["ann", "bob"], mapper=backwards, progress=False)
    assert not run.errors, run.errors
    assert sorted(seen) == [("ann", "tiny", "tiny"), ("bob", "tiny", "tiny")]
    feedback = graded.root / "feedback"
    assert run.written == [feedback / "ann" / "tiny" / "tiny.html", feedback / "bob" / "tiny" / "tiny.html"]
    assert "Score: 5.0 / 5.0" in run.written[0].read_text() and "Score: 2.0 / 5.0" in run.written[1].read_text()
    for name in ("timestamp.txt", "submission_secret.txt"):
        assert (feedback / "ann" / "tiny" / name).is_file(), f"nbgrader's release_feedback reads {name}"

    (graded.course.paths.root / ".exchange").mkdir(exist_ok=True)
    result = graded.course.api().release_feedback("tiny", "ann")
    assert result["success"], result.get("error") or result.get("log")
    released = list((graded.course.paths.root / ".exchange").rglob("feedback/*.html"))
    assert len(released) == 1 and released[0].read_text() == run.written[0].read_text(), released


def test_export_has_one_row_per_student_per_assignment(graded, tmp_path):
    export = export_grades(graded.root, tmp_path)

    with open(export.grades_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    pairs = sorted((r["student_id"], r["assignment"]) for r in rows)
    students, assignments = ["ann", "bob", "cat", "dan"], ["tiny", "tiny2"]
    assert pairs == sorted((s, a) for s in students for a in assignments), pairs
    score = {(r["student_id"], r["assignment"]): float(r["score"]) for r in rows}
    assert score[("ann", "tiny")] == 5.0 and score[("bob", "tiny")] == 2.0 and score[("dan", "tiny")] == 0.0
    assert score[("cat", "tiny2")] == 0.0, "a missing submission counts 0 in nbgrader's export"

    tiny = next(a for a in export.assignments if a.assignment == "tiny")
    assert (tiny.submissions, tiny.max_score, tiny.mean, tiny.median) == (4, 5.0, 7 / 4, 1.0)
    rates = {(e.assignment, e.grade_id): (e.passed, e.submissions) for e in export.exercises}
    assert rates == {
        ("tiny", "square_test"): (2, 4),
        ("tiny", "cube_test"): (1, 4),
        ("tiny2", "square_test"): (1, 2),
        ("tiny2", "cube_test"): (1, 2),
    }
    assert [e.grade_id for e in export.exercises if e.assignment == "tiny"] == ["square_test", "cube_test"]
    assert export.histogram.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with open(export.pass_rates_csv, newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 4
