"""Numerically safe sigmoid, softmax and cross-entropies, shared by the reference modules.

nbgrader scores a test cell 0 if anything reaches stderr, NumPy's
``RuntimeWarning`` included, so nothing here may overflow, divide by zero or
take ``log(0)``, whatever the inputs:

* the sigmoid only ever exponentiates ``-|z|`` (a number in (0, 1]);
* the softmax exponentiates scores minus their maximum (numbers in (0, 1]);
* the cross-entropies and the gradient clamp a probability that has rounded
  to exactly 0 or 1. Away from those two values the results are the textbook
  formulas to rounding error.

These functions take already validated float64 arrays and do no checking.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "sigmoid",
    "sigmoid_slope",
    "softmax",
    "binary_cross_entropy",
    "binary_cross_entropy_from_logits",
    "binary_cross_entropy_gradient",
    "categorical_cross_entropy",
]

# The smallest positive normal float: log and division of it stay finite.
_TINY = np.finfo(np.float64).tiny
# 1 - p for a float p < 1 is never below half an epsilon, so a computed 1 - p of
# exactly 0 means "at most this small".
_HALF_EPS = np.finfo(np.float64).eps / 2


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)), elementwise, without overflow for any z."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_slope(z: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)(1 − σ(z)), written as e / (1 + e)² with e = exp(−|z|).

    The form is symmetric in z, so it keeps full relative precision in both
    tails, where σ(z)(1 − σ(z)) would round to 0 once σ(z) rounds to 1.
    """
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2


def softmax(z: np.ndarray, axis: int) -> np.ndarray:
    """exp(z) / Σ exp(z) along ``axis``: every slice along it is positive and sums to 1.

    The largest score of each slice is subtracted first, which leaves the
    result unchanged and keeps exp from overflowing.
    """
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_p_and_log_one_minus_p(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    log_p = np.log(np.maximum(A, _TINY))
    log_one_minus_p = np.log1p(-np.minimum(A, 1.0 - _HALF_EPS))
    return log_p, log_one_minus_p


def binary_cross_entropy(A: np.ndarray, Y: np.ndarray) -> float:
    """−(1/m) Σ [Y log A + (1 − Y) log(1 − A)] over all entries, m = A.shape[1].

    A and Y have the same shape (n_y, m); the sum runs over every entry and is
    divided by the number of examples m, as in the lecture.
    """
    log_p, log_one_minus_p = _log_p_and_log_one_minus_p(A)
    m = A.shape[1]
    return float(-np.sum(Y * log_p + (1.0 - Y) * log_one_minus_p) / m)


def binary_cross_entropy_from_logits(Z: np.ndarray, Y: np.ndarray) -> float:
    """The same cost as :func:`binary_cross_entropy` of σ(Z), computed from Z.

    Per entry the loss is log(1 + e^z) − y·z, written as
    max(z, 0) + log1p(e^−|z|) − y·z, which is exact for every finite z.
    """
    softplus = np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))
    m = Z.shape[1]
    return float(np.sum(softplus - Y * Z) / m)


def binary_cross_entropy_gradient(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dA = −(Y / A − (1 − Y) / (1 − A)), the lecture's starting gradient.

    It is the gradient of the summed (not averaged) loss, as in the lecture;
    the 1/m enters later, in dW and db.
    """
    return -(Y / np.maximum(A, _TINY) - (1.0 - Y) / np.maximum(1.0 - A, _HALF_EPS))


def categorical_cross_entropy(A: np.ndarray, Y: np.ndarray) -> float:
    """−(1/m) Σ Y log A over all entries, m = A.shape[1]: the mean over the m examples.

    A holds class probabilities, one column per example; a probability that
    has rounded to 0 is clamped to the smallest positive normal float.
    """
    m = A.shape[1]
    return float(-np.sum(Y * np.log(np.maximum(A, _TINY))) / m)
