"""release/ is what nbgrader makes from source/, and it gives nothing away."""

from __future__ import annotations

import re

import nbformat
import pytest

from autograder.course import RELEASE_DIR, available_assignments
from autograder.pipeline.build import build_release

ASSIGNMENTS = available_assignments()


def _cells(path):
    nb = nbformat.read(str(path), as_version=4)
    return [(c.cell_type, c.source, c.get("metadata", {}).get("nbgrader")) for c in nb.cells]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    dest = tmp_path_factory.mktemp("release")
    build_release(ASSIGNMENTS, release_dir=dest)
    return dest


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_up_to_date(regenerated, assignment):
    fresh = sorted(
        p.relative_to(regenerated / assignment) for p in (regenerated / assignment).rglob("*") if p.is_file()
    )
    committed_dir = RELEASE_DIR / assignment
    assert committed_dir.is_dir(), f"release/{assignment} is missing: run `python -m autograder build`"
    committed = sorted(p.relative_to(committed_dir) for p in committed_dir.rglob("*") if p.is_file())
    assert committed == fresh, f"release/{assignment} files differ from a fresh build: run `python -m autograder build`"
    for rel in fresh:
        a, b = regenerated / assignment / rel, committed_dir / rel
        if rel.suffix == ".ipynb":
            assert _cells(a) == _cells(b), (
                f"release/{assignment}/{rel} is out of date: run `python -m autograder build`"
            )
        else:
            assert a.read_bytes() == b.read_bytes(), f"release/{assignment}/{rel} is out of date"


# Anything that would hand a student the reference, the hidden checks or a solution.
FORBIDDEN = [
    (re.compile(r"\bautograder\b"), "a mention or import of the instructor package"),
    (re.compile(r"BEGIN HIDDEN TESTS|END HIDDEN TESTS"), "a hidden-test region"),
    (re.compile(r"BEGIN SOLUTION|END SOLUTION"), "a solution region"),
    (
        re.compile(r"\breference\b\s*import|from\s+\S*reference\b|import\s+\S*reference\b"),
        "an import of a reference module",
    ),
]


def test_release_contains_no_reference_or_hidden_tests():
    files = [p for p in RELEASE_DIR.rglob("*") if p.is_file()]
    assert files, "release/ is empty"
    leaks = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images and data
        for pattern, what in FORBIDDEN:
            for match in pattern.finditer(text):
                leaks.append(f"{path.relative_to(RELEASE_DIR)}: {what} ({match.group(0)!r})")
    assert not leaks, "release/ gives away instructor material:\n" + "\n".join(leaks)


def test_every_source_assignment_is_released():
    released = sorted(p.name for p in RELEASE_DIR.iterdir() if p.is_dir())
    assert released == ASSIGNMENTS, f"release/ has {released}, source/ has {ASSIGNMENTS}"
