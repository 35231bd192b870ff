"""Generate the student versions in ``release/`` from ``source/`` with nbgrader.

nbgrader's ``generate_assignment`` runs in a throw-away course folder so the
project's own folder never gets a gradebook; the result replaces
``release/<assignment>``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from autograder.course import RELEASE_DIR, SOURCE_DIR, Course, available_assignments


def build_release(
    assignments: list[str] | None = None, *, source_dir: Path = SOURCE_DIR, release_dir: Path = RELEASE_DIR
) -> list[Path]:
    """Regenerate ``release_dir/<assignment>`` for each assignment; return the folders written."""
    names = assignments or available_assignments(source_dir)
    written = []
    with tempfile.TemporaryDirectory(prefix="nndl-build-") as tmp:
        course = Course(Path(tmp))
        for name in names:
            course.add_source(name, source_dir)
            generated = course.generate(name)
            dest = Path(release_dir) / name
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(generated, dest)
            written.append(dest)
    return written
