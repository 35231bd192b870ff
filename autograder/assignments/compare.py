"""The comparison most hidden checks make: the learner's function and the reference, call by call."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from nndl.expect import call_without_mutation, expect_close


def compare_on(fn: Callable, reference: Callable, cases: Iterable[tuple], label: Callable[..., str], hint: str) -> None:
    """Call ``fn`` and ``reference`` on every case (a tuple of arguments) and expect the same values.

    ``fn`` must leave its arguments unchanged; ``label(*args)`` names the
    call in a failure message ("sigmoid(x) for x of shape (3, 5)").
    """
    for args in cases:
        got = call_without_mutation(fn, *args)
        expect_close(label(*args), got, reference(*args), hint=hint)


def call_seeded(fn: Callable, reference: Callable, args: tuple, seed: int | None) -> tuple:
    """``fn(*args, seed=seed)`` and the reference's answer (without ``seed=`` when it is None).

    Returns ``(got, expected, call)``, ``call`` naming the call for messages.
    Raises AssertionError when ``fn`` moved NumPy's global generator: an
    initialisation must draw from its own ``np.random.RandomState(seed)``.
    """
    kwargs = {} if seed is None else {"seed": seed}
    call = f"{fn.__name__}({', '.join(repr(a) for a in args)}{'' if seed is None else f', seed={seed}'})"
    state_before = np.random.get_state()[1].copy()
    got = call_without_mutation(fn, *args, **kwargs)
    expected = reference(*args, **kwargs)
    if not np.array_equal(np.random.get_state()[1], state_before):
        raise AssertionError(
            f"{call} changed NumPy's global random state. Hint: draw from rng = np.random.RandomState(seed) "
            "instead of calling np.random.seed or np.random.randn"
        )
    return got, expected, call
