"""Hidden checks of assignment 6, softmax, L2 regularisation and dropout on digits.

Every check draws its inputs from its own ``np.random.default_rng`` seed, on
shapes the visible checks never use: a single example (m = 1), a single
class or unit where the function allows it, non-square arrays so that a sum
over the wrong axis cannot pass by luck, and, for softmax, scores large enough
to overflow ``np.exp``. Student code is called through
:func:`nndl.expect.call_without_mutation`, which silences NumPy's warnings and
fails if an input was modified in place. The expected values come from
:mod:`autograder.reference.multiclass`.

The student's functions work together in the notebook (``L_model_forward``
calls the student's ``softmax`` and ``dropout_forward``), so a mistake in one
exercise also shows up in the checks of the exercises built on it.
"""

from __future__ import annotations

import numpy as np

from autograder.assignments import draws
from autograder.reference import multiclass as ref
from nndl.expect import call_without_mutation, expect_close, expect_equal, expect_shape, expect_type

__all__ = [
    "check_softmax",
    "check_compute_cost",
    "check_softmax_cross_entropy_backward",
    "check_compute_cost_with_regularization",
    "check_linear_backward_with_regularization",
    "check_dropout_forward",
    "check_dropout_backward",
    "check_random_mini_batches",
    "check_L_model_forward",
    "check_L_model_backward",
    "check_model",
]

# (C, m): non-square, one example, one class, ten classes.
_SCORE_SHAPES = [(10, 7), (3, 1), (4, 9), (1, 5), (6, 2), (2, 2)]


def _probabilities_and_labels(rng, C, m):
    AL = ref.softmax(rng.normal(scale=2.0, size=(C, m)))
    Y = ref.one_hot(rng.integers(0, C, size=(1, m)), C)
    return AL, Y


def _random_parameters(rng, dims):
    return {
        key: rng.normal(scale=0.7, size=(dims[layer], dims[layer - 1] if kind == "W" else 1))
        for layer in range(1, len(dims))
        for kind, key in (("W", f"W{layer}"), ("b", f"b{layer}"))
    }


def _global_state_fingerprint():
    state = np.random.get_state()
    return state[1].copy(), state[2]


def _expect_global_state(before, what):
    after = _global_state_fingerprint()
    if not (np.array_equal(before[0], after[0]) and before[1] == after[1]):
        raise AssertionError(
            f"{what} changed NumPy's global random state: draw from the rng you are given "
            "(rng.random), not from np.random.rand or np.random.seed"
        )


def check_softmax(softmax) -> None:
    """softmax(Z) column by column on several shapes, then on scores that overflow exp."""
    rng = draws.rng(6601)
    cases = [rng.normal(scale=3.0, size=shape) for shape in _SCORE_SHAPES]
    # exp(1000) is inf in float64: only a softmax that subtracts the column max stays finite.
    cases.append(np.array([[1000.0, -1000.0, 5.0], [998.0, -1001.0, 800.0], [1001.0, -999.5, 799.0]]))
    cases.append(rng.uniform(700.0, 760.0, size=(4, 3)))
    for Z in cases:
        got = call_without_mutation(softmax, Z)
        expected = ref.softmax(Z)
        name = f"softmax(Z) for Z of shape {Z.shape}"
        expect_shape(name, got, Z.shape, hint="the output has the shape of Z")
        if not np.all(np.isfinite(got)):
            raise AssertionError(
                f"{name} contains inf or nan for scores up to {Z.max():g}. Hint: subtract each column's "
                "maximum (np.max(Z, axis=0, keepdims=True)) before np.exp, so no exponent is positive"
            )
        expect_close(name, got, expected, hint="normalise each COLUMN: sums and maxima over axis=0 with keepdims=True")


def check_compute_cost(compute_cost) -> None:
    """compute_cost(AL, Y) on random softmax outputs and one-hot labels."""
    rng = draws.rng(6602)
    for C, m in _SCORE_SHAPES:
        AL, Y = _probabilities_and_labels(rng, C, m)
        got = call_without_mutation(compute_cost, AL, Y)
        name = f"compute_cost(AL, Y) for C = {C} classes and m = {m} examples"
        expect_type(name, got, (float, np.floating, np.ndarray))
        expect_close(
            name,
            np.squeeze(got),
            ref.compute_cost(AL, Y),
            hint=f"sum -Y * log(AL) over all entries and divide by m = {m} (the number of columns), "
            f"not by C * m = {C * m}",
        )


def check_softmax_cross_entropy_backward(softmax_cross_entropy_backward) -> None:
    """dZ = AL − Y on random softmax outputs and one-hot labels."""
    rng = draws.rng(6603)
    for C, m in _SCORE_SHAPES:
        AL, Y = _probabilities_and_labels(rng, C, m)
        got = call_without_mutation(softmax_cross_entropy_backward, AL, Y)
        expect_close(
            f"softmax_cross_entropy_backward(AL, Y) for AL of shape {AL.shape}",
            got,
            ref.softmax_cross_entropy_backward(AL, Y),
            hint="dZ = AL - Y, without any 1/m",
        )


def check_compute_cost_with_regularization(compute_cost_with_regularization) -> None:
    """The regularised cost for networks of 1 to 4 layers and several values of lambd."""
    rng = draws.rng(6604)
    for dims, m, lambd in [
        ([5, 3], 4, 0.9),
        ([4, 6, 2], 1, 0.3),
        ([3, 5, 4, 10], 7, 1.7),
        ([2, 3, 3, 3, 4], 3, 0.05),
        ([6, 4, 3], 5, 0.0),
    ]:
        parameters = _random_parameters(rng, dims)
        AL, Y = _probabilities_and_labels(rng, dims[-1], m)
        got = call_without_mutation(compute_cost_with_regularization, AL, Y, parameters, lambd)
        expect_close(
            f"compute_cost_with_regularization for layers {dims}, m = {m}, lambd = {lambd}",
            np.squeeze(got),
            ref.compute_cost_with_regularization(AL, Y, parameters, lambd),
            hint=f"the penalty is lambd / (2 * m) times the sum of the squares of W1 ... W{len(dims) - 1} "
            "(every layer, no biases), with m the number of columns of Y",
        )


def check_linear_backward_with_regularization(linear_backward_with_regularization) -> None:
    """dA_prev, dW and db of one layer, with and without the L2 term."""
    rng = draws.rng(6605)
    for n_l, n_prev, m, lambd in [(3, 5, 4, 0.7), (1, 3, 1, 2.0), (4, 1, 6, 0.2), (6, 2, 3, 0.0), (2, 7, 9, 1.3)]:
        A_prev = rng.normal(size=(n_prev, m))
        W = rng.normal(size=(n_l, n_prev))
        b = rng.normal(size=(n_l, 1))
        dZ = rng.normal(size=(n_l, m))
        got = call_without_mutation(linear_backward_with_regularization, dZ, (A_prev, W, b), lambd)
        expected = ref.linear_backward_with_regularization(dZ, (A_prev, W, b), lambd)
        where = f"for W of shape {W.shape}, m = {m}, lambd = {lambd}"
        if not isinstance(got, tuple) or len(got) != 3:
            raise AssertionError(f"linear_backward_with_regularization should return (dA_prev, dW, db) {where}")
        expect_close(f"dA_prev {where}", got[0], expected[0], hint="dA_prev = W^T dZ, unchanged by L2")
        expect_close(
            f"dW {where}", got[1], expected[1], hint=f"dW = (1/m) dZ A_prev^T + (lambd / m) W, with m = {m} columns"
        )
        expect_close(f"db {where}", got[2], expected[2], hint="db is unchanged by L2")


def _mask_of(cache, what):
    if not isinstance(cache, (tuple, list)) or len(cache) != 2:
        raise AssertionError(f"{what} should return the cache (D, keep_prob), got {type(cache).__name__}")
    return np.asarray(cache[0]).astype(bool)


def check_dropout_forward(dropout_forward) -> None:
    """Masks and outputs equal to the reference's for the same Generator, seeds and shapes."""
    rng = draws.rng(6606)
    cases = [((5, 3), 0.6), ((1, 1), 0.9), ((4, 1), 0.5), ((1, 8), 0.75), ((7, 9), 0.3), ((3, 4), 1.0)]
    for shape, keep_prob in cases:
        A = rng.uniform(0.0, 2.0, size=shape)
        seed = int(rng.integers(1_000_000))
        before = _global_state_fingerprint()
        # Two calls sharing one Generator: the second must continue its stream.
        student_rng, reference_rng = np.random.default_rng(seed), np.random.default_rng(seed)
        for call in ("first", "second"):
            got, cache = call_without_mutation(dropout_forward, A, keep_prob, student_rng)
            expected, (D, _) = ref.dropout_forward(A, keep_prob, reference_rng)
            name = f"dropout_forward ({call} call with one Generator) for A of shape {shape}, keep_prob = {keep_prob}"
            expect_equal(
                f"the mask D of {name}",
                _mask_of(cache, name),
                D,
                hint="draw D = rng.random(A.shape) < keep_prob, once per call, from the rng argument",
            )
            expect_close(name, got, expected, hint="return A * D / keep_prob (inverted dropout)")
            expect_close(f"keep_prob in the cache of {name}", cache[1], keep_prob)
        _expect_global_state(before, "dropout_forward")


def check_dropout_backward(dropout_backward) -> None:
    """dA ⊙ D / keep_prob for random masks, boolean and 0/1."""
    rng = draws.rng(6607)
    for shape, keep_prob in [((4, 6), 0.5), ((1, 1), 0.8), ((3, 1), 0.25), ((1, 5), 0.9), ((5, 2), 1.0)]:
        dA = rng.normal(size=shape)
        D = rng.random(shape) < keep_prob
        got = call_without_mutation(dropout_backward, dA, (D, keep_prob))
        expect_close(
            f"dropout_backward for dA of shape {shape}, keep_prob = {keep_prob}",
            got,
            ref.dropout_backward(dA, (D, keep_prob)),
            hint="multiply dA by the mask D from the cache, then divide by keep_prob",
        )


def check_random_mini_batches(random_mini_batches) -> None:
    """The reference's mini-batches for several m, sizes and seeds, remainders included."""
    rng = draws.rng(6608)
    for n_x, C, m, size in [(3, 2, 10, 3), (2, 4, 1, 64), (5, 3, 64, 16), (4, 10, 130, 32), (1, 1, 7, 1), (2, 3, 9, 9)]:
        X = rng.normal(size=(n_x, m))
        Y = ref.one_hot(rng.integers(0, C, size=(1, m)), C)
        seed = int(rng.integers(1000))
        got = call_without_mutation(random_mini_batches, X, Y, size, seed)
        expected = ref.random_mini_batches(X, Y, size, seed)
        where = f"for m = {m}, mini_batch_size = {size}"
        if not isinstance(got, (list, tuple)):
            raise AssertionError(f"random_mini_batches should return a list of (mini_batch_X, mini_batch_Y), {where}")
        expect_equal(
            f"the number of mini-batches {where}",
            len(got),
            len(expected),
            hint=f"{m // size} full mini-batches, plus one with the {m % size} left over if that is not 0",
        )
        for index, (batch, (want_X, want_Y)) in enumerate(zip(got, expected)):
            expect_close(
                f"mini-batch {index} of X {where}",
                batch[0],
                want_X,
                hint="reorder the columns with permutation = np.random.default_rng(seed).permutation(m)",
            )
            expect_close(
                f"mini-batch {index} of Y {where}",
                batch[1],
                want_Y,
                hint="shuffle Y with the SAME permutation as X, so every example keeps its label",
            )


def _compare_caches(got, expected, where):
    if not isinstance(got, (list, tuple)) or len(got) != len(expected):
        raise AssertionError(f"caches {where} should be a list of {len(expected)} tuples, one per layer")
    for layer, (cache, (linear_cache, Z, dropout_cache)) in enumerate(zip(got, expected), start=1):
        name = f"the cache of layer {layer} {where}"
        if not isinstance(cache, (tuple, list)) or len(cache) != 3:
            raise AssertionError(f"{name} should be (linear_cache, Z, dropout_cache)")
        expect_close(
            f"A_prev in {name}",
            cache[0][0],
            linear_cache[0],
            hint="the input of a layer is the previous layer's output after dropout",
        )
        expect_close(f"Z in {name}", cache[1], Z)
        if dropout_cache is None:
            expect_equal(
                f"dropout_cache in {name}",
                cache[2],
                None,
                hint="no dropout on the softmax layer, and none at all when keep_prob == 1",
            )
        else:
            expect_equal(
                f"the mask in {name}",
                _mask_of(cache[2], name),
                dropout_cache[0],
                hint="draw layer 1's mask first, then layer 2's, ... from the rng argument",
            )


def check_L_model_forward(L_model_forward) -> None:
    """AL and every cache of the reference, with and without dropout."""
    rng = draws.rng(6609)
    for dims, m, keep_prob in [
        ([4, 6, 5, 3], 7, 1.0),
        ([5, 3, 4, 2, 10], 1, 0.7),
        ([3, 8, 8, 8, 4], 6, 0.5),
        ([2, 1, 3, 1], 4, 0.9),
        ([6, 5, 4], 3, 1.0),
    ]:
        parameters = _random_parameters(rng, dims)
        X = rng.normal(size=(dims[0], m))
        seed = int(rng.integers(1000))
        before = _global_state_fingerprint()
        got = call_without_mutation(L_model_forward, X, parameters, keep_prob, np.random.default_rng(seed))
        expected_AL, expected_caches = ref.L_model_forward(X, parameters, keep_prob, np.random.default_rng(seed))
        where = f"for layers {dims}, m = {m}, keep_prob = {keep_prob}"
        if not isinstance(got, tuple) or len(got) != 2:
            raise AssertionError(f"L_model_forward should return (AL, caches) {where}")
        expect_close(
            f"AL {where}", got[0], expected_AL, hint="relu -> dropout for the hidden layers, softmax for the last layer"
        )
        _compare_caches(got[1], expected_caches, where)
        _expect_global_state(before, "L_model_forward")


def check_L_model_backward(L_model_backward) -> None:
    """Every dW and db, from caches made by the reference's forward pass."""
    rng = draws.rng(6610)
    for dims, m, keep_prob, lambd in [
        ([4, 5, 3, 3], 6, 1.0, 0.0),
        ([5, 4, 4, 3, 2], 1, 0.6, 0.4),
        ([3, 7, 6, 5, 10], 8, 0.8, 1.1),
        ([2, 1, 2, 3], 5, 1.0, 0.7),
        ([6, 3, 4], 3, 0.5, 0.0),
    ]:
        parameters = _random_parameters(rng, dims)
        X = rng.normal(size=(dims[0], m))
        Y = ref.one_hot(rng.integers(0, dims[-1], size=(1, m)), dims[-1])
        AL, caches = ref.L_model_forward(X, parameters, keep_prob, int(rng.integers(1000)))
        got = call_without_mutation(L_model_backward, AL, Y, caches, lambd)
        expected = ref.L_model_backward(AL, Y, caches, lambd)
        where = f"for layers {dims}, m = {m}, keep_prob = {keep_prob}, lambd = {lambd}"
        if not isinstance(got, dict):
            raise AssertionError(f"L_model_backward should return a dict of gradients {where}")
        for key, value in expected.items():
            if key not in got:
                raise AssertionError(f"grads has no {key!r} {where}; it should hold dW1, db1, ..., dWL, dbL")
            expect_close(
                f'grads["{key}"] {where}',
                got[key],
                value,
                hint="dZL = AL - Y; for each hidden layer: dropout_backward (if it has a dropout "
                "cache), relu_backward, then linear_backward_with_regularization with lambd",
            )


def check_model(model) -> None:
    """Costs and trained parameters equal to the reference's, for the same seed and hyperparameters."""
    rng = draws.rng(6611)
    for dims, m, options in [
        (
            [3, 6, 5, 4, 4],
            23,
            dict(learning_rate=0.2, num_epochs=3, mini_batch_size=8, lambd=0.3, keep_prob=0.8, seed=5),
        ),
        ([2, 4, 3], 10, dict(learning_rate=0.5, num_epochs=2, mini_batch_size=10, lambd=0.0, keep_prob=1.0, seed=12)),
        ([4, 5, 5, 2], 9, dict(learning_rate=0.1, num_epochs=2, mini_batch_size=4, lambd=1.0, keep_prob=1.0, seed=0)),
    ]:
        X = rng.normal(size=(dims[0], m))
        Y = ref.one_hot(rng.integers(0, dims[-1], size=(1, m)), dims[-1])
        before = _global_state_fingerprint()
        got = call_without_mutation(model, X, Y, dims, **options)
        expected_parameters, expected_costs = ref.model(X, Y, dims, **options)
        where = f"for layers {dims}, m = {m}, {options}"
        if not isinstance(got, tuple) or len(got) != 2:
            raise AssertionError(f"model should return (parameters, costs) {where}")
        parameters, costs = got
        expect_close(
            f"costs {where}",
            np.asarray(costs, dtype=float).ravel(),
            np.array(expected_costs),
            hint="one cost per epoch: sum of cost * mini-batch size over the epoch, divided by m; "
            "mini-batches from random_mini_batches(X, Y, mini_batch_size, seed + epoch)",
        )
        for key, value in expected_parameters.items():
            expect_close(
                f'parameters["{key}"] after training {where}',
                parameters[key],
                value,
                hint="forward with keep_prob and rng, backward with lambd, then update_parameters, once per mini-batch",
            )
        _expect_global_state(before, "model")
