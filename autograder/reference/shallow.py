"""Reference solutions for assignment 3, a network with one hidden layer.

Examples are columns: X has shape (n_x, m), Y has shape (n_y, m) with labels
0 or 1 (n_y = 1 for the planar flower). The network is

    Z1 = W1 X + b1,  A1 = tanh(Z1),  Z2 = W2 A1 + b2,  A2 = σ(Z2),

with W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1), trained by batch
gradient descent on the mean cross-entropy.
"""

from __future__ import annotations

import numpy as np

from autograder.reference import layers, stable_math
from autograder.reference.validation import (
    as_count,
    as_float_array,
    as_learning_rate,
    check_gradients_match,
    check_layer_parameters,
)

__all__ = [
    "layer_sizes",
    "initialize_parameters",
    "forward_propagation",
    "compute_cost",
    "backward_propagation",
    "update_parameters",
    "nn_model",
    "predict",
]

_HIDDEN_SIZE = 4
_SIZE_NAMES = ("n_h", "n_y")


def layer_sizes(X, Y):
    """Sizes of the three layers, with the hidden layer fixed at 4 units.

    Parameters
    ----------
    X : ndarray of shape (n_x, m), real
        Inputs, one example per column.
    Y : ndarray of shape (n_y, m), real
        Labels.

    Returns
    -------
    n_x : int
        Size of the input layer, X.shape[0].
    n_h : int
        Size of the hidden layer, 4.
    n_y : int
        Size of the output layer, Y.shape[0].
    """
    X = as_float_array("X", X, ("n_x", "m"))
    Y = as_float_array("Y", Y, ("n_y", X.shape[1]))
    return X.shape[0], _HIDDEN_SIZE, Y.shape[0]


def initialize_parameters(n_x, n_h, n_y, seed=2):
    """Small random weights and zero biases for the two layers.

    Parameters
    ----------
    n_x, n_h, n_y : int, at least 1
        Sizes of the input, hidden and output layers.
    seed : int
        Seed of a local ``np.random.RandomState``. The weights are the numbers
        that ``np.random.seed(seed)`` followed by ``np.random.randn`` for W1,
        then W2, would give; the global random state is left untouched.

    Returns
    -------
    dict
        ``"W1"``: (n_h, n_x) standard normal × 0.01; ``"b1"``: (n_h, 1) zeros;
        ``"W2"``: (n_y, n_h) standard normal × 0.01; ``"b2"``: (n_y, 1) zeros;
        all float64.
    """
    n_x, n_h, n_y = as_count("n_x", n_x), as_count("n_h", n_h), as_count("n_y", n_y)
    rng = np.random.RandomState(seed)
    W1 = rng.randn(n_h, n_x) * 0.01
    W2 = rng.randn(n_y, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def _forward(X, params):
    Z1 = layers.linear(X, params["W1"], params["b1"])
    A1 = np.tanh(Z1)
    Z2 = layers.linear(A1, params["W2"], params["b2"])
    A2 = stable_math.sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def forward_propagation(X, parameters):
    """Forward pass: tanh hidden layer, sigmoid output.

    Parameters
    ----------
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column.
    parameters : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (n_y, n_h),
        ``"b2"`` (n_y, 1), float64.

    Returns
    -------
    A2 : ndarray of shape (n_y, m), float64
        Output probabilities σ(Z2).
    cache : dict
        What the backward pass needs: ``"Z1"`` and ``"A1"`` of shape (n_h, m),
        ``"Z2"`` and ``"A2"`` of shape (n_y, m), float64.
    """
    X = as_float_array("X", X, ("n_x", "m"))
    params = check_layer_parameters(parameters, 2, X.shape[0], size_names=_SIZE_NAMES)
    return _forward(X, params)


def compute_cost(A2, Y):
    """Mean cross-entropy of the predictions.

    Parameters
    ----------
    A2 : ndarray of shape (n_y, m), float64
        Output probabilities (n_y = 1 in the lecture).
    Y : ndarray of shape (n_y, m), real
        Labels, 0 or 1.

    Returns
    -------
    float
        −(1/m) Σ [Y log A2 + (1 − Y) log(1 − A2)]. A probability that has
        rounded to exactly 0 or 1 is clamped, so the cost stays finite and no
        warning is raised.
    """
    A2 = as_float_array("A2", A2, ("n_y", "m"))
    Y = as_float_array("Y", Y, A2.shape)
    return stable_math.binary_cross_entropy(A2, Y)


def _backward(params, cache, X, Y):
    dZ2 = cache["A2"] - Y
    dA1, dW2, db2 = layers.linear_backward(dZ2, cache["A1"], params["W2"])
    # tanh'(Z1) = 1 - tanh(Z1)^2 = 1 - A1^2, so the cache's A1 is all we need.
    dZ1 = dA1 * (1.0 - cache["A1"] ** 2)
    _, dW1, db1 = layers.linear_backward(dZ1, X, params["W1"], need_dA_prev=False)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _check_cache(cache, n_h, n_y, m):
    if not isinstance(cache, dict):
        raise TypeError(f"cache must be a dict, got {type(cache).__name__}")
    checked = {}
    for key, rows in (("Z1", n_h), ("A1", n_h), ("Z2", n_y), ("A2", n_y)):
        if key not in cache:
            raise ValueError(f"cache is missing {key!r}, got keys {sorted(cache)}")
        checked[key] = as_float_array(key, cache[key], (rows, m))
    return checked


def backward_propagation(parameters, cache, X, Y):
    """Gradients of the mean cross-entropy with respect to every parameter.

    Parameters
    ----------
    parameters : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (n_y, n_h),
        ``"b2"`` (n_y, 1), float64.
    cache : dict
        From :func:`forward_propagation`: ``"Z1"``, ``"A1"`` (n_h, m),
        ``"Z2"``, ``"A2"`` (n_y, m). Only A1 and A2 are read.
    X : ndarray of shape (n_x, m), float64
        The inputs the cache was computed from.
    Y : ndarray of shape (n_y, m), real
        Labels, 0 or 1.

    Returns
    -------
    dict
        ``"dW1"`` (n_h, n_x), ``"db1"`` (n_h, 1), ``"dW2"`` (n_y, n_h),
        ``"db2"`` (n_y, 1), float64: with dZ2 = A2 − Y and
        dZ1 = W2ᵀ dZ2 ⊙ (1 − A1²), dW = (1/m) dZ A_prevᵀ and db = (1/m) Σ dZ.
    """
    X = as_float_array("X", X, ("n_x", "m"))
    n_x, m = X.shape
    Y = as_float_array("Y", Y, ("n_y", m))
    params = check_layer_parameters(parameters, 2, n_x, n_y=Y.shape[0], size_names=_SIZE_NAMES)
    cache = _check_cache(cache, params["W1"].shape[0], Y.shape[0], m)
    return _backward(params, cache, X, Y)


def update_parameters(parameters, grads, learning_rate=1.2):
    """One gradient descent step, θ ← θ − α·dθ, returned as a new dict.

    Parameters
    ----------
    parameters : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (n_y, n_h),
        ``"b2"`` (n_y, 1), float64. Not modified.
    grads : dict
        ``"dW1"``, ``"db1"``, ``"dW2"``, ``"db2"`` shaped like the parameters.
    learning_rate : float, positive
        Step size α.

    Returns
    -------
    dict
        New arrays under the keys ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"``.
    """
    params = check_layer_parameters(parameters, 2, "n_x", size_names=_SIZE_NAMES)
    grads = check_gradients_match(params, grads, 2)
    learning_rate = as_learning_rate(learning_rate)
    return layers.gradient_descent_step(params, grads, learning_rate)


def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    """Train the one-hidden-layer network by batch gradient descent.

    The weights start from :func:`initialize_parameters` with seed 3, and each
    step uses :func:`update_parameters`' default learning rate, 1.2.

    Parameters
    ----------
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column.
    Y : ndarray of shape (n_y, m), real
        Labels, 0 or 1.
    n_h : int, at least 1
        Size of the hidden layer.
    num_iterations : int, at least 0
        Number of gradient descent steps.
    print_cost : bool
        Print ``Cost after iteration i: …`` every 1000 iterations.

    Returns
    -------
    dict
        The trained ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"`` (shapes as in
        :func:`initialize_parameters`).
    """
    X = as_float_array("X", X, ("n_x", "m"))
    Y = as_float_array("Y", Y, ("n_y", X.shape[1]))
    n_h = as_count("n_h", n_h)
    num_iterations = as_count("num_iterations", num_iterations, minimum=0)
    n_x, _, n_y = layer_sizes(X, Y)
    params = initialize_parameters(n_x, n_h, n_y, seed=3)
    for i in range(num_iterations):
        A2, cache = _forward(X, params)
        cost = stable_math.binary_cross_entropy(A2, Y)
        grads = _backward(params, cache, X, Y)
        params = layers.gradient_descent_step(params, grads, 1.2)
        if print_cost and i % 1000 == 0:
            print(f"Cost after iteration {i}: {cost:f}")
    return params


def predict(parameters, X):
    """Predict 1 where the network's output probability exceeds 0.5.

    Parameters
    ----------
    parameters : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (n_y, n_h),
        ``"b2"`` (n_y, 1), float64.
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column.

    Returns
    -------
    ndarray of shape (n_y, m), bool
        True where A2 > 0.5.
    """
    A2, _ = forward_propagation(X, parameters)
    return A2 > 0.5
