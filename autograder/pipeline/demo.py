"""The whole instructor pipeline on a made-up class: ``make demo``.

1. build: nbgrader generates each assignment's release in a demo course
   folder (``demo/`` at the project root, ignored by git), after the source
   metadata checks; the committed ``release/`` is compared, never written;
2. a class is made from the release notebooks: per assignment, a student who
   solved everything, one who handed in the blank notebook, and one per
   typical mistake in ``autograder.assignments.<name>.mistakes`` (student id
   ``a02-<mistake name>``); for the first assignment also a late submission
   (after the due date set in the demo gradebook) and malformed ones: not
   JSON, truncated JSON, graded cells deleted, and a cell that kills its
   kernel; and hostile students (``a01-hostile-N``), each trying one of the
   attacks of :mod:`autograder.assignments.hostile`;
3. every submission is autograded in parallel, each in its sandbox;
4. nbgrader's feedback (maths as MathML) and ``grades.csv`` are written;
5. the per-student score table and the per-exercise pass rates are printed,
   with whether each score is the one the submission was built to get.

The demo folder holds its own ``nbgrader_config.py`` and exchange, so nbgrader's
formgrader started there (``cd demo && ../.venv/bin/jupyter lab``) shows the
class, its maximum points and the scores printed here.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.course import PROJECT_ROOT, RELEASE_DIR, SOURCE_DIR, Course, CourseError, available_assignments
from autograder.pipeline.export import format_table

DEMO_DIR = PROJECT_ROOT / "demo"
DUE = dt.datetime(2030, 1, 15, 23, 59, tzinfo=dt.UTC)
ON_TIME = DUE - dt.timedelta(days=1)
LATE = DUE + dt.timedelta(days=2, hours=3)


@dataclass
class DemoStudent:
    """One submission of the demo class and the score it was built to get."""

    student: str
    assignment: str
    kind: str  # full, blank, mistake, late, malformed, hostile
    description: str
    expect_zero: frozenset = frozenset()  # grade_ids that must score 0 (None: all must)
    expect_all_zero: bool = False
    check: bool = True  # False when the outcome cannot be predicted cell by cell


def _short(assignment: str) -> str:
    return "a" + assignment.split("_", 1)[0]


def _graded_ids(nb) -> list[str]:
    from autograder.assignments.submissions import graded_test_ids

    return list(graded_test_ids(nb))


def make_class(course: Course, assignments: list[str], notes: list[str]) -> list[DemoStudent]:
    """Write every demo submission into ``course``'s submitted/ tree."""
    from autograder.assignments.dependencies import CellGraph
    from autograder.assignments.submissions import apply_mistake, full_solution, losses, mistakes_for

    students: list[DemoStudent] = []
    for index, assignment in enumerate(assignments):
        release_path = next(course.paths.release(assignment).glob("*.ipynb"))
        source_path = course.paths.source_notebooks(assignment)[0]
        release = nbformat.read(str(release_path), as_version=4)
        source = nbformat.read(str(source_path), as_version=4)
        name = release_path.name
        full = full_solution(release, source)
        short = _short(assignment)
        graded = _graded_ids(source)

        def submit(student, nb, kind, description, stamp=ON_TIME, **expect):
            course.submit(assignment, student, nb, notebook_name=name, timestamp=stamp)
            students.append(DemoStudent(student, assignment, kind, description, **expect))

        submit(f"{short}-full", full, "full", "every exercise solved")
        submit(f"{short}-blank", release, "blank", "the release handed in untouched", expect_all_zero=True)
        try:
            mistakes = mistakes_for(assignment)
        except (LookupError, ImportError, AttributeError):
            mistakes = []
            notes.append(f"{assignment}: no typical mistakes recorded")
        graph = CellGraph.from_notebook(source)
        for mistake in mistakes:
            try:
                nb = apply_mistake(full, mistake)
                expect_zero = losses(mistake, graph)
            except (KeyError, ValueError) as exc:
                notes.append(f"{assignment}: mistake {mistake.name} no longer applies ({exc})")
                continue
            submit(f"{short}-{mistake.name}", nb, "mistake", mistake.description, expect_zero=expect_zero)
        if index == 0:
            submit(f"{short}-late", full, "late", "every exercise solved, handed in after the due date", stamp=LATE)
            students.extend(_malformed(course, assignment, name, full, graded, short))
            students.extend(_hostile(course, assignment, name, full, release, short))
    return students


def _malformed(course: Course, assignment: str, name: str, full, graded: list[str], short: str):
    """The broken submissions: not JSON, truncated JSON, deleted cells, a kernel killer."""
    out = []

    def raw(student, text, description):
        target = course.paths.submitted(student, assignment)
        target.mkdir(parents=True, exist_ok=True)
        (target / name).write_text(text)
        (target / "timestamp.txt").write_text(ON_TIME.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
        out.append(DemoStudent(student, assignment, "malformed", description, expect_all_zero=True))

    raw(
        f"{short}-not-json",
        "print('this was saved as a script, not a notebook')\n",
        "a Python script renamed to .ipynb",
    )
    text = nbformat.writes(full)
    raw(f"{short}-truncated", text[: len(text) // 2], "the notebook file cut off half way")

    deleted = copy.deepcopy(full)
    gone = set(graded[-2:])
    deleted.cells = [c for c in deleted.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") not in gone]
    course.submit(assignment, f"{short}-cells-deleted", deleted, notebook_name=name, timestamp=ON_TIME)
    out.append(
        DemoStudent(
            f"{short}-cells-deleted",
            assignment,
            "malformed",
            "the last two test cells deleted",
            expect_zero=frozenset(gone),
        )
    )

    killer = copy.deepcopy(full)
    code_cells = [
        c
        for c in killer.cells
        if c.cell_type == "code" and c.get("metadata", {}).get("nbgrader", {}).get("grade_id") in graded
    ]
    victim = code_cells[len(code_cells) // 2]
    killer.cells.insert(killer.cells.index(victim), nbformat.v4.new_code_cell("import os\nos.kill(os.getpid(), 9)"))
    course.submit(assignment, f"{short}-kernel-killer", killer, notebook_name=name, timestamp=ON_TIME)
    out.append(
        DemoStudent(
            f"{short}-kernel-killer",
            assignment,
            "malformed",
            "a cell kills its own kernel half way: a fresh kernel reruns the earlier cells, nothing is lost",
        )
    )
    return out


# A few of the attacks of autograder.assignments.hostile, handed in by the demo class.
DEMO_ATTACKS = (
    "import the reference",
    "rebind numpy's comparison functions",
    "AST transformer wrapping every cell in try/except",
    "write to the gradebook",
    "kill the grader",
)


def _hostile(course: Course, assignment: str, name: str, full, blank, short: str):
    """Hostile students: each attack added to the blank notebook (must score 0) or the full solution (all)."""
    from autograder.assignments.hostile import ATTACKS, BLANK, attack_notebook

    out = []
    for number, attack in enumerate(a for a in ATTACKS if a.name in DEMO_ATTACKS):
        student = f"{short}-hostile-{number + 1}"
        nb = attack_notebook(attack, blank, full, course=course.root, project=PROJECT_ROOT)
        course.submit(assignment, student, nb, notebook_name=name, timestamp=ON_TIME)
        base = "the blank notebook" if attack.base == BLANK else "a full solution"
        out.append(
            DemoStudent(
                student, assignment, "hostile", f"{attack.name}, in {base}", expect_all_zero=attack.base == BLANK
            )
        )
    return out


def _set_due_dates(course: Course, assignments: list[str]) -> None:
    for assignment in assignments:
        course.gradebook.set_due_date(assignment, DUE.strftime("%Y-%m-%d %H:%M:%S UTC"))


def _verdict(student: DemoStudent, scores: dict) -> str:
    """ "as built" when the scores are the ones the submission was made to get."""
    if not student.check:
        return ""
    if not scores:
        return "NO GRADEBOOK ROW"
    for gid, (score, max_score) in scores.items():
        must_lose = student.expect_all_zero or gid in student.expect_zero
        if must_lose and score != 0:
            return f"UNEXPECTED: {gid} kept points"
        if not must_lose and score != max_score:
            return f"UNEXPECTED: {gid} lost points"
    return "as built"


def _release_matches(course: Course, assignment: str) -> bool:
    committed = RELEASE_DIR / assignment
    fresh = course.paths.release(assignment)
    if not committed.is_dir():
        return False

    def cells(folder):
        out = []
        for path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(str(path), as_version=4)
            out.append((path.name, [(c.cell_type, c.source) for c in nb.cells]))
        return out

    return cells(committed) == cells(fresh)


def _write_formgrader_settings(dest: Path) -> None:
    """Make ``dest`` a course nbgrader's formgrader opens as is: its own settings file and exchange.

    ``cd demo && ../.venv/bin/jupyter lab`` then shows the demo class (Nbgrader >
    Formgrader): the course's settings, with the demo folder as root, gradebook
    and exchange, and the exchange folder present, so no warning.
    """
    dest.mkdir(parents=True)
    (dest / ".exchange").mkdir()
    (dest / "nbgrader_config.py").write_text(
        '"""The demo class of `make demo`: the course\'s settings, this folder as the course."""\n\n'
        "import os\n\n"
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(PROJECT_ROOT / 'nbgrader_config.py')!r})  # noqa: F821\n"
        "_here = os.path.dirname(os.path.abspath(__file__))\n"
        "c.CourseDirectory.root = _here\n"
        'c.CourseDirectory.db_url = "sqlite:///" + os.path.join(_here, "gradebook.db")\n'
        'c.Exchange.root = os.path.join(_here, ".exchange")\n'
    )


def run_demo(
    dest: Path = DEMO_DIR, assignments=None, *, workers: int | None = None, progress: bool = True, out=print
) -> dict:
    """Run the whole pipeline on the demo class in ``dest``; return the numbers it printed."""
    from autograder.course.gradebook import GradingLog
    from autograder.pipeline.export import assignment_table, export_grades, pass_rate_table
    from autograder.pipeline.feedback import generate_feedback
    from autograder.pipeline.grade import grade_submissions
    from autograder.pipeline.validate_source import check_sources

    start = time.perf_counter()
    timings = {}
    names = list(assignments) if assignments else available_assignments(SOURCE_DIR)
    if not names:
        raise CourseError(f"no assignment in {SOURCE_DIR}")
    unknown = sorted(set(names) - set(available_assignments(SOURCE_DIR)))
    if unknown:
        raise CourseError(f"unknown assignment(s): {', '.join(unknown)}")
    problems = check_sources(SOURCE_DIR, names)
    if problems:
        raise CourseError("the source notebooks have metadata problems:\n" + "\n".join(map(str, problems)))

    dest = Path(dest)
    shutil.rmtree(dest, ignore_errors=True)
    _write_formgrader_settings(dest)
    course = Course(dest)
    out(f"demo course folder: {dest}")
    t = time.perf_counter()
    for name in names:
        course.add_source(name)
        course.generate(name)
        state = (
            "matches the committed release/"
            if _release_matches(course, name)
            else "DIFFERS from the committed release/: run `python -m autograder build`"
        )
        out(f"  built {name}: {state}")
    _set_due_dates(course, names)
    timings["build"] = time.perf_counter() - t

    t = time.perf_counter()
    notes: list[str] = []
    students = make_class(course, names, notes)
    for note in notes:
        out(f"  note: {note}")
    timings["class"] = time.perf_counter() - t
    out(
        f"class: {len(students)} submissions of {len(names)} assignment(s), "
        f"graded with {workers or os.cpu_count()} workers"
    )

    run = grade_submissions(dest, names, workers=workers, progress=progress, out=out)
    timings["grade"] = run.seconds

    t = time.perf_counter()
    fb = generate_feedback(dest, names, progress=progress)
    timings["feedback"] = time.perf_counter() - t
    t = time.perf_counter()
    export = export_grades(dest, dest, names)
    timings["export"] = time.perf_counter() - t

    outcomes = {(o.job.assignment, o.job.student): o for o in run.outcomes}
    failures = GradingLog(course.root).load()
    late = {(s.assignment, s.student): s.late_penalty for s in export.submissions}
    rows = [("student", "assignment", "score", "status", "check", "reason")]
    unexpected = 0
    for s in students:
        o = outcomes.get((s.assignment, s.student))
        scores = o.scores if o else {}
        total = sum(v[0] for v in scores.values())
        top = sum(v[1] for v in scores.values())
        verdict = _verdict(s, scores)
        unexpected += verdict.startswith(("UNEXPECTED", "NO"))
        status = o.status if o else "missing"
        if s.kind == "late":
            status += f", late (penalty {late.get((s.assignment, s.student), 0):g})"
        record = failures.get(f"{s.assignment}/{s.student}")
        reason = (record.reason if record else "") or s.description
        rows.append((s.student, s.assignment, f"{total:g}/{top:g}", status, verdict, reason[:70]))
    out("")
    out("Per-student scores")
    out(format_table(rows, right={2}))
    out("")
    out("Per-assignment summary")
    out(assignment_table(export))
    out("")
    out("Per-exercise pass rates (share of submissions with full points)")
    out(pass_rate_table(export))
    out("")
    out(f"feedback: {len(fb.written)} HTML files, {len(fb.not_graded)} not-graded notices in {dest / 'feedback'}")
    out(f"grades:   {export.grades_csv}, {export.pass_rates_csv}, {export.histogram}")
    wall = time.perf_counter() - start
    timings["total"] = wall
    out("wall time: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    if unexpected:
        out(f"{unexpected} submission(s) did not get the score they were built to get")
    return {"timings": timings, "unexpected": unexpected, "students": len(students)}
