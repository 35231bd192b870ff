"""Reference solutions for assignment 2, logistic regression as a one-neuron network.

Examples are columns: X has shape (n_x, m) and Y has shape (1, m) with labels
0 or 1. The model is ŷ = σ(wᵀX + b) with w of shape (n_x, 1) and a scalar b,
trained by batch gradient descent on the mean cross-entropy

    J = −(1/m) Σ_i [y_i log ŷ_i + (1 − y_i) log(1 − ŷ_i)].
"""

from __future__ import annotations

import numpy as np

from autograder.reference import stable_math
from autograder.reference.validation import (
    as_count,
    as_float_array,
    as_learning_rate,
    as_real_scalar,
)

__all__ = [
    "sigmoid",
    "initialize_with_zeros",
    "propagate",
    "optimize",
    "predict",
    "model",
]


def sigmoid(z):
    """Sigmoid of every entry.

    Parameters
    ----------
    z : array_like of any shape, real
        A scalar or an array, e.g. wᵀX + b of shape (1, m).

    Returns
    -------
    ndarray of the same shape as ``z``, float64
        1 / (1 + e^(−z)) entrywise (a NumPy float for a scalar input), with no
        overflow warning for large |z|.
    """
    z = as_float_array("z", z)
    return stable_math.sigmoid(z)[()]


def initialize_with_zeros(dim):
    """Zero weights and bias for a logistic regression on ``dim`` features.

    Parameters
    ----------
    dim : int, at least 1
        Number of features n_x.

    Returns
    -------
    w : ndarray of shape (dim, 1), float64
        Zeros.
    b : float
        0.0.
    """
    dim = as_count("dim", dim)
    return np.zeros((dim, 1)), 0.0


def _check_problem(w, b, X, Y=None):
    X = as_float_array("X", X, ("n_x", "m"))
    n_x, m = X.shape
    w = as_float_array("w", w, (n_x, 1))
    b = as_real_scalar("b", b)
    if Y is not None:
        Y = as_float_array("Y", Y, (1, m))
    return w, b, X, Y


def propagate(w, b, X, Y):
    """Cost and gradient of logistic regression on a batch (one forward and backward pass).

    Parameters
    ----------
    w : ndarray of shape (n_x, 1), float64
        Weights.
    b : float
        Bias (a Python or NumPy scalar).
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column.
    Y : ndarray of shape (1, m), real
        Labels, 0 or 1.

    Returns
    -------
    grads : dict
        ``"dw"``: ndarray of shape (n_x, 1), float64, ∂J/∂w = (1/m) X (A − Y)ᵀ;
        ``"db"``: float, ∂J/∂b = (1/m) Σ (A − Y); where A = σ(wᵀX + b).
    cost : float
        The mean cross-entropy J. It is computed from the logits, so it stays
        finite and warning-free even when A rounds to exactly 0 or 1.
    """
    w, b, X, Y = _check_problem(w, b, X, Y)
    m = X.shape[1]
    Z = w.T @ X + b
    A = stable_math.sigmoid(Z)
    cost = stable_math.binary_cross_entropy_from_logits(Z, Y)
    dZ = A - Y
    grads = {"dw": X @ dZ.T / m, "db": float(np.sum(dZ) / m)}
    return grads, cost


def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    """Run batch gradient descent on w and b.

    Parameters
    ----------
    w : ndarray of shape (n_x, 1), float64
        Starting weights (not modified).
    b : float
        Starting bias.
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column.
    Y : ndarray of shape (1, m), real
        Labels, 0 or 1.
    num_iterations : int, at least 0
        Number of gradient descent steps.
    learning_rate : float, positive
        Step size α in w ← w − α·dw, b ← b − α·db.
    print_cost : bool
        Print ``Cost after iteration i: …`` every 100 iterations.

    Returns
    -------
    params : dict
        ``"w"``: ndarray of shape (n_x, 1), float64, and ``"b"``: float, after
        the last step.
    grads : dict
        ``"dw"`` and ``"db"`` as in :func:`propagate`, taken at the parameters
        before the last step (at the starting point if ``num_iterations`` is 0).
    costs : list of float
        The cost before the step of iteration i, for i = 0, 100, 200, ….
    """
    w, b, X, Y = _check_problem(w, b, X, Y)
    num_iterations = as_count("num_iterations", num_iterations, minimum=0)
    learning_rate = as_learning_rate(learning_rate)
    costs = []
    if num_iterations == 0:
        grads, _ = propagate(w, b, X, Y)
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost:f}")
    return {"w": w, "b": b}, grads, costs


def predict(w, b, X):
    """Label each example 1 if σ(wᵀx + b) > 0.5, else 0.

    Parameters
    ----------
    w : ndarray of shape (n_x, 1), float64
        Weights.
    b : float
        Bias.
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column.

    Returns
    -------
    ndarray of shape (1, m), float64
        Predictions 0.0 or 1.0; a probability of exactly 0.5 gives 0.0.
    """
    w, b, X, _ = _check_problem(w, b, X)
    A = stable_math.sigmoid(w.T @ X + b)
    return (A > 0.5).astype(np.float64)


def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    """Train logistic regression from zero weights and predict on both sets.

    Parameters
    ----------
    X_train : ndarray of shape (n_x, m_train), float64
        Training inputs, one example per column (for images: flattened with
        ``X.reshape(m, -1).T`` and divided by 255).
    Y_train : ndarray of shape (1, m_train), real
        Training labels, 0 or 1.
    X_test : ndarray of shape (n_x, m_test), float64
        Test inputs.
    Y_test : ndarray of shape (1, m_test), real
        Test labels, 0 or 1.
    num_iterations : int, at least 0
        Number of gradient descent steps.
    learning_rate : float, positive
        Step size.
    print_cost : bool
        Print the cost every 100 iterations, then both accuracies.

    Returns
    -------
    dict
        ``"costs"``: list of float, the cost at iterations 0, 100, …;
        ``"Y_prediction_test"``: ndarray (1, m_test) of 0.0/1.0;
        ``"Y_prediction_train"``: ndarray (1, m_train) of 0.0/1.0;
        ``"w"``: ndarray (n_x, 1); ``"b"``: float;
        ``"learning_rate"``: float; ``"num_iterations"``: int.
    """
    X_train = as_float_array("X_train", X_train, ("n_x", "m_train"))
    n_x, m_train = X_train.shape
    Y_train = as_float_array("Y_train", Y_train, (1, m_train))
    X_test = as_float_array("X_test", X_test, (n_x, "m_test"))
    Y_test = as_float_array("Y_test", Y_test, (1, X_test.shape[1]))
    num_iterations = as_count("num_iterations", num_iterations, minimum=0)
    learning_rate = as_learning_rate(learning_rate)

    w, b = initialize_with_zeros(n_x)
    params, _, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_train = predict(w, b, X_train)
    Y_prediction_test = predict(w, b, X_test)
    if print_cost:
        print(f"train accuracy: {100 - np.mean(np.abs(Y_prediction_train - Y_train)) * 100} %")
        print(f"test accuracy: {100 - np.mean(np.abs(Y_prediction_test - Y_test)) * 100} %")
    return {
        "costs": costs,
        "Y_prediction_test": Y_prediction_test,
        "Y_prediction_train": Y_prediction_train,
        "w": w,
        "b": b,
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }
