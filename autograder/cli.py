"""The course command line: ``python -m autograder <command>`` (also ``nndl-course``).

    build     check the source notebooks, then generate release/ with nbgrader
    collect   bring a folder or zip of submissions into submitted/
    grade     autograde the submissions in parallel
    feedback  write nbgrader's HTML feedback, its maths rendered as MathML
    export    grades.csv, exercise pass rates and a histogram
    demo      the whole pipeline on a made-up class (make demo)
    check     grade one notebook for a self-learner (make check NB=...)

The course folder is the project root, or $NNDL_COURSE_ROOT, or --course.
"""

from __future__ import annotations

import sys

# jsonschema (imported by nbformat) loads rfc3987-syntax when it is installed,
# only to check "iri" string formats; that package compiles a grammar at
# import, about 2 s of CPU in every process. nbformat's notebook schema has
# no such formats (see also autograder.engine.task).
sys.modules.setdefault("rfc3987_syntax", None)

import argparse  # noqa: E402
from pathlib import Path  # noqa: E402


def _course_root(args) -> Path:
    from autograder.course.config import default_course_root

    return Path(args.course).resolve() if args.course else default_course_root()


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _scheduler_option(p: argparse.ArgumentParser, what: str, otherwise: str) -> None:
    p.add_argument(
        "--scheduler", metavar="ADDRESS", help=f"{what} (default: c.CourseGrading.scheduler, else {otherwise})"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m autograder", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def with_course(p):
        p.add_argument("--course", help="course folder (default: $NNDL_COURSE_ROOT or the project root)")
        return p

    p = sub.add_parser("build", help="check source metadata, then generate release/ with nbgrader")
    p.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    p.add_argument("--source", help="source folder (default: the project's source/)")
    p.add_argument("--release", help="release folder to write (default: the project's release/)")

    p = with_course(sub.add_parser("collect", help="bring submissions into submitted/"))
    p.add_argument("source", help="a folder or a .zip of submissions")
    p.add_argument("--assignment", help="the assignment, when file names do not say it")

    p = with_course(sub.add_parser("grade", help="autograde submissions in parallel"))
    p.add_argument("assignments", nargs="*", help="assignment names (default: all submitted)")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.add_argument(
        "-j", "--workers", type=_positive, help="worker processes of the embedded Dask cluster (default: cores)"
    )
    _scheduler_option(p, "grade on the workers of the Dask scheduler at ADDRESS (tcp://host:8786)", "this machine")
    p.add_argument("--force", action="store_true", help="regrade submissions that are already graded")
    p.add_argument(
        "--cell-timeout",
        type=_positive,
        help="seconds per cell (default: c.Execute.timeout of nbgrader_config.py, else 180)",
    )
    p.add_argument(
        "--notebook-timeout",
        type=_positive,
        help="seconds per submission (default: c.CourseGrading.notebook_timeout, else 600)",
    )
    p.add_argument(
        "--no-sandbox",
        action="store_true",
        help="grade even where the bubblewrap sandbox cannot be made (recorded with every grade)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = with_course(sub.add_parser("feedback", help="nbgrader's HTML feedback, maths as MathML"))
    p.add_argument("assignments", nargs="*", help="assignment names (default: all graded)")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    _scheduler_option(p, "render the pages on the workers of the Dask scheduler at ADDRESS", "this process")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = with_course(sub.add_parser("export", help="grades.csv, pass rates and a histogram"))
    p.add_argument("assignments", nargs="*", help="limit the summary to these assignments")
    p.add_argument("--to", help="folder for the files (default: the course folder)")

    p = sub.add_parser("demo", help="the whole pipeline on a made-up class")
    p.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    p.add_argument("-j", "--workers", type=_positive, help="parallel workers (default: number of cores)")
    p.add_argument("--dest", help="demo folder (default: demo/ in the project)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = with_course(sub.add_parser("check", help="grade one notebook against the hidden tests"))
    p.add_argument("notebook", help="path to your notebook")
    p.add_argument("--assignment", help="the assignment (default: inferred from the notebook)")
    return parser


def _build(args) -> int:
    from autograder.course import RELEASE_DIR, SOURCE_DIR, CourseError
    from autograder.pipeline.build import build_release
    from autograder.pipeline.validate_source import check_sources

    source = Path(args.source) if args.source else SOURCE_DIR
    release = Path(args.release) if args.release else RELEASE_DIR
    if not source.is_dir():
        raise CourseError(f"source folder {source} does not exist")
    problems = check_sources(source, args.assignments or None)
    if problems:
        print(f"{len(problems)} problem(s) in the source notebooks; nothing was built:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    for path in build_release(args.assignments or None, source_dir=source, release_dir=release):
        print(f"wrote {path}")
    return 0


def _collect(args) -> int:
    from autograder.pipeline.collect import collect_submissions

    report = collect_submissions(Path(args.source), _course_root(args), args.assignment)
    for line in report.lines():
        print(line)
    return 0


def _grade(args) -> int:
    from autograder.pipeline.grade import grade_submissions

    try:
        run = grade_submissions(
            _course_root(args),
            args.assignments or None,
            students=args.student,
            workers=args.workers,
            scheduler=args.scheduler,
            force=args.force,
            cell_timeout=args.cell_timeout,
            notebook_timeout=args.notebook_timeout,
            progress=not args.no_progress,
            sandboxed=not args.no_sandbox,
        )
    except KeyboardInterrupt:
        print(
            "interrupted: every submission finished so far is recorded; run grade again to grade the rest",
            file=sys.stderr,
        )
        return 130
    print(
        f"graded {len(run.outcomes)} submission(s) in {run.seconds:.1f} s with {run.workers} worker(s); "
        f"skipped {len(run.skipped)} already graded"
    )
    if run.outcomes:
        print(
            f"coordinator: {run.coordinator_seconds / len(run.outcomes):.3f} s per submission "
            "(preparing it and recording its scores)"
        )
    if args.no_sandbox:
        print(
            "WARNING: graded WITHOUT the sandbox (--no-sandbox): the notebooks ran with the grader's rights; "
            "every grade of this run says so in its gradebook comments",
            file=sys.stderr,
        )
    for o in sorted(run.failed + run.partial, key=lambda o: o.job.key):
        print(f"  {o.status:7s} {o.job.key}: {o.reason}")
    if run.failed or run.partial:
        from autograder.course.gradebook import GRADING_LOG

        print(f"reasons are kept in {GRADING_LOG} in the course folder")
    return 0


def _feedback(args) -> int:
    from autograder.course.config import grading_settings, load_config
    from autograder.pipeline.feedback import generate_feedback

    root = _course_root(args)
    # the settings alone: opening the course would make its folder where there is none
    scheduler = args.scheduler or (root.is_dir() and grading_settings(load_config(root)).scheduler)
    if scheduler:
        from autograder.engine.cluster import grading_cluster

        # rendering a page runs no student code: any worker may take it
        with grading_cluster(scheduler, 1, sandboxed=False) as cluster:
            print(f"rendering on the Dask scheduler {cluster.address}", file=sys.stderr)
            run = generate_feedback(
                root, args.assignments or None, args.student, mapper=cluster.map, progress=not args.no_progress
            )
    else:
        run = generate_feedback(root, args.assignments or None, args.student, progress=not args.no_progress)
    print(f"wrote {len(run.written)} feedback file(s) and {len(run.not_graded)} not-graded notice(s)")
    print(f"{run.formulas} formula(s) rendered as MathML, {len(run.unrendered)} left as TeX")
    for formula in run.unrendered:
        print(f"  not rendered: {formula}", file=sys.stderr)
    for error in run.errors:
        print(f"  nbgrader: {error}", file=sys.stderr)
    return 0 if not run.errors else 1


def _export(args) -> int:
    from autograder.pipeline.export import assignment_table, export_grades, pass_rate_table

    root = _course_root(args)
    export = export_grades(root, Path(args.to) if args.to else None, args.assignments or None)
    print(assignment_table(export))
    print()
    print(pass_rate_table(export))
    print(f"\nwrote {export.grades_csv}, {export.pass_rates_csv}, {export.histogram}")
    return 0


def _demo(args) -> int:
    from autograder.pipeline.demo import DEMO_DIR, run_demo

    result = run_demo(
        Path(args.dest) if args.dest else DEMO_DIR,
        args.assignments or None,
        workers=args.workers,
        progress=not args.no_progress,
    )
    return 1 if result["unexpected"] else 0


def _check(args) -> int:
    from autograder.pipeline.selfcheck import self_check

    result = self_check(Path(args.notebook), args.assignment, course_root=_course_root(args))
    print(f"{result.notebook} graded as {result.assignment}")
    if result.status != "graded":
        print(f"note: {result.reason}")
    print(result.table())
    print(f"feedback: {result.feedback}")
    return 0


COMMANDS = {
    "build": _build,
    "collect": _collect,
    "grade": _grade,
    "feedback": _feedback,
    "export": _export,
    "demo": _demo,
    "check": _check,
}


def main(argv: list[str] | None = None) -> int:
    import warnings

    from autograder.course import CourseError

    # nbgrader's own gradebook code sets off SQLAlchemy autoflush warnings; they say nothing to an instructor
    warnings.filterwarnings("ignore", message=".*not in session.*")
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
