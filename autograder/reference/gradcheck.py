"""Numerical gradients by centred differences, and the relative error used to judge them.

Used by the reference's own tests and by the hidden checks of the deep network
assignment. Typical use, checking a layer's backward pass against its forward
pass with a random upstream gradient ``dout``::

    out, cache = linear_forward(A, W, b)
    dA, dW, db = linear_backward(dout, cache)
    dW_numeric = numerical_gradient_of_array(lambda W_: linear_forward(A, W_, b)[0], W, dout)
    # the lecture's dW carries a 1/m that the projected objective does not
    assert_gradient_close("dW", dW, dW_numeric / m)

``numerical_gradient_of_array(f, x, dout)`` is the gradient of the scalar
objective Σ dout ⊙ f(x), a random projection of f's output; it differences the
outputs before projecting them, which loses less precision to cancellation
than differencing the projected sum.

Centred differences carry an absolute error of about 1e-11 here (rounding of
f, divided by 2h, plus the h² truncation term), so an entry of the gradient
smaller than about 1e-4 can fail the 1e-7 relative test even when the analytic
gradient is right. Random test problems should therefore be redrawn until
:func:`well_conditioned` holds, just as they are redrawn to keep ReLU inputs
away from 0.

Everything is computed in float64: inputs are copied to float64 and never
modified.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "DEFAULT_STEP",
    "DEFAULT_TOLERANCE",
    "numerical_gradient",
    "numerical_gradient_of_array",
    "relative_error",
    "assert_gradient_close",
    "well_conditioned",
]

DEFAULT_STEP = 1e-5
DEFAULT_TOLERANCE = 1e-7


def _perturbed_values(f: Callable, x, h: float):
    """Yield (index, f(x + h·e_index), f(x − h·e_index)) for every entry of x."""
    point = np.array(x, dtype=np.float64)  # a private copy, so x itself is never touched
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + h
        plus = np.array(f(point.copy()), dtype=np.float64)
        point[index] = original - h
        minus = np.array(f(point.copy()), dtype=np.float64)
        point[index] = original
        yield index, plus, minus


def numerical_gradient(f: Callable, x, h: float = DEFAULT_STEP) -> np.ndarray:
    """Gradient of a scalar function by centred differences.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` and returns a real scalar. It is
        called 2·x.size times, each time on a fresh copy.
    x : array_like, real
        The point; not modified.
    h : float
        Step size.

    Returns
    -------
    ndarray of the shape of ``x``, float64
        (f(x + h·e_i) − f(x − h·e_i)) / (2h) for every entry i.
    """
    point = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(point)
    for index, plus, minus in _perturbed_values(f, point, h):
        if plus.ndim != 0:
            raise ValueError(
                f"f must return a scalar, got shape {plus.shape}; use numerical_gradient_of_array for array outputs"
            )
        grad[index] = (plus - minus) / (2 * h)
    return grad


def numerical_gradient_of_array(f: Callable, x, dout, h: float = DEFAULT_STEP) -> np.ndarray:
    """Gradient of Σ dout ⊙ f(x) with respect to x, by centred differences.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` and returns an array shaped like
        ``dout``. Called 2·x.size times, each time on a fresh copy.
    x : array_like, real
        The point; not modified.
    dout : array_like, real
        The upstream gradient: the weights of the projection that turns f's
        output into a scalar.
    h : float
        Step size.

    Returns
    -------
    ndarray of the shape of ``x``, float64
        Σ_j dout_j · (f_j(x + h·e_i) − f_j(x − h·e_i)) / (2h) for every entry i.
    """
    point = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    grad = np.zeros_like(point)
    for index, plus, minus in _perturbed_values(f, point, h):
        if plus.shape != dout.shape:
            raise ValueError(f"f returned shape {plus.shape}, but dout has shape {dout.shape}")
        grad[index] = np.sum((plus - minus) * dout) / (2 * h)
    return grad


def relative_error(analytic, numeric) -> float:
    """Largest entrywise relative error, max_i |a_i − n_i| / max(1e-8, |a_i| + |n_i|).

    The 1e-8 floor keeps entries where both gradients are (nearly) zero from
    dividing by zero; there the error is effectively absolute.

    Parameters
    ----------
    analytic, numeric : array_like of the same shape, real
        The two gradients.

    Returns
    -------
    float
        0.0 for identical arrays; near 1 when they differ completely.
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic has shape {a.shape} but numeric has shape {n.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


def assert_gradient_close(name: str, analytic, numeric, tolerance: float = DEFAULT_TOLERANCE) -> None:
    """Raise ``AssertionError`` unless :func:`relative_error` is below ``tolerance``.

    The message names the gradient, the worst entry and the ratio of the two
    values there, because a ratio of m, 1/m, 2 or −1 usually points straight
    at the mistake (a missing 1/m, a doubled term, a flipped sign).
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise AssertionError(f"{name} has shape {a.shape}, expected {n.shape}")
    error = relative_error(a, n)
    if not error < tolerance:
        worst = np.unravel_index(np.argmax(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))), a.shape)
        ratio = a[worst] / n[worst] if n[worst] != 0 else float("inf")
        raise AssertionError(
            f"{name}: relative error {error:.3g} is not below {tolerance:g}; worst at index "
            f"{tuple(int(i) for i in worst)}: analytic {a[worst]:.10g}, numeric {n[worst]:.10g} "
            f"(ratio {ratio:.4g})"
        )


def well_conditioned(*gradients, floor: float = 1e-3) -> bool:
    """True when every entry of every gradient is exactly 0 or at least ``floor`` in size.

    An exact 0 is fine (a dead ReLU unit gives 0 both ways); an entry that is
    small but not 0 would let the ~1e-11 absolute error of centred differences
    dominate its relative error. Pass the analytic gradients of a candidate
    random problem and redraw the problem while this returns False: a wrong
    analytic gradient still fails the comparison afterwards.
    """
    return all(
        bool(np.all((g == 0) | (np.abs(g) >= floor)))
        for g in (np.asarray(gradient, dtype=np.float64) for gradient in gradients)
    )
