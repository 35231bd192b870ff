"""Tests of autograder.reference.multiclass: softmax, L2, dropout and the mini-batch network.

Every backward term is compared with centred differences (float64, h = 1e-5)
and must agree to a relative error below 1e-7. The reference's dZ and dA are
m times the gradient of the mean cost J (the lecture's convention), so they
are compared with the numerical gradient of the summed cost m·J, while dW and
db are compared with that of J itself.
"""

import math

import numpy as np
import pytest

from autograder.reference import multiclass as mc
from autograder.reference.gradcheck import assert_gradient_close, numerical_gradient, numerical_gradient_of_array

LN2, LN3 = math.log(2.0), math.log(3.0)


@pytest.fixture(autouse=True)
def global_random_state_is_untouched():
    """No reference function may draw from (or reseed) NumPy's global generator."""
    before = np.random.get_state()
    yield
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:], (
        "the global NumPy random state changed: a function used np.random.* instead of its own generator"
    )


def _labels_and_Y(rng, num_classes, m):
    labels = rng.integers(0, num_classes, size=(1, m))
    return labels, mc.one_hot(labels, num_classes)


def _network(dims, m, seed):
    """Inputs, one-hot labels and parameters (weights ~ N(0, 1/n_{l-1}), biases ~ N(0, 1))."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(dims[0], m))
    _, Y = _labels_and_Y(rng, dims[-1], m)
    parameters = {}
    for layer in range(1, len(dims)):
        parameters[f"W{layer}"] = rng.normal(size=(dims[layer], dims[layer - 1])) / math.sqrt(dims[layer - 1])
        parameters[f"b{layer}"] = rng.normal(size=(dims[layer], 1))
    return X, Y, parameters


# softmax -------------------------------------------------------------------


def test_softmax_known_values_column_by_column():
    # Column 0: scores (0, ln 2, ln 3) → (1, 2, 3) / 6. Column 1: equal scores → 1/3 each.
    Z = np.array([[0.0, 5.0], [LN2, 5.0], [LN3, 5.0]])
    A = mc.softmax(Z)
    np.testing.assert_allclose(A, [[1 / 6, 1 / 3], [2 / 6, 1 / 3], [3 / 6, 1 / 3]], rtol=1e-14)


def test_softmax_columns_sum_to_one_and_shift_invariance():
    Z = np.linspace(-3.0, 4.0, 12).reshape(3, 4)
    A = mc.softmax(Z)
    assert A.shape == (3, 4) and A.dtype == np.float64
    np.testing.assert_allclose(A.sum(axis=0), np.ones(4), rtol=1e-15)
    # Adding a constant to a column leaves its probabilities unchanged.
    np.testing.assert_allclose(mc.softmax(Z + np.array([[10.0, -7.0, 0.5, 300.0]])), A, rtol=1e-12)


def test_softmax_of_huge_scores_neither_overflows_nor_warns():
    Z = np.array([[1000.0, -1000.0, 0.0], [0.0, -1000.0, 710.0], [-1000.0, -999.0, 709.0]])
    # Underflow to 0 is exact enough and silent by default; overflow and NaN are not.
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        A = mc.softmax(Z)
    assert np.all(np.isfinite(A))
    np.testing.assert_allclose(A[:, 0], [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(A[:, 1], np.array([1.0, 1.0, math.e]) / (2 + math.e), rtol=1e-12)
    np.testing.assert_allclose(A[:, 2], [0.0, math.e / (1 + math.e), 1 / (1 + math.e)], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (4, 1)])
def test_softmax_edge_shapes(shape):
    Z = np.linspace(-1.0, 1.0, shape[0] * shape[1]).reshape(shape)
    A = mc.softmax(Z)
    assert A.shape == shape
    np.testing.assert_allclose(A.sum(axis=0), 1.0, rtol=1e-15)
    if shape[0] == 1:
        np.testing.assert_array_equal(A, np.ones(shape))


def test_softmax_rejects_a_rank_one_array():
    with pytest.raises(ValueError, match=r"Z must have shape \(C, m\), got \(3,\)"):
        mc.softmax(np.zeros(3))


# one_hot and the cross-entropy ---------------------------------------------


def test_one_hot_known_values_and_errors():
    np.testing.assert_array_equal(
        mc.one_hot(np.array([[2, 0, 1, 2]]), 3),
        [[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1]],
    )
    with pytest.raises(ValueError, match=r"labels must have shape \(1, m\), got \(4,\)"):
        mc.one_hot(np.array([2, 0, 1, 2]), 3)
    with pytest.raises(ValueError, match="labels must lie in 0 … 2"):
        mc.one_hot(np.array([[3]]), 3)


def test_compute_cost_known_values_average_over_examples():
    # Column 0 gives the true class 1/2, column 1 gives it 1/4: J = (ln 2 + ln 4) / 2.
    AL = np.array([[0.5, 0.25], [0.25, 0.25], [0.25, 0.5]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    cost = mc.compute_cost(AL, Y)
    assert type(cost) is float
    assert cost == pytest.approx(1.5 * LN2, rel=1e-14)
    # A uniform prediction over C classes costs ln C, whatever the labels.
    assert mc.compute_cost(np.full((10, 7), 0.1), mc.one_hot(np.arange(7).reshape(1, 7), 10)) == pytest.approx(
        math.log(10), rel=1e-14
    )


def test_compute_cost_with_a_zero_probability_stays_finite_and_quiet():
    AL = np.array([[1.0, 0.0], [0.0, 1.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        assert mc.compute_cost(AL, np.eye(2)) == 0.0
        wrong = mc.compute_cost(AL, np.array([[0.0, 0.0], [1.0, 1.0]]))
    assert math.isfinite(wrong) and wrong > 300  # −log of the smallest float, halved


def test_compute_cost_rejects_mismatched_labels():
    with pytest.raises(ValueError, match=r"Y must have shape \(3, 2\), got \(2, 3\)"):
        mc.compute_cost(np.full((3, 2), 1 / 3), np.zeros((2, 3)))


@pytest.mark.parametrize(("C", "m", "scale"), [(3, 4, 1.0), (1, 3, 1.0), (5, 1, 2.0), (10, 6, 1.0), (2, 3, 4.0)])
def test_softmax_cross_entropy_backward_matches_centred_differences(C, m, scale):
    rng = np.random.default_rng(C * 100 + m)
    Z = rng.normal(scale=scale, size=(C, m))
    _, Y = _labels_and_Y(rng, C, m)
    dZ = mc.softmax_cross_entropy_backward(mc.softmax(Z), Y)
    numeric = numerical_gradient(lambda Z_: m * mc.compute_cost(mc.softmax(Z_), Y), Z)
    assert_gradient_close("dZ = AL - Y", dZ, numeric)


def test_softmax_cross_entropy_backward_known_values():
    AL = np.array([[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]])
    Y = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(
        mc.softmax_cross_entropy_backward(AL, Y), [[-0.3, 0.1], [0.2, 0.3], [0.1, -0.4]], atol=1e-15
    )


# L2 regularisation -----------------------------------------------------------


def test_compute_cost_with_regularization_known_value():
    # ΣW² = 6·1² + 4·2² = 22 and λ/(2m) = 0.5 / 8, so the penalty is 1.375;
    # the cross-entropy of a uniform 2-class prediction is ln 2.
    parameters = {"W1": np.ones((2, 3)), "b1": np.full((2, 1), 5.0), "W2": np.full((2, 2), 2.0), "b2": np.ones((2, 1))}
    AL = np.full((2, 4), 0.5)
    Y = mc.one_hot(np.array([[0, 1, 1, 0]]), 2)
    cost = mc.compute_cost_with_regularization(AL, Y, parameters, 0.5)
    assert type(cost) is float
    assert cost == pytest.approx(LN2 + 1.375, rel=1e-14)
    assert mc.compute_cost_with_regularization(AL, Y, parameters, 0.0) == pytest.approx(LN2, rel=1e-14)


def test_compute_cost_with_regularization_rejects_bad_arguments():
    parameters = {"W1": np.ones((2, 3)), "b1": np.zeros((2, 1))}
    AL, Y = np.full((2, 4), 0.5), np.eye(2, 4)
    with pytest.raises(ValueError, match="lambd must be a finite number >= 0"):
        mc.compute_cost_with_regularization(AL, Y, parameters, -1.0)
    with pytest.raises(ValueError, match=r"W1 must have shape \(3, n_x\), got \(2, 3\)"):
        mc.compute_cost_with_regularization(np.full((3, 4), 1 / 3), np.eye(3, 4), parameters, 0.1)
    with pytest.raises(ValueError, match="parameters must hold exactly W1..WL and b1..bL"):
        mc.compute_cost_with_regularization(AL, Y, {"W1": np.ones((2, 3))}, 0.1)


@pytest.mark.parametrize(
    ("n_l", "n_prev", "m", "lambd"), [(3, 4, 5, 0.7), (1, 3, 1, 2.0), (4, 1, 6, 0.1), (2, 2, 3, 0.0)]
)
def test_linear_backward_with_regularization_matches_centred_differences(n_l, n_prev, m, lambd):
    rng = np.random.default_rng(n_l * 1000 + n_prev * 10 + m)
    A_prev, W, b = rng.normal(size=(n_prev, m)), rng.normal(size=(n_l, n_prev)), rng.normal(size=(n_l, 1))
    dZ = rng.normal(size=(n_l, m))
    dA_prev, dW, db = mc.linear_backward_with_regularization(dZ, (A_prev, W, b), lambd)

    # dZ is m·∂J/∂Z, so J = (1/m) Σ dZ ⊙ (W A_prev + b) + λ/(2m) ‖W‖² has exactly
    # these gradients: dW and db are ∂J/∂W and ∂J/∂b, dA_prev is m·∂J/∂A_prev.
    def cost(A_, W_, b_):
        return float(np.sum(dZ * (W_ @ A_ + b_)) / m + lambd / (2 * m) * np.sum(W_**2))

    assert_gradient_close("dW", dW, numerical_gradient(lambda W_: cost(A_prev, W_, b), W))
    assert_gradient_close("db", db, numerical_gradient(lambda b_: cost(A_prev, W, b_), b))
    assert_gradient_close("dA_prev", dA_prev, m * numerical_gradient(lambda A_: cost(A_, W, b), A_prev))
    assert dW.shape == W.shape and db.shape == b.shape and dA_prev.shape == A_prev.shape


def test_linear_backward_with_regularization_known_values():
    # With dZ = 0 only the penalty's gradient (λ/m) W is left: λ = 3, m = 2.
    W = np.array([[1.0, -2.0]])
    dA_prev, dW, db = mc.linear_backward_with_regularization(
        np.zeros((1, 2)), (np.ones((2, 2)), W, np.zeros((1, 1))), 3.0
    )
    np.testing.assert_allclose(dW, [[1.5, -3.0]], rtol=1e-15)
    np.testing.assert_array_equal(db, [[0.0]])
    np.testing.assert_array_equal(dA_prev, np.zeros((2, 2)))


def test_linear_backward_with_regularization_rejects_a_wrong_dZ():
    cache = (np.ones((2, 3)), np.ones((4, 2)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"dZ must have shape \(4, 3\), got \(3, 4\)"):
        mc.linear_backward_with_regularization(np.zeros((3, 4)), cache, 0.1)


# Inverted dropout ------------------------------------------------------------


def test_dropout_forward_mask_comes_from_the_given_generator():
    A = np.linspace(1.0, 12.0, 12).reshape(3, 4)
    A_dropped, (D, keep_prob) = mc.dropout_forward(A, 0.75, np.random.default_rng(42))
    expected_D = np.random.default_rng(42).random((3, 4)) < 0.75
    np.testing.assert_array_equal(D, expected_D)
    assert keep_prob == 0.75 and D.dtype == bool
    np.testing.assert_allclose(A_dropped, np.where(expected_D, A / 0.75, 0.0), rtol=1e-15)
    # An int seed means a fresh generator with that seed.
    np.testing.assert_array_equal(mc.dropout_forward(A, 0.75, 42)[0], A_dropped)


def test_dropout_forward_advances_a_shared_generator():
    rng = np.random.default_rng(3)
    A = np.ones((5, 8))
    first = mc.dropout_forward(A, 0.5, rng)[1][0]
    second = mc.dropout_forward(A, 0.5, rng)[1][0]
    assert not np.array_equal(first, second), "two calls sharing a Generator drew the same mask"


def test_dropout_forward_keeps_the_expected_share_and_the_mean():
    A = np.ones((200, 500))
    A_dropped, (D, _) = mc.dropout_forward(A, 0.8, 0)
    assert abs(D.mean() - 0.8) < 0.01
    assert abs(A_dropped.mean() - 1.0) < 0.015  # inverted dropout keeps E[A]
    assert set(np.unique(A_dropped)) == {0.0, 1.25}


def test_dropout_with_keep_prob_one_is_the_identity():
    A = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    A_dropped, cache = mc.dropout_forward(A, 1.0, 0)
    np.testing.assert_array_equal(A_dropped, A)
    np.testing.assert_array_equal(mc.dropout_backward(A, cache), A)


@pytest.mark.parametrize("keep_prob", [0.0, -0.5, 1.5])
def test_dropout_forward_rejects_a_keep_prob_outside_0_1(keep_prob):
    with pytest.raises(ValueError, match=r"keep_prob must lie in \(0, 1\]"):
        mc.dropout_forward(np.ones((2, 2)), keep_prob, 0)


@pytest.mark.parametrize("rng", [None, np.random.RandomState(0), 0.5, True])
def test_dropout_forward_needs_a_seed_or_a_generator(rng):
    with pytest.raises(TypeError, match="rng must be an int seed or a np.random.Generator"):
        mc.dropout_forward(np.ones((2, 2)), 0.5, rng)


def test_dropout_forward_rejects_a_rank_one_array():
    with pytest.raises(ValueError, match=r"A must have shape \(n_l, m\), got \(4,\)"):
        mc.dropout_forward(np.ones(4), 0.5, 0)


@pytest.mark.parametrize(("shape", "keep_prob"), [((3, 4), 0.5), ((1, 1), 0.9), ((6, 1), 0.3), ((1, 7), 0.8)])
def test_dropout_backward_matches_centred_differences_with_a_fixed_mask(shape, keep_prob):
    rng = np.random.default_rng(shape[0] * 10 + shape[1])
    A, dout = rng.normal(size=shape), rng.normal(size=shape)
    seed = 11  # the same seed in every call gives the same mask
    _, cache = mc.dropout_forward(A, keep_prob, seed)
    numeric = numerical_gradient_of_array(lambda A_: mc.dropout_forward(A_, keep_prob, seed)[0], A, dout)
    assert_gradient_close("dropout dA", mc.dropout_backward(dout, cache), numeric)


def test_dropout_backward_known_values_and_shape_check():
    cache = (np.array([[True, False], [False, True]]), 0.5)
    np.testing.assert_array_equal(
        mc.dropout_backward(np.array([[1.0, 2.0], [3.0, 4.0]]), cache), [[2.0, 0.0], [0.0, 8.0]]
    )
    with pytest.raises(ValueError, match=r"dA must have shape \(2, 2\), got \(2, 3\)"):
        mc.dropout_backward(np.ones((2, 3)), cache)


# Initialisation and mini-batches -------------------------------------------


def test_initialize_parameters_he_draws_in_layer_order_with_fan_in_scaling():
    parameters = mc.initialize_parameters_he([4, 3, 2], seed=5)
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(parameters["W1"], rng.standard_normal((3, 4)) * math.sqrt(2 / 4))
    np.testing.assert_array_equal(parameters["W2"], rng.standard_normal((2, 3)) * math.sqrt(2 / 3))
    np.testing.assert_array_equal(parameters["b1"], np.zeros((3, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((2, 1)))
    big = mc.initialize_parameters_he([400, 300, 10], seed=0)["W1"]
    assert abs(big.var() - 2 / 400) < 0.0003


@pytest.mark.parametrize(
    ("m", "size", "sizes"), [(10, 4, [4, 4, 2]), (8, 4, [4, 4]), (1, 64, [1]), (5, 1, [1] * 5), (3, 7, [3])]
)
def test_random_mini_batches_partition_the_shuffled_examples(m, size, sizes):
    X = np.arange(2 * m, dtype=float).reshape(2, m)
    Y = mc.one_hot((np.arange(m) % 3).reshape(1, m), 3)
    batches = mc.random_mini_batches(X, Y, size, seed=4)
    assert [bx.shape[1] for bx, _ in batches] == sizes
    order = np.concatenate([bx[0] for bx, _ in batches]).astype(int)
    np.testing.assert_array_equal(order, np.random.default_rng(4).permutation(m))
    for bx, by in batches:
        # Each example keeps its own label: column j of X is (j, m + j), its class j % 3.
        np.testing.assert_array_equal(bx[1] - bx[0], m)
        np.testing.assert_array_equal(np.argmax(by, axis=0), bx[0].astype(int) % 3)


def test_random_mini_batches_depend_on_the_seed_only():
    X, Y = np.arange(40.0).reshape(2, 20), np.ones((1, 20))
    a = mc.random_mini_batches(X, Y, 8, seed=1)
    b = mc.random_mini_batches(X, Y, 8, seed=1)
    c = mc.random_mini_batches(X, Y, 8, seed=2)
    assert all(np.array_equal(p[0], q[0]) for p, q in zip(a, b))
    assert not all(np.array_equal(p[0], q[0]) for p, q in zip(a, c))


def test_random_mini_batches_rejects_mismatched_labels():
    with pytest.raises(ValueError, match=r"Y must have shape \(C, 5\), got \(3, 4\)"):
        mc.random_mini_batches(np.ones((2, 5)), np.ones((3, 4)), 2)


# The network ---------------------------------------------------------------


def test_L_model_forward_outputs_probabilities_and_documented_caches():
    X, _, parameters = _network([4, 5, 3, 3], 6, seed=0)
    AL, caches = mc.L_model_forward(X, parameters)
    assert AL.shape == (3, 6)
    np.testing.assert_allclose(AL.sum(axis=0), 1.0, rtol=1e-14)
    assert len(caches) == 3
    (A_prev, W, b), Z, dropout_cache = caches[0]
    assert A_prev is X and W is parameters["W1"] and dropout_cache is None
    np.testing.assert_allclose(Z, parameters["W1"] @ X + parameters["b1"], rtol=1e-14)
    np.testing.assert_allclose(caches[1][0][0], np.maximum(Z, 0.0), rtol=1e-14)
    np.testing.assert_allclose(AL, mc.softmax(caches[2][1]), rtol=1e-14)


def test_L_model_forward_with_dropout_masks_the_hidden_layers_only():
    X, _, parameters = _network([4, 6, 5, 3], 7, seed=1)
    AL, caches = mc.L_model_forward(X, parameters, keep_prob=0.5, rng=np.random.default_rng(9))
    rng = np.random.default_rng(9)
    for layer in (1, 2):
        D, keep_prob = caches[layer - 1][2]
        np.testing.assert_array_equal(D, rng.random(caches[layer - 1][1].shape) < 0.5)
        A = np.maximum(caches[layer - 1][1], 0.0) * D / keep_prob
        np.testing.assert_allclose(caches[layer][0][0], A, rtol=1e-14)
    assert caches[2][2] is None
    np.testing.assert_allclose(AL.sum(axis=0), 1.0, rtol=1e-14)
    with pytest.raises(TypeError, match="rng must be given"):
        mc.L_model_forward(X, parameters, keep_prob=0.5)


def test_L_model_forward_rejects_a_wrong_X():
    _, _, parameters = _network([4, 3, 2], 2, seed=0)
    with pytest.raises(ValueError, match=r"W1 must have shape \(n_1, 5\), got \(3, 4\)"):
        mc.L_model_forward(np.ones((5, 2)), parameters)


# The centred difference of a cost near 1 carries round-off of about 1e-11, so
# an entry of the gradient can only be judged at 1e-7 if it is well above
# 1e-4. These fixed draws (m = 1 and layers of width 1 included) keep every
# entry there, and no ReLU input within h of its kink; a wrong term (a missing
# 1/m, a mask not applied, λ/m W forgotten) gives errors of 1e-3 or more.
NETWORK_CASES = [
    # dims, m, lambd, keep_prob, seed
    ([4, 5, 3, 3], 6, 0.0, 1.0, 2),
    ([3, 1, 2, 4], 1, 0.7, 1.0, 0),
    ([5, 4, 4, 3, 2], 7, 0.3, 0.6, 3),
    ([2, 6, 5, 4, 3], 3, 1.0, 0.8, 0),
    ([6, 3, 1], 4, 0.5, 0.5, 0),
    ([1, 4, 4, 4, 5], 5, 0.2, 0.7, 0),
]


@pytest.mark.parametrize(("dims", "m", "lambd", "keep_prob", "seed"), NETWORK_CASES)
def test_L_model_backward_matches_centred_differences(dims, m, lambd, keep_prob, seed):
    X, Y, parameters = _network(dims, m, seed)
    # A fixed int seed redraws the same masks in every forward pass, so the
    # regularised cost is a deterministic function of the parameters.
    mask_seed = 100 + seed if keep_prob < 1 else None

    def cost(params):
        AL, _ = mc.L_model_forward(X, params, keep_prob, mask_seed)
        return mc.compute_cost_with_regularization(AL, Y, params, lambd)

    AL, caches = mc.L_model_forward(X, parameters, keep_prob, mask_seed)
    grads = mc.L_model_backward(AL, Y, caches, lambd)
    assert set(grads) == {"d" + key for key in parameters}
    for key, value in parameters.items():
        numeric = numerical_gradient(lambda v: cost({**parameters, key: v}), value)
        assert_gradient_close("d" + key, grads["d" + key], numeric)


def test_L_model_backward_rejects_malformed_caches():
    X, Y, parameters = _network([3, 2, 2], 4, seed=0)
    AL, caches = mc.L_model_forward(X, parameters)
    with pytest.raises(ValueError, match=r"caches\[0\] must be \(linear_cache, Z, dropout_cache\)"):
        mc.L_model_backward(AL, Y, [c[:2] for c in caches])
    with pytest.raises(ValueError, match=r"Y must have shape \(2, 4\), got \(4, 2\)"):
        mc.L_model_backward(AL, Y.T, caches)


def test_reference_functions_do_not_modify_their_inputs():
    X, Y, parameters = _network([4, 5, 3], 6, seed=0)
    snapshot = {k: v.copy() for k, v in parameters.items()}
    X0, Y0 = X.copy(), Y.copy()
    AL, caches = mc.L_model_forward(X, parameters, 0.7, 1)
    AL0 = AL.copy()
    mc.L_model_backward(AL, Y, caches, 0.5)
    mc.compute_cost_with_regularization(AL, Y, parameters, 0.5)
    mc.random_mini_batches(X, Y, 4, 0)
    mc.model(X, Y, [4, 5, 3], num_epochs=2, mini_batch_size=4, lambd=0.1, keep_prob=0.8)
    for key, value in snapshot.items():
        np.testing.assert_array_equal(parameters[key], value, err_msg=f"{key} was modified")
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)
    np.testing.assert_array_equal(AL, AL0)


# Training ------------------------------------------------------------------


def _blobs(m, seed):
    """Three well separated Gaussian clouds in 2-D, labels 0, 1, 2."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=(1, m))
    centres = np.array([[0.0, 3.0, -3.0], [3.0, -2.0, -2.0]])
    X = centres[:, labels[0]] + rng.normal(scale=0.6, size=(2, m))
    return X, mc.one_hot(labels, 3), labels


def test_model_learns_separable_blobs_and_is_reproducible():
    X, Y, labels = _blobs(300, seed=0)
    epochs_seen = []
    parameters, costs = mc.model(
        X,
        Y,
        [2, 8, 8, 8, 3],
        learning_rate=0.1,
        num_epochs=15,
        mini_batch_size=32,
        seed=3,
        on_epoch_end=lambda epoch, p: epochs_seen.append(epoch),
    )
    assert len(costs) == 15 and all(type(c) is float for c in costs)
    assert epochs_seen == list(range(15))
    assert costs[-1] < costs[0] / 5, f"the cost barely fell: {costs[0]:.3f} → {costs[-1]:.3f}"
    assert np.mean(mc.predict(X, parameters) == labels) > 0.97
    again, costs_again = mc.model(X, Y, [2, 8, 8, 8, 3], learning_rate=0.1, num_epochs=15, mini_batch_size=32, seed=3)
    assert costs_again == costs
    assert all(np.array_equal(again[k], parameters[k]) for k in parameters)


def test_model_with_l2_ends_with_smaller_weights():
    X, Y, _ = _blobs(200, seed=1)
    plain, _ = mc.model(X, Y, [2, 16, 3], num_epochs=30, mini_batch_size=20, seed=0)
    decayed, _ = mc.model(X, Y, [2, 16, 3], num_epochs=30, mini_batch_size=20, lambd=2.0, seed=0)
    assert np.sum(decayed["W1"] ** 2) < 0.7 * np.sum(plain["W1"] ** 2)


def test_model_cost_is_the_size_weighted_mean_of_the_mini_batch_costs():
    X, Y, _ = _blobs(10, seed=2)
    _, costs = mc.model(X, Y, [2, 4, 3], learning_rate=0.05, num_epochs=1, mini_batch_size=4, lambd=0.3, seed=6)
    # Replay the epoch by hand with the documented seeds.
    parameters = mc.initialize_parameters_he([2, 4, 3], 6)
    total = 0.0
    for bx, by in mc.random_mini_batches(X, Y, 4, 6):
        AL, caches = mc.L_model_forward(bx, parameters)
        total += bx.shape[1] * mc.compute_cost_with_regularization(AL, by, parameters, 0.3)
        parameters = mc.update_parameters(parameters, mc.L_model_backward(AL, by, caches, 0.3), 0.05)
    assert costs == [pytest.approx(total / 10, rel=1e-14)]


def test_model_rejects_labels_of_the_wrong_size():
    with pytest.raises(ValueError, match=r"Y must have shape \(3, 4\), got \(2, 4\)"):
        mc.model(np.ones((2, 4)), np.ones((2, 4)), [2, 5, 3], num_epochs=1)


def test_predict_returns_integer_labels_in_a_row():
    X, Y, parameters = _network([3, 4, 5], 6, seed=0)
    predictions = mc.predict(X, parameters)
    assert predictions.shape == (1, 6) and predictions.dtype == np.int64
    np.testing.assert_array_equal(predictions[0], np.argmax(mc.L_model_forward(X, parameters)[0], axis=0))


@pytest.mark.slow
def test_the_assignment_settings_reach_90_percent_on_held_out_mnist_digits():
    from nndl.digits import load_digits

    data = load_digits()
    parameters, costs = mc.model(
        data.X_train, data.Y_train, [784, 256, 64, 32, 10], learning_rate=0.1, num_epochs=15, mini_batch_size=64, seed=1
    )
    accuracy = float(np.mean(mc.predict(data.X_test, parameters) == data.labels_test))
    assert accuracy >= 0.90, f"held-out accuracy {accuracy:.3f} is below 90%"
    assert costs[-1] < costs[0] / 5
