"""Where the hidden checks' random inputs come from: fresh for every submission.

Each check asks for its generator with :func:`rng` and a fixed tag of its
own (``rng(2101)``). Outside grading (the reference's tests, a check called
by hand) the tag alone seeds it, so a run is reproducible. While a submission
is graded, :func:`submission_draws` mixes in that submission's seed (derived
from the course secret, the student, the assignment and the file's checksum:
:func:`autograder.course.secret.submission_seed`), so answers copied from an
earlier week's feedback meet inputs they have never seen, and a regrade of
the same file meets the same inputs again.
"""

from __future__ import annotations

import contextlib

import numpy as np

_submission_seed: int | None = None


def rng(tag: int) -> np.random.Generator:
    """The generator of the check tagged ``tag``, for the submission being graded."""
    if _submission_seed is None:
        return np.random.default_rng(tag)
    return np.random.default_rng([_submission_seed, tag])


@contextlib.contextmanager
def submission_draws(seed: int | None):
    """Within the block, every :func:`rng` also depends on ``seed``."""
    global _submission_seed
    previous, _submission_seed = _submission_seed, seed
    try:
        yield
    finally:
        _submission_seed = previous
