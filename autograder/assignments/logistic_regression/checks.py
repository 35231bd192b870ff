"""Hidden checks of assignment 2, logistic regression with a neural-network mindset.

Every check draws small problems from its own ``np.random.default_rng`` seed
(a few features and examples, at most a few hundred iterations, so a whole
submission grades in seconds), including m = 1, n_x = 1 and non-square data
so that a missing transpose or a sum over the wrong axis cannot pass by luck.
Student functions are called through
:func:`nndl.expect.call_without_mutation`, which silences NumPy's overflow
warnings and fails when an argument was modified in place.
"""

from __future__ import annotations

import numpy as np

from autograder.assignments import draws
from autograder.reference import logistic, preprocessing
from nndl.expect import call_without_mutation, expect_close, expect_equal, expect_shape, expect_type

__all__ = [
    "check_flatten_images",
    "check_sigmoid",
    "check_initialize_with_zeros",
    "check_propagate",
    "check_optimize",
    "check_predict",
    "check_model",
]

_COST_HINT = (
    "the cost is the MEAN of the losses: -(1/m) * sum(Y*log(A) + (1-Y)*log(1-A)); "
    "a ratio equal to m means the 1/m is missing"
)
_DW_HINT = "dw = (1/m) * X @ (A - Y).T has shape (n_x, 1): check the transpose and the 1/m"
_DB_HINT = "db = (1/m) * np.sum(A - Y) is one number"


def _problem(rng, n_x, m, w_scale=0.5):
    """Random weights, bias, inputs and 0/1 labels with moderate logits |wᵀx + b|."""
    w = rng.normal(0.0, w_scale, size=(n_x, 1))
    b = float(rng.uniform(-1.0, 1.0))
    X = rng.normal(0.0, 1.0, size=(n_x, m))
    Y = rng.integers(0, 2, size=(1, m)).astype(float)
    return w, b, X, Y


def check_flatten_images(flatten_images) -> None:
    """flatten_images(X_orig) on random uint8 stacks of several (m, h, w, c) shapes."""
    rng = draws.rng(2101)
    for shape in [(3, 4, 5, 3), (1, 2, 2, 3), (5, 3, 3, 3), (4, 6, 2, 1), (7, 2, 3, 3)]:
        X_orig = rng.integers(0, 256, size=shape, dtype=np.uint8)
        got = call_without_mutation(flatten_images, X_orig)
        m, n = shape[0], shape[1] * shape[2] * shape[3]
        expect_shape(
            f"flatten_images(X_orig) for X_orig of shape {shape}",
            got,
            (n, m),
            hint="one column per image: X_orig.reshape(m, -1).T",
        )
        expect_close(
            f"flatten_images(X_orig) for X_orig of shape {shape}",
            got,
            preprocessing.flatten_images(X_orig),
            hint="column i must be image i divided by 255: use X_orig.reshape(m, -1).T / 255 "
            "(X_orig.reshape(-1, m) has the right shape but mixes different images)",
        )


def check_sigmoid(sigmoid) -> None:
    """sigmoid(z) on arrays of several shapes, including logits that overflow exp."""
    rng = draws.rng(2102)
    cases = [rng.uniform(-8, 8, size=shape) for shape in [(1, 7), (3, 1), (2, 5), (1, 1)]]
    cases.append(np.array([[-1000.0, -40.0, 0.0, 40.0, 1000.0]]))
    for z in cases:
        got = call_without_mutation(sigmoid, z)
        expect_close(
            f"sigmoid(z) for z of shape {z.shape}",
            got,
            logistic.sigmoid(z),
            hint="return 1 / (1 + np.exp(-z)) with the shape of z",
        )


def check_initialize_with_zeros(initialize_with_zeros) -> None:
    """initialize_with_zeros(dim) for several dims, one of them 1."""
    for dim in (1, 7, 12288, 30):
        got = call_without_mutation(initialize_with_zeros, dim)
        expect_type(f"initialize_with_zeros({dim})", got, tuple, hint="return the pair (w, b)")
        expect_equal(f"len(initialize_with_zeros({dim}))", len(got), 2, hint="return the pair (w, b)")
        w, b = got
        expect_shape(
            f"w from initialize_with_zeros({dim})",
            w,
            (dim, 1),
            hint="w = np.zeros((dim, 1)), a column with dim entries",
        )
        expect_close(f"w from initialize_with_zeros({dim})", w, np.zeros((dim, 1)))
        expect_type(
            f"b from initialize_with_zeros({dim})",
            b,
            (float, np.floating),
            hint="b must be the number 0.0, not an int or an array",
        )
        expect_close(f"b from initialize_with_zeros({dim})", b, 0.0)


def _expect_grads(label, grads, ref_grads, n_x):
    expect_type(f"grads from {label}", grads, dict, hint='return grads = {"dw": dw, "db": db}')
    for key in ("dw", "db"):
        if key not in grads:
            raise AssertionError(f'grads from {label} has no key "{key}"; keys found: {sorted(grads)}')
    expect_shape(f'grads["dw"] from {label}', grads["dw"], (n_x, 1), hint=_DW_HINT)
    expect_close(f'grads["dw"] from {label}', grads["dw"], ref_grads["dw"], hint=_DW_HINT)
    expect_close(f'grads["db"] from {label}', grads["db"], ref_grads["db"], hint=_DB_HINT)


def check_propagate(propagate) -> None:
    """propagate(w, b, X, Y) on random problems, m = 1 and n_x = 1 included."""
    rng = draws.rng(2103)
    for n_x, m in [(3, 5), (4, 1), (1, 6), (7, 7), (10, 3)]:
        w, b, X, Y = _problem(rng, n_x, m)
        got = call_without_mutation(propagate, w, b, X, Y)
        expect_equal(f"len(propagate(...)) for X of shape {X.shape}", len(got), 2, hint="return grads, cost")
        grads, cost = got
        ref_grads, ref_cost = logistic.propagate(w, b, X, Y)
        label = f"propagate with X of shape {X.shape}"
        _expect_grads(label, grads, ref_grads, n_x)
        expect_close(f"cost from {label}", cost, ref_cost, hint=_COST_HINT)


def check_optimize(optimize) -> None:
    """optimize(...) for a few hundred steps on small problems, default arguments included."""
    rng = draws.rng(2104)
    cases = [
        ((3, 5), {"num_iterations": 250, "learning_rate": 0.1}),
        ((1, 4), {"num_iterations": 101, "learning_rate": 0.05}),
        ((6, 1), {"num_iterations": 150, "learning_rate": 0.2}),
        ((4, 9), {"num_iterations": 300, "learning_rate": 0.01}),
        ((2, 3), {}),
    ]
    for (n_x, m), kwargs in cases:
        w, b, X, Y = _problem(rng, n_x, m)
        label = f"optimize with X of shape {X.shape} and {kwargs or 'the default arguments'}"
        got = call_without_mutation(optimize, w, b, X, Y, **kwargs)
        expect_equal(f"len(result of {label})", len(got), 3, hint="return params, grads, costs")
        params, grads, costs = got
        ref_params, ref_grads, ref_costs = logistic.optimize(w, b, X, Y, **kwargs)
        expect_type(f"params from {label}", params, dict, hint='return params = {"w": w, "b": b}')
        expect_shape(f'params["w"] from {label}', params.get("w"), (n_x, 1))
        step_hint = (
            "update with w = w - learning_rate * dw and b = b - learning_rate * db, "
            "using the learning_rate and num_iterations arguments"
        )
        expect_close(f'params["w"] from {label}', params["w"], ref_params["w"], hint=step_hint)
        expect_close(f'params["b"] from {label}', params.get("b"), ref_params["b"], hint=step_hint)
        _expect_grads(label, grads, ref_grads, n_x)
        expect_close(
            f"costs from {label}",
            list(costs),
            ref_costs,
            hint="record the cost of iterations 0, 100, 200, ... (when i % 100 == 0); " + _COST_HINT,
        )


def check_predict(predict) -> None:
    """predict(w, b, X) on random problems and on logits of exactly 0 (probability 0.5)."""
    rng = draws.rng(2105)
    cases = [_problem(rng, n_x, m, w_scale=1.0)[:3] for n_x, m in [(3, 8), (5, 1), (1, 6), (4, 4)]]
    # w = 0 and b = 0 give a probability of exactly 0.5 for every example: all must be 0.
    cases.append((np.zeros((3, 1)), 0.0, rng.normal(size=(3, 5))))
    # Some logits exactly 0 among others: z = x1 - x2 + 0 on chosen columns.
    cases.append((np.array([[1.0], [-1.0]]), 0.0, np.array([[1.0, 2.0, -3.0, 0.5], [1.0, 0.5, -3.0, 2.0]])))
    for w, b, X in cases:
        got = call_without_mutation(predict, w, b, X)
        expect_shape(
            f"predict(w, b, X) for X of shape {X.shape}",
            got,
            (1, X.shape[1]),
            hint="return a (1, m) row of predictions",
        )
        expect_equal(
            f"predict(w, b, X) for X of shape {X.shape}",
            got,
            logistic.predict(w, b, X),
            hint="predict 1 where sigmoid(w.T @ X + b) > 0.5 (strictly: a probability of exactly "
            "0.5 gives 0) and 0 elsewhere",
        )


def check_model(model) -> None:
    """model(...) trained briefly on two small random problems."""
    rng = draws.rng(2106)
    for n_x, m_train, m_test, iters, rate in [(5, 12, 6, 300, 0.05), (1, 7, 1, 120, 0.3)]:
        w_true = rng.normal(0.0, 1.0, size=(n_x, 1))
        X_train = rng.normal(0.0, 1.0, size=(n_x, m_train))
        X_test = rng.normal(0.0, 1.0, size=(n_x, m_test))
        # Labels from a noisy linear rule, so training has something to learn.
        Y_train = (w_true.T @ X_train + rng.normal(0.0, 0.5, size=(1, m_train)) > 0).astype(float)
        Y_test = (w_true.T @ X_test + rng.normal(0.0, 0.5, size=(1, m_test)) > 0).astype(float)
        label = f"model with X_train of shape {X_train.shape}, num_iterations={iters}, learning_rate={rate}"
        d = call_without_mutation(model, X_train, Y_train, X_test, Y_test, num_iterations=iters, learning_rate=rate)
        ref = logistic.model(X_train, Y_train, X_test, Y_test, num_iterations=iters, learning_rate=rate)
        expect_type(f"result of {label}", d, dict, hint="return the dictionary d")
        missing = sorted(set(ref) - set(d))
        if missing:
            raise AssertionError(f"the dictionary returned by {label} lacks the keys {missing}")
        train_hint = (
            "start from initialize_with_zeros(X_train.shape[0]) and pass num_iterations and "
            "learning_rate on to optimize"
        )
        expect_close(f'd["costs"] from {label}', list(d["costs"]), ref["costs"], hint=train_hint)
        expect_shape(f'd["w"] from {label}', d["w"], (n_x, 1))
        expect_close(f'd["w"] from {label}', d["w"], ref["w"], hint=train_hint)
        expect_close(
            f'd["b"] from {label}', d["b"], ref["b"], hint="b must stay a number (0.0 to start with), not an array"
        )
        for key in ("Y_prediction_train", "Y_prediction_test"):
            expect_equal(
                f'd["{key}"] from {label}', d[key], ref[key], hint="predict with the trained w and b on each set"
            )
        expect_close(f'd["learning_rate"] from {label}', d["learning_rate"], rate)
        expect_equal(f'd["num_iterations"] from {label}', d["num_iterations"], iters)
