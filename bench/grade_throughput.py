"""Grading throughput: stock serial ``nbgrader autograde`` against ``python -m autograder grade``.

The same class (20 students x 5 assignments, made from the release
notebooks: full solutions, blank notebooks and the typical mistakes, in
turn) is graded twice, each time from a fresh copy of one course folder:

- stock: ``nbgrader autograde <assignment>``, the command line, one run per
  assignment over all students, one notebook at a time;
- ours: ``python -m autograder grade`` (its embedded Dask cluster, one worker
  per core).

Then the scaling runs, each once on a fresh copy: ours on 1 local worker,
and ours through ``--scheduler`` on a ``dask scheduler`` with 2 separate
``dask worker`` processes (all on this machine), printed beside the
2-worker median and stock, with the coordinator's own seconds per
submission (preparing it and recording its scores). ``--no-scaling`` skips them.

It prints both wall times, their ratio, the seconds per notebook, and the
floor: the time to autograde an empty notebook, which is the fixed cost
per submission (kernel start and stop, nbgrader's bookkeeping). It also
checks that both runs gave every cell the same score.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/grade_throughput.py [--students 20] [--repeats 1] [--assignments A B ...]

With ``--repeats N`` the two runs are made N times, in alternating order
(stock first, then ours first, ...) so that a slow drift in the machine's
load does not favour one side, and the medians are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.assignments.submissions import apply_mistake, full_solution, mistakes_for
from autograder.course import Course, available_assignments
from autograder.course.config import CONFIG_FILE, PROJECT_ROOT, blas_environment

FLOOR_STUDENTS = 10


def _env() -> dict:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    for var, value in blas_environment().items():
        env.setdefault(var, value)
    return env


def _write_stock_config(root: Path) -> None:
    """The project's own nbgrader_config.py, so stock nbgrader and the course grade with one config."""
    shutil.copyfile(PROJECT_ROOT / CONFIG_FILE, root / CONFIG_FILE)


def make_class(root: Path, assignments: list[str], students: int) -> int:
    """Generate the assignments in ``root`` and submit ``students`` notebooks to each."""
    course = Course(root)
    count = 0
    for assignment in assignments:
        course.add_source(assignment)
        release_dir = course.generate(assignment)
        release_path = next(release_dir.glob("*.ipynb"))
        release = nbformat.read(str(release_path), as_version=4)
        source = nbformat.read(str(course.paths.source_notebooks(assignment)[0]), as_version=4)
        full = full_solution(release, source)
        variants = [full, release] + [apply_mistake(full, m) for m in mistakes_for(assignment)]
        for i in range(students):
            course.submit(assignment, f"s{i + 1:02d}", variants[i % len(variants)], notebook_name=release_path.name)
            count += 1
    return count


def make_empty_class(root: Path, students: int) -> None:
    """An assignment whose notebook has no cells, submitted by ``students`` students."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    course = Course(root)
    folder = course.paths.source("empty")
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / "empty.ipynb"))
    course.generate("empty")
    for i in range(students):
        course.submit("empty", f"e{i + 1:02d}", nb, notebook_name="empty.ipynb")


def run_stock(root: Path, assignments: list[str]) -> float:
    _write_stock_config(root)
    start = time.perf_counter()
    for assignment in assignments:
        done = subprocess.run(
            ["nbgrader", "autograde", assignment], cwd=root, env=_env(), capture_output=True, text=True
        )
        if done.returncode != 0:
            print(f"  stock nbgrader reported errors for {assignment} (exit {done.returncode})", file=sys.stderr)
    return time.perf_counter() - start


COORDINATOR = re.compile(r"coordinator: ([0-9.]+) s per submission")


def run_ours(root: Path, assignments: list[str], workers: int | None, scheduler: str | None = None) -> float:
    """Seconds ``python -m autograder grade`` takes; the coordinator's seconds per submission go to ``_last``."""
    command = [sys.executable, "-m", "autograder", "grade", "--course", str(root), "--no-progress", *assignments]
    if workers:
        command += ["--workers", str(workers)]
    if scheduler:
        command += ["--scheduler", scheduler]
    start = time.perf_counter()
    done = subprocess.run(command, env=_env(), capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    found = COORDINATOR.search(done.stdout)
    _last["coordinator"] = float(found.group(1)) if found else float("nan")
    return seconds


_last: dict = {}


@contextlib.contextmanager
def dask_on_this_machine(workers: int):
    """A ``dask scheduler`` and ``workers`` single-threaded ``dask worker`` processes on 127.0.0.1; its address."""
    from distributed import Client

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).with_name("dask"))
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": _env()}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port)], **quiet)]
    try:
        for _ in range(workers):
            procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--memory-limit", "0"], **quiet))
        with Client(address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def all_scores(root: Path) -> dict:
    return Course(root).gradebook.all_cell_scores()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--assignments", nargs="*", help="default: the first five in source/")
    parser.add_argument("--workers", type=int, help="workers for ours (default: number of cores)")
    parser.add_argument("--repeats", type=int, default=1, help="how many times to run both sides (median reported)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 1-worker and scheduler runs")
    args = parser.parse_args(argv)
    assignments = args.assignments or available_assignments()[:5]

    with tempfile.TemporaryDirectory(prefix="nndl-bench-") as tmp:
        tmp = Path(tmp)
        print(
            f"class: {args.students} students x {len(assignments)} assignments ({', '.join(assignments)}); "
            f"{os.cpu_count()} cores"
        )
        n = make_class(tmp / "class", assignments, args.students)
        stock_times, our_times, coordinator, same = [], [], [], True
        for r in range(args.repeats):
            stock_dir, ours_dir = tmp / f"stock{r}", tmp / f"ours{r}"
            shutil.copytree(tmp / "class", stock_dir)
            shutil.copytree(tmp / "class", ours_dir)
            order = ("stock", "ours") if r % 2 == 0 else ("ours", "stock")
            for side in order:
                if side == "stock":
                    stock_times.append(run_stock(stock_dir, assignments))
                else:
                    our_times.append(run_ours(ours_dir, assignments, args.workers))
                    coordinator.append(_last["coordinator"])
            stock, ours = stock_times[-1], our_times[-1]
            print(
                f"run {r + 1}: stock serial nbgrader autograde {stock:7.1f} s ({stock / n:.2f} s per notebook), "
                f"python -m autograder grade {ours:7.1f} s ({ours / n:.2f} s per notebook), ratio {ours / stock:.2f}"
            )
            a, b = all_scores(stock_dir), all_scores(ours_dir)
            all_scores_reference = a
            differing = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            same = same and not differing
            print(
                f"       scores identical in both runs: {'yes' if not differing else 'NO'} ({len(a)} graded cells)"
                + ("" if not differing else f"; first differences: {differing[:5]}")
            )
            shutil.rmtree(stock_dir)
            shutil.rmtree(ours_dir)
        stock, ours = statistics.median(stock_times), statistics.median(our_times)
        ratios = [o / s for o, s in zip(our_times, stock_times)]
        print(
            f"median of {args.repeats}: stock {stock:.1f} s ({stock / n:.2f} s per notebook), "
            f"ours {ours:.1f} s ({ours / n:.2f} s per notebook)"
        )
        print(f"ratio ours / stock, median:      {statistics.median(ratios):7.2f}  (goal: 0.5 or less)")

        if not args.no_scaling:
            rows = [("stock serial nbgrader", stock, float("nan"))]
            rows.append(
                (f"embedded, {args.workers or os.cpu_count()} workers (median)", ours, statistics.median(coordinator))
            )
            shutil.copytree(tmp / "class", tmp / "one")
            rows.append(("embedded, 1 worker", run_ours(tmp / "one", assignments, 1), _last["coordinator"]))
            same = same and all_scores(tmp / "one") == all_scores_reference
            shutil.copytree(tmp / "class", tmp / "sched")
            with dask_on_this_machine(2) as address:
                rows.append(
                    (
                        "--scheduler, 2 worker processes",
                        run_ours(tmp / "sched", assignments, None, address),
                        _last["coordinator"],
                    )
                )
            same = same and all_scores(tmp / "sched") == all_scores_reference
            print("scaling (same class, one run each but the median row):")
            for name, seconds, coord in rows:
                print(
                    f"  {name:38s} {seconds:7.1f} s  {seconds / n:5.2f} s per notebook  ratio {seconds / stock:5.2f}"
                    + ("" if coord != coord else f"  coordinator {coord:.3f} s per submission")
                )

        make_empty_class(tmp / "empty", FLOOR_STUDENTS)
        shutil.copytree(tmp / "empty", tmp / "empty_ours")
        floor_stock = run_stock(tmp / "empty", ["empty"]) / FLOOR_STUDENTS
        floor_ours = run_ours(tmp / "empty_ours", ["empty"], args.workers) / FLOOR_STUDENTS
        print(
            f"floor, empty notebook:           {floor_stock:.2f} s stock, {floor_ours:.2f} s ours "
            f"(per notebook, {FLOOR_STUDENTS} submissions, start-up included)"
        )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
