"""Hidden checks of assignment 4, the deep network built step by step.

Every check draws its inputs from its own ``np.random.default_rng`` seed, with
shapes the notebook's visible checks never use: one example (m = 1), layers of
width 1, a network with a single layer (L = 1), several output units, and
non-square matrices so that a missing transpose raises or gives wrong values.
Student code is called through :func:`nndl.expect.call_without_mutation`,
which silences NumPy's overflow warnings and fails if an input was modified.

The same checks re-test the building blocks pasted into assignment 5
(:mod:`autograder.assignments.deep_network_application.checks`).
"""

from __future__ import annotations

import numpy as np

from autograder.assignments import draws
from autograder.assignments.compare import call_seeded
from autograder.reference import deep
from nndl.expect import call_without_mutation, expect_close, expect_equal, expect_scalar, expect_type
from nndl.wire import ConstantFunction

__all__ = [
    "check_initialize_parameters",
    "check_initialize_parameters_deep",
    "check_linear_forward",
    "check_linear_activation_forward",
    "check_L_model_forward",
    "check_compute_cost",
    "check_linear_backward",
    "check_linear_activation_backward",
    "check_L_model_backward",
    "check_update_parameters",
    "check_gradient_check",
]

# (n_prev, n_l, m) for a single layer: non-square, widths of 1, one example.
_LAYER_SHAPES = [(3, 5, 4), (1, 2, 3), (4, 1, 6), (2, 3, 1), (6, 4, 2), (5, 5, 5)]
# layer_dims of whole networks, with the number of examples: L = 1 to 4.
_NETWORKS = [([3, 4, 1], 5), ([2, 1], 3), ([5, 3, 2, 1], 1), ([1, 1, 1], 4), ([4, 6, 3, 2, 1], 7), ([3, 2, 2], 6)]


def _random_parameters(rng, layer_dims, scale=1.0):
    params = {}
    for layer in range(1, len(layer_dims)):
        params[f"W{layer}"] = rng.normal(0, scale, (layer_dims[layer], layer_dims[layer - 1]))
        params[f"b{layer}"] = rng.normal(0, scale, (layer_dims[layer], 1))
    return params


def _labels(rng, shape):
    return (rng.random(shape) < 0.5).astype(np.float64)


def _random_caches(rng, layer_dims, m):
    """Layer caches ((A_prev, W, b), Z) with A_prev unrelated to the previous Z, as any backward pass allows."""
    caches = []
    for layer in range(1, len(layer_dims)):
        n_prev, n_l = layer_dims[layer - 1], layer_dims[layer]
        A_prev = rng.normal(size=(n_prev, m)) if layer == 1 else np.abs(rng.normal(size=(n_prev, m)))
        linear_cache = (A_prev, rng.normal(size=(n_l, n_prev)), rng.normal(size=(n_l, 1)))
        caches.append((linear_cache, rng.normal(0, 1.5, (n_l, m))))
    return caches


def _expect_grads(name, got, expected, hints):
    expect_type(name, got, dict, hint="return a dict of gradients")
    for key, value in expected.items():
        if key not in got:
            raise AssertionError(f'{name} is missing "{key}" (it has {sorted(got)})')
        expect_close(f'{name}["{key}"]', got[key], value, hint=hints(key))


def _expect_parameters(name, got, expected, hint):
    expect_type(name, got, dict, hint="return a dict of the parameters")
    expect_equal(
        f"the keys of {name}",
        sorted(got),
        sorted(expected),
        hint="one W and one b per layer with weights, named W1, b1, ..., WL, bL",
    )
    for key, value in expected.items():
        expect_close(f"{name}[{key!r}]", got[key], value, hint=hint)


def check_initialize_parameters(initialize_parameters) -> None:
    """Seeded draws of the two-layer initialisation for several sizes and seeds."""
    for n_x, n_h, n_y, seed in [(4, 3, 1, None), (1, 1, 1, 0), (7, 2, 3, 17), (2, 6, 1, 321)]:
        got, expected, call = call_seeded(initialize_parameters, deep.initialize_parameters, (n_x, n_h, n_y), seed)
        _expect_parameters(
            call,
            got,
            expected,
            hint="rng = np.random.RandomState(seed); W1 = rng.randn(n_h, n_x) * 0.01, then "
            "W2 = rng.randn(n_y, n_h) * 0.01; zero biases",
        )


def check_initialize_parameters_deep(initialize_parameters_deep) -> None:
    """Seeded draws for networks of one to four layers, widths of 1 included."""
    cases = [([6, 4, 1], None), ([1, 1], 2), ([3, 5, 2, 4], 9), ([7, 1, 3, 2, 1], 40), ([2, 8], 5)]
    for layer_dims, seed in cases:
        got, expected, call = call_seeded(
            initialize_parameters_deep, deep.initialize_parameters_deep, (list(layer_dims),), seed
        )
        _expect_parameters(
            call,
            got,
            expected,
            hint="for l = 1 ... len(layer_dims) - 1: W[l] = rng.randn(layer_dims[l], "
            "layer_dims[l - 1]) * 0.01 in this order from rng = np.random.RandomState(seed), "
            "and b[l] = np.zeros((layer_dims[l], 1))",
        )


def _expect_linear_cache(name, cache, A, W, b):
    if not (isinstance(cache, tuple) and len(cache) == 3):
        raise AssertionError(
            f"{name} should be the tuple (A_prev, W, b), got {type(cache).__name__}"
            + (f" of length {len(cache)}" if isinstance(cache, (tuple, list)) else "")
        )
    for part, value, label in zip(cache, (A, W, b), ("A_prev", "W", "b")):
        expect_close(f"{name} entry {label}", part, value, hint="the linear cache is (A_prev, W, b), in this order")


def check_linear_forward(linear_forward) -> None:
    """Z and the cache for layers of several shapes."""
    rng = draws.rng(4101)
    for n_prev, n_l, m in _LAYER_SHAPES:
        A, W, b = rng.normal(size=(n_prev, m)), rng.normal(size=(n_l, n_prev)), rng.normal(size=(n_l, 1))
        got = call_without_mutation(linear_forward, A, W, b)
        Z_expected, _ = deep.linear_forward(A, W, b)
        where = f"for A {A.shape}, W {W.shape}"
        if not (isinstance(got, tuple) and len(got) == 2):
            raise AssertionError(f"linear_forward {where} should return (Z, cache)")
        expect_close(f"Z {where}", got[0], Z_expected, hint="Z = np.dot(W, A) + b")
        _expect_linear_cache(f"the cache {where}", got[1], A, W, b)


def check_linear_activation_forward(linear_activation_forward) -> None:
    """Both activations, the layer cache, and pre-activations that overflow exp."""
    rng = draws.rng(4102)
    cases = []
    for n_prev, n_l, m in _LAYER_SHAPES:
        cases.append((rng.normal(size=(n_prev, m)), rng.normal(size=(n_l, n_prev)), rng.normal(size=(n_l, 1))))
    cases.append((rng.normal(size=(2, 4)), np.array([[900.0, -300.0], [-800.0, 5.0]]), np.zeros((2, 1))))
    for A_prev, W, b in cases:
        for activation in ("sigmoid", "relu"):
            got = call_without_mutation(linear_activation_forward, A_prev, W, b, activation)
            A_expected, (_, Z_expected) = deep.linear_activation_forward(A_prev, W, b, activation)
            where = f'with activation "{activation}", A_prev {A_prev.shape}, W {W.shape}'
            if not (isinstance(got, tuple) and len(got) == 2):
                raise AssertionError(f"linear_activation_forward {where} should return (A, cache)")
            A, cache = got
            expect_close(
                f"A {where}", A, A_expected, hint=f"Z from linear_forward, then A, activation_cache = {activation}(Z)"
            )
            if not (isinstance(cache, tuple) and len(cache) == 2):
                raise AssertionError(f"the cache {where} should be (linear_cache, activation_cache)")
            _expect_linear_cache(f"the linear cache {where}", cache[0], A_prev, W, b)
            expect_close(
                f"the activation cache {where}",
                cache[1],
                Z_expected,
                hint="the activation cache is Z, as returned by sigmoid(Z) or relu(Z)",
            )


def check_L_model_forward(L_model_forward) -> None:
    """AL and every layer's cache for networks of one to four layers."""
    rng = draws.rng(4103)
    cases = [(rng.normal(size=(dims[0], m)), _random_parameters(rng, dims)) for dims, m in _NETWORKS]
    # The output layer's Z reaches ±1000: a naive sigmoid overflows exp there.
    X = rng.normal(size=(3, 5))
    params = _random_parameters(rng, [3, 2, 1])
    params["W2"] = np.array([[600.0, -700.0]])
    cases.append((X, params))
    for X, params in cases:
        got = call_without_mutation(L_model_forward, X, params)
        AL_expected, caches_expected = deep.L_model_forward(X, params)
        L = len(params) // 2
        where = f"for a {L}-layer network on X {X.shape}"
        if not (isinstance(got, tuple) and len(got) == 2):
            raise AssertionError(f"L_model_forward {where} should return (AL, caches)")
        AL, caches = got
        expect_close(
            f"AL {where}",
            AL,
            AL_expected,
            hint="L = len(parameters) // 2; relu for layers 1 ... L-1, sigmoid for layer L",
        )
        if not isinstance(caches, (list, tuple)):
            raise AssertionError(f"caches {where} should be a list, got {type(caches).__name__}")
        expect_equal(f"len(caches) {where}", len(caches), L, hint="one cache per layer, layer 1 first")
        for layer, (cache, expected) in enumerate(zip(caches, caches_expected), start=1):
            (A_prev, W, b), Z = expected
            if not (isinstance(cache, tuple) and len(cache) == 2):
                raise AssertionError(f"caches[{layer - 1}] {where} should be (linear_cache, activation_cache)")
            _expect_linear_cache(f"the linear cache of layer {layer} {where}", cache[0], A_prev, W, b)
            expect_close(f"the activation cache (Z) of layer {layer} {where}", cache[1], Z)


def check_compute_cost(compute_cost) -> None:
    """The mean cross-entropy for several m, m = 1 included."""
    rng = draws.rng(4104)
    for m in (1, 3, 8, 40):
        AL = rng.uniform(0.02, 0.98, size=(1, m))
        Y = _labels(rng, (1, m))
        got = call_without_mutation(compute_cost, AL, Y)
        expect_scalar(f"compute_cost for m = {m}", got, hint="return one number: float(cost) or np.squeeze(cost)")
        expect_close(
            f"compute_cost for m = {m}",
            got,
            deep.compute_cost(AL, Y),
            hint="-(1/m) * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)), m = Y.shape[1]",
        )


def _linear_hint(key):
    return {
        "dW": "dW = np.dot(dZ, A_prev.T) / m with m = A_prev.shape[1]",
        "db": "db = np.sum(dZ, axis=1, keepdims=True) / m",
        "dA_prev": "dA_prev = np.dot(W.T, dZ), with no 1/m",
    }[key]


def check_linear_backward(linear_backward) -> None:
    """dA_prev, dW and db for layers of several shapes."""
    rng = draws.rng(4105)
    for n_prev, n_l, m in _LAYER_SHAPES:
        cache = (rng.normal(size=(n_prev, m)), rng.normal(size=(n_l, n_prev)), rng.normal(size=(n_l, 1)))
        dZ = rng.normal(size=(n_l, m))
        got = call_without_mutation(linear_backward, dZ, cache)
        expected = deep.linear_backward(dZ, cache)
        where = f"for dZ {dZ.shape}, A_prev {cache[0].shape}"
        if not (isinstance(got, tuple) and len(got) == 3):
            raise AssertionError(f"linear_backward {where} should return (dA_prev, dW, db)")
        for name, value, want in zip(("dA_prev", "dW", "db"), got, expected):
            expect_close(f"{name} {where}", value, want, hint=_linear_hint(name))


def check_linear_activation_backward(linear_activation_backward) -> None:
    """Both activations on layer caches of several shapes."""
    rng = draws.rng(4106)
    for n_prev, n_l, m in _LAYER_SHAPES:
        linear_cache = (rng.normal(size=(n_prev, m)), rng.normal(size=(n_l, n_prev)), rng.normal(size=(n_l, 1)))
        Z = rng.normal(0, 2, (n_l, m))
        dA = rng.normal(size=(n_l, m))
        for activation in ("sigmoid", "relu"):
            got = call_without_mutation(linear_activation_backward, dA, (linear_cache, Z), activation)
            expected = deep.linear_activation_backward(dA, (linear_cache, Z), activation)
            where = f'with activation "{activation}", dA {dA.shape}, A_prev {linear_cache[0].shape}'
            if not (isinstance(got, tuple) and len(got) == 3):
                raise AssertionError(f"linear_activation_backward {where} should return (dA_prev, dW, db)")
            for name, value, want in zip(("dA_prev", "dW", "db"), got, expected):
                expect_close(
                    f"{name} {where}",
                    value,
                    want,
                    hint=f"dZ = {activation}_backward(dA, activation_cache), then "
                    f"linear_backward(dZ, linear_cache); {_linear_hint(name)}",
                )


def check_L_model_backward(L_model_backward) -> None:
    """Every dA, dW and db for networks of one to four layers."""
    rng = draws.rng(4107)
    for dims, m in _NETWORKS:
        caches = _random_caches(rng, dims, m)
        AL = rng.uniform(0.05, 0.95, size=(dims[-1], m))
        Y = _labels(rng, AL.shape)
        got = call_without_mutation(L_model_backward, AL, Y, caches)
        expected = deep.L_model_backward(AL, Y, caches)
        L = len(caches)

        def hint(key, L=L):
            if key == f"db{L}" or key == f"dW{L}":
                return (
                    "start from dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)) and pass it through "
                    "the last layer with activation 'sigmoid'"
                )
            if key.startswith("dA"):
                return 'the block of layer l returns dA_prev, stored as "dA" + str(l - 1)'
            return "layers L-1 ... 1 use 'relu' and receive the dA the block to their right returned"

        _expect_grads(f"grads for a {L}-layer network with m = {m}", got, expected, hint)


def check_update_parameters(update_parameters) -> None:
    """A step on networks of one to four layers; params left unchanged."""
    rng = draws.rng(4108)
    for (dims, _), rate in zip(_NETWORKS, (0.01, 1.0, 0.0075, 0.5, 2.0, 0.1)):
        params = _random_parameters(rng, dims)
        grads = {"d" + key: value for key, value in _random_parameters(rng, dims).items()}
        grads.update({f"dA{layer}": rng.normal(size=(dims[layer], 3)) for layer in range(len(dims) - 1)})
        got = call_without_mutation(update_parameters, params, grads, rate)
        expected = deep.update_parameters(params, grads, rate)
        L = len(dims) - 1
        _expect_parameters(
            f"update_parameters for a {L}-layer network, learning_rate={rate}",
            got,
            expected,
            hint="W[l] - learning_rate * dW[l] and b[l] - learning_rate * db[l] for l = 1 ... L, "
            "with L = len(params) // 2",
        )


def _numerical_difference(parameters, X, Y, grads, epsilon):
    """The relative difference the exercise asks for, computed with the reference forward pass and cost."""
    analytic, numeric = [], []
    for layer in range(1, len(parameters) // 2 + 1):
        for key in (f"W{layer}", f"b{layer}"):
            for index in np.ndindex(parameters[key].shape):
                costs = []
                for sign in (1, -1):
                    nudged = dict(parameters)
                    nudged[key] = parameters[key].copy()
                    nudged[key][index] += sign * epsilon
                    costs.append(deep.compute_cost(deep.L_model_forward(X, nudged)[0], Y))
                numeric.append((costs[0] - costs[1]) / (2 * epsilon))
                analytic.append(grads["d" + key][index])
    analytic, numeric = np.array(analytic), np.array(numeric)
    return float(np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric)))


def _network_away_from_kinks(rng, layer_dims, m):
    """Parameters and data whose hidden pre-activations all stay at least 0.05 away from ReLU's kink."""
    while True:
        params = _random_parameters(rng, layer_dims, scale=0.8)
        X = rng.normal(size=(layer_dims[0], m))
        _, caches = deep.L_model_forward(X, params)
        if all(np.min(np.abs(cache[1])) > 0.05 for cache in caches[:-1]):
            return params, X


def _fixed_backward(grads):
    """A backward function that returns (a copy of) the given gradients, whatever caches it receives.

    A :class:`nndl.wire.ConstantFunction`, so it can be handed to the
    learner's function across the grading boundary as data.
    """
    return ConstantFunction({key: value.copy() for key, value in grads.items()})


def check_gradient_check(gradient_check) -> None:
    """Small differences for correct gradients; the right large difference for broken ones.

    The backward functions given to the student's gradient_check ignore the
    caches and return gradients computed here: the reference gradients, or
    copies with one planted bug each (a scaled entry, a flipped sign, a missing
    1/m). For correct gradients the student's difference must be below 1e-7;
    for broken ones it must match the difference computed here.
    """
    rng = draws.rng(4109)
    # h = 1e-5 and 1e-6: where the centred difference's rounding error stays far below the 1e-7 bar
    for layer_dims, m, epsilon in (([2, 3, 1], 4, 1e-5), ([3, 2, 2, 1], 5, 1e-6), ([4, 1], 1, 1e-5)):
        params, X = _network_away_from_kinks(rng, layer_dims, m)
        Y = _labels(rng, (1, m))
        AL, caches = deep.L_model_forward(X, params)
        correct = deep.L_model_backward(AL, Y, caches)
        L = len(params) // 2
        broken = {
            "dW1 scaled by 1.5": dict(correct, dW1=1.5 * correct["dW1"]),
            f"db{L} with the wrong sign": dict(correct, **{f"db{L}": -correct[f"db{L}"]}),
            f"dW{L} without the 1/m": dict(correct, **{f"dW{L}": m * correct[f"dW{L}"]})
            if m > 1
            else dict(correct, **{f"dW{L}": 3 * correct[f"dW{L}"]}),
        }
        where = f"for layer_dims = {layer_dims}, m = {m}, epsilon = {epsilon}"
        got = call_without_mutation(gradient_check, params, X, Y, _fixed_backward(correct), epsilon=epsilon)
        expect_type(f"gradient_check {where}", got, float, hint="return float(difference)")
        if not got < 1e-7:
            raise AssertionError(
                f"gradient_check {where} returned {got:.3e} for correct gradients; it should be below 1e-7. "
                "Hint: nudge one entry at a time by +epsilon and by -epsilon (on copies), take "
                "(J_plus - J_minus) / (2 * epsilon), and compare with grads['d' + key][index] of the same entry"
            )
        for bug, grads in broken.items():
            expected = _numerical_difference(params, X, Y, grads, epsilon)
            got = call_without_mutation(gradient_check, params, X, Y, _fixed_backward(grads), epsilon=epsilon)
            expect_close(
                f"gradient_check {where} for gradients with {bug}",
                got,
                expected,
                rtol=1e-3,
                hint="use the gradients of the backward function passed as an argument, every dW and "
                "db entry, and ||grad - gradapprox|| / (||grad|| + ||gradapprox||)",
            )
