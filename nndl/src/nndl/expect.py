"""Public self-checks: small assertions with messages that say what went wrong.

The visible test cells of every assignment use these, and so do the
instructor's hidden checks, so a learner sees the same kind of message in
both. Every function raises ``AssertionError`` with a message naming the
value checked, what was expected and what was found, plus a hint about the
likely mistake when one is given.
"""

from __future__ import annotations

import copy
import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "quietly",
    "expect_shape",
    "expect_close",
    "expect_equal",
    "expect_type",
    "expect_scalar",
    "expect_unchanged",
    "call_without_mutation",
]


def _with_hint(message: str, hint: str | None) -> str:
    return f"{message}. Hint: {hint}" if hint else message


def quietly(fn: Callable, *args, **kwargs):
    """Call ``fn`` with NumPy's floating-point warnings silenced.

    nbgrader gives a test cell 0 points when anything reaches stderr. A
    correct ``1 / (1 + np.exp(-z))`` overflows for very negative ``z`` and
    prints a RuntimeWarning while still returning the right answer, so the
    checks call student code through this function and judge the values.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)


def expect_type(name: str, value: Any, types, hint: str | None = None) -> None:
    """Assert ``isinstance(value, types)``."""
    if not isinstance(value, types):
        wanted = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        raise AssertionError(_with_hint(f"{name} should be a {wanted}, got {type(value).__name__}", hint))


def expect_scalar(name: str, value: Any, hint: str | None = None) -> None:
    """Assert that ``value`` is one real number: a Python or NumPy float or int, or a 0-d array.

    ``np.squeeze(cost)`` (a 0-d array) and ``float(cost)`` both pass; a (1, 1)
    array does not, since it broadcasts where a number would not.
    """
    if isinstance(value, bool) or np.ndim(value) != 0:
        found = f"an array of shape {np.shape(value)}" if np.ndim(value) else type(value).__name__
        raise AssertionError(_with_hint(f"{name} should be one number, got {found}", hint))
    if np.asarray(value).dtype.kind not in "iuf":
        raise AssertionError(_with_hint(f"{name} should be a real number, got {type(value).__name__}", hint))


def expect_shape(name: str, value: Any, shape: tuple, hint: str | None = None) -> None:
    """Assert that ``value`` is an ndarray of exactly ``shape``.

    A rank-1 array where a column vector is expected gets its own message,
    since it is the most common shape mistake in the course.
    """
    if not isinstance(value, np.ndarray):
        raise AssertionError(
            _with_hint(f"{name} should be a numpy array of shape {shape}, got {type(value).__name__}", hint)
        )
    if value.shape != tuple(shape):
        message = f"{name} should have shape {tuple(shape)}, got {value.shape}"
        if value.ndim == 1 and len(shape) == 2:
            message += " (a rank-1 array: reshape it to a column or keep the dimension with keepdims=True)"
        elif value.ndim == 2 and len(shape) == 2 and value.shape == tuple(shape)[::-1]:
            message += " (the axes are swapped: is a transpose missing or extra?)"
        raise AssertionError(_with_hint(message, hint))


def expect_close(
    name: str, value: Any, expected: Any, *, rtol: float = 1e-6, atol: float = 1e-8, hint: str | None = None
) -> None:
    """Assert that ``value`` matches ``expected`` in shape and, within tolerance, in value."""
    expected_arr = np.asarray(expected, dtype=float)
    if isinstance(expected, np.ndarray):
        expect_shape(name, value, expected.shape, hint)
    try:
        value_arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(_with_hint(f"{name} should be numeric, got {type(value).__name__}", hint)) from None
    if value_arr.shape != expected_arr.shape:
        raise AssertionError(_with_hint(f"{name} should have shape {expected_arr.shape}, got {value_arr.shape}", hint))
    if not np.allclose(value_arr, expected_arr, rtol=rtol, atol=atol, equal_nan=False):
        with np.errstate(all="ignore"):
            diff = np.abs(value_arr - expected_arr)
        worst = np.unravel_index(np.nanargmax(np.where(np.isnan(diff), np.inf, diff)), diff.shape) if diff.ndim else ()
        got, want = value_arr[worst], expected_arr[worst]
        ratio = ""
        if want != 0 and got != 0 and np.isfinite(got / want):
            ratio = f" (ratio {got / want:.4g})"
        where = f" at index {tuple(int(i) for i in worst)}" if worst != () else ""
        raise AssertionError(
            _with_hint(f"{name} has wrong values{where}: expected {want:.8g}, got {got:.8g}{ratio}", hint)
        )


def expect_equal(name: str, value: Any, expected: Any, hint: str | None = None) -> None:
    """Assert exact equality (for ints, tuples, strings, boolean arrays)."""
    if isinstance(expected, np.ndarray) or isinstance(value, np.ndarray):
        if isinstance(expected, np.ndarray):
            expect_shape(name, value, expected.shape, hint)
        if not np.array_equal(value, expected):
            raise AssertionError(
                _with_hint(f"{name} should be {np.asarray(expected)!r}, got {np.asarray(value)!r}", hint)
            )
    elif value != expected:
        raise AssertionError(_with_hint(f"{name} should be {expected!r}, got {value!r}", hint))


def expect_unchanged(name: str, before: Any, after: Any) -> None:
    """Assert that an input was not modified in place by the function under test."""
    if isinstance(before, dict):
        for key in before:
            expect_unchanged(f"{name}[{key!r}]", before[key], after[key])
        return
    if isinstance(before, (tuple, list)):
        for i, (b, a) in enumerate(zip(before, after)):
            expect_unchanged(f"{name}[{i}]", b, a)
        return
    if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
        raise AssertionError(
            f"the input {name} was modified in place; work on a copy "
            "(for example `x = x / norm` instead of `x /= norm`)"
        )


def call_without_mutation(fn: Callable, *args, **kwargs):
    """Call ``fn(*args, **kwargs)`` quietly and assert it left every argument unchanged.

    Positional arguments are named after ``fn``'s own parameters in the
    messages, so a learner reads "the input X was modified in place".
    """
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        names = []
    labels = [names[i] if i < len(names) else f"argument {i + 1}" for i in range(len(args))]
    args_before = copy.deepcopy(args)
    kwargs_before = copy.deepcopy(kwargs)
    result = quietly(fn, *args, **kwargs)
    for label, before, after in zip(labels, args_before, args):
        expect_unchanged(label, before, after)
    for name, before in kwargs_before.items():
        expect_unchanged(name, before, kwargs[name])
    return result
