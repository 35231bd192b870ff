"""Hidden checks of assignment 3, a network with one hidden layer.

Every check draws its inputs from its own ``np.random.default_rng`` seed, with
shapes the notebook's visible checks never use: one example (m = 1), one input
feature, one hidden unit, several output units, and non-square matrices so a
missing or extra transpose cannot pass by luck. Student code is called through
:func:`nndl.expect.call_without_mutation`, which silences NumPy's overflow
warnings and fails if an input was modified in place.

The cache given to ``backward_propagation`` holds an ``A1`` that is *not*
tanh(Z1), so code that recomputes tanh′ from Z1 instead of using 1 − A1² fails.
"""

from __future__ import annotations

import numpy as np

from autograder.assignments import draws
from autograder.assignments.compare import call_seeded
from autograder.reference import shallow
from nndl.expect import call_without_mutation, expect_close, expect_equal, expect_scalar, expect_shape, expect_type

__all__ = [
    "check_layer_sizes",
    "check_initialize_parameters",
    "check_forward_propagation",
    "check_compute_cost",
    "check_backward_propagation",
    "check_update_parameters",
    "check_nn_model",
    "check_predict",
]

# (n_x, n_h, n_y, m): a single example, a single feature, a single hidden unit,
# several outputs, and sizes that differ from each other so transposes show.
_NETWORK_SHAPES = [(3, 5, 1, 7), (1, 2, 1, 4), (4, 1, 1, 6), (2, 3, 2, 5), (5, 6, 1, 1), (3, 4, 1, 9)]


def _random_parameters(rng, n_x, n_h, n_y, scale=1.0):
    return {
        "W1": rng.normal(0, scale, (n_h, n_x)),
        "b1": rng.normal(0, scale, (n_h, 1)),
        "W2": rng.normal(0, scale, (n_y, n_h)),
        "b2": rng.normal(0, scale, (n_y, 1)),
    }


def _labels(rng, n_y, m):
    return (rng.random((n_y, m)) < 0.5).astype(np.float64)


def _expect_parameters(name, got, expected, hint=None):
    expect_type(name, got, dict, hint="return a dict of the parameters")
    expect_equal(f"the keys of {name}", sorted(got), sorted(expected))
    for key, value in expected.items():
        expect_close(f"{name}[{key!r}]", got[key], value, hint=hint)


def check_layer_sizes(layer_sizes) -> None:
    """layer_sizes(X, Y) on data of several shapes, n_y > 1 included."""
    rng = draws.rng(3101)
    for n_x, _, n_y, m in _NETWORK_SHAPES + [(7, 4, 3, 2)]:
        X = rng.normal(size=(n_x, m))
        Y = _labels(rng, n_y, m)
        got = call_without_mutation(layer_sizes, X, Y)
        expect_equal(
            f"layer_sizes(X of shape {X.shape}, Y of shape {Y.shape})",
            tuple(got),
            shallow.layer_sizes(X, Y),
            hint="read n_x from X.shape[0] and n_y from Y.shape[0]; n_h is 4",
        )


def check_initialize_parameters(initialize_parameters) -> None:
    """Seeded draws for several sizes and seeds; NumPy's global generator left alone."""
    cases = [(3, 5, 1, None), (1, 1, 1, 0), (6, 2, 3, 11), (2, 7, 1, 123), (4, 4, 2, 2024)]
    for n_x, n_h, n_y, seed in cases:
        got, expected, call = call_seeded(initialize_parameters, shallow.initialize_parameters, (n_x, n_h, n_y), seed)
        _expect_parameters(
            call,
            got,
            expected,
            hint="rng = np.random.RandomState(seed); W1 = rng.randn(n_h, n_x) * 0.01, "
            "then W2 = rng.randn(n_y, n_h) * 0.01; zero biases",
        )


def check_forward_propagation(forward_propagation) -> None:
    """A2 and every cache entry, including a case where Z2 overflows np.exp."""
    rng = draws.rng(3102)
    cases = []
    for n_x, n_h, n_y, m in _NETWORK_SHAPES:
        cases.append((rng.normal(size=(n_x, m)), _random_parameters(rng, n_x, n_h, n_y)))
    # |Z2| near 1000: exp(-Z2) overflows for the most negative entries.
    X = rng.normal(size=(2, 5))
    params = _random_parameters(rng, 2, 3, 1)
    params["W2"] = np.array([[400.0, -300.0, 350.0]])
    params["b2"] = np.array([[-20.0]])
    cases.append((X, params))
    for X, params in cases:
        got = call_without_mutation(forward_propagation, X, params)
        expected_A2, expected_cache = shallow.forward_propagation(X, params)
        where = f"for X of shape {X.shape} and n_h = {params['W1'].shape[0]}"
        if not (isinstance(got, tuple) and len(got) == 2):
            raise AssertionError(f"forward_propagation should return (A2, cache), got {type(got).__name__}")
        A2, cache = got
        expect_type(f"cache {where}", cache, dict)
        for key in ("Z1", "A1", "Z2", "A2"):
            if key not in cache:
                raise AssertionError(f'cache {where} is missing "{key}"')
        expect_close(f'cache["Z1"] {where}', cache["Z1"], expected_cache["Z1"], hint="Z1 = np.dot(W1, X) + b1")
        expect_close(f'cache["A1"] {where}', cache["A1"], expected_cache["A1"], hint="A1 = np.tanh(Z1)")
        expect_close(f'cache["Z2"] {where}', cache["Z2"], expected_cache["Z2"], hint="Z2 = np.dot(W2, A1) + b2")
        expect_close(f"A2 {where}", A2, expected_A2, hint="A2 = sigmoid(Z2)")
        expect_close(f'cache["A2"] {where}', cache["A2"], expected_A2)


def check_compute_cost(compute_cost) -> None:
    """The mean cross-entropy for several m, m = 1 included."""
    rng = draws.rng(3103)
    for m in (1, 2, 7, 50):
        A2 = rng.uniform(0.02, 0.98, size=(1, m))
        Y = _labels(rng, 1, m)
        got = call_without_mutation(compute_cost, A2, Y)
        expect_scalar(f"compute_cost for m = {m}", got, hint="return one number: float(cost) or np.squeeze(cost)")
        expect_close(
            f"compute_cost for m = {m}",
            got,
            shallow.compute_cost(A2, Y),
            hint="-(1/m) * sum(Y log A2 + (1 - Y) log(1 - A2)); divide by m = Y.shape[1]",
        )


def check_backward_propagation(backward_propagation) -> None:
    """All four gradients; the cache's A1 is deliberately unrelated to tanh(Z1)."""
    rng = draws.rng(3104)
    for n_x, n_h, n_y, m in _NETWORK_SHAPES:
        params = _random_parameters(rng, n_x, n_h, n_y)
        X = rng.normal(size=(n_x, m))
        Y = _labels(rng, n_y, m)
        cache = {
            "Z1": rng.normal(0, 2, (n_h, m)),
            "A1": rng.uniform(-0.95, 0.95, (n_h, m)),
            "Z2": rng.normal(0, 2, (n_y, m)),
            "A2": rng.uniform(0.05, 0.95, (n_y, m)),
        }
        got = call_without_mutation(backward_propagation, params, cache, X, Y)
        expected = shallow.backward_propagation(params, cache, X, Y)
        where = f"(n_x, n_h, n_y, m) = {(n_x, n_h, n_y, m)}"
        expect_type(f"grads for {where}", got, dict)
        hints = {
            "dW2": "dW2 = np.dot(dZ2, A1.T) / m with dZ2 = A2 - Y",
            "db2": "db2 = np.sum(dZ2, axis=1, keepdims=True) / m",
            "dW1": "dZ1 = np.dot(W2.T, dZ2) * (1 - A1 ** 2): take tanh' from the cached A1, "
            "not from Z1; then dW1 = np.dot(dZ1, X.T) / m",
            "db1": "db1 = np.sum(dZ1, axis=1, keepdims=True) / m with dZ1 = np.dot(W2.T, dZ2) * (1 - A1 ** 2) "
            "computed from the cached A1",
        }
        for key in ("dW2", "db2", "dW1", "db1"):
            if key not in got:
                raise AssertionError(f'grads for {where} is missing "{key}"')
            expect_shape(f'grads["{key}"] for {where}', got[key], expected[key].shape, hint=hints[key])
            expect_close(f'grads["{key}"] for {where}', got[key], expected[key], hint=hints[key])


def check_update_parameters(update_parameters) -> None:
    """A gradient descent step with several learning rates; the input dict unchanged."""
    rng = draws.rng(3105)
    for (n_x, n_h, n_y, _), rate in zip(_NETWORK_SHAPES, (None, 0.01, 0.5, 2.0, 1.2, 0.3)):
        params = _random_parameters(rng, n_x, n_h, n_y)
        grads = {"d" + key: value for key, value in _random_parameters(rng, n_x, n_h, n_y).items()}
        if rate is None:
            got = call_without_mutation(update_parameters, params, grads)
            expected = shallow.update_parameters(params, grads)
            call = "update_parameters(parameters, grads)"
        else:
            got = call_without_mutation(update_parameters, params, grads, learning_rate=rate)
            expected = shallow.update_parameters(params, grads, learning_rate=rate)
            call = f"update_parameters(parameters, grads, learning_rate={rate})"
        _expect_parameters(call, got, expected, hint="theta - learning_rate * dtheta for every parameter")


def check_nn_model(nn_model) -> None:
    """Short trainings on random data, compared parameter by parameter with the reference."""
    rng = draws.rng(3106)
    for n_x, n_h, m, iterations in ((3, 2, 8, 30), (2, 1, 5, 12), (1, 5, 10, 25), (4, 3, 1, 7), (2, 6, 9, 0)):
        X = rng.normal(size=(n_x, m))
        Y = _labels(rng, 1, m)
        got = call_without_mutation(nn_model, X, Y, n_h, num_iterations=iterations)
        expected = shallow.nn_model(X, Y, n_h, num_iterations=iterations)
        _expect_parameters(
            f"nn_model(X of shape {X.shape}, Y, n_h={n_h}, num_iterations={iterations})",
            got,
            expected,
            hint="start from initialize_parameters(n_x, n_h, n_y, seed=3), run exactly num_iterations steps of "
            "forward, backward and update (learning rate 1.2), and return the parameters",
        )


def check_predict(predict) -> None:
    """Boolean predictions, including outputs of exactly 0.5 (which predict False)."""
    rng = draws.rng(3107)
    cases = []
    for n_x, n_h, _, m in _NETWORK_SHAPES:
        cases.append((_random_parameters(rng, n_x, n_h, 1, scale=2.0), rng.normal(size=(n_x, m))))
    half = _random_parameters(rng, 3, 2, 1)
    half["W2"] = np.zeros((1, 2))
    half["b2"] = np.zeros((1, 1))
    cases.append((half, rng.normal(size=(3, 6))))
    for params, X in cases:
        got = call_without_mutation(predict, params, X)
        expected = shallow.predict(params, X)
        where = f"predict(parameters, X of shape {X.shape})"
        expect_shape(where, got, expected.shape, hint="return the (1, m) array A2 > 0.5")
        expect_equal(
            where,
            np.asarray(got, dtype=bool),
            expected,
            hint="predict True exactly where A2 > 0.5 (an output of 0.5 predicts False)",
        )
