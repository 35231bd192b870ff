"""The comparison most hidden checks make: the learner's function and the reference, call by call."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from nndl.expect import call_without_mutation, expect_close


def compare_on(fn: Callable, reference: Callable, cases: Iterable[tuple], label: Callable[..., str], hint: str) -> None:
    """Call ``fn`` and ``reference`` on every case (a tuple of arguments) and expect the same values.

    ``fn`` must leave its arguments unchanged; ``label(*args)`` names the
    call in a failure message ("sigmoid(x) for x of shape (3, 5)").
    """
    for args in cases:
        got = call_without_mutation(fn, *args)
        expect_close(label(*args), got, reference(*args), hint=hint)
