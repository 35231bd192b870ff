"""Hidden checks of assignment 5, the deep networks trained on the cat images.

Assignment 5 does not ship the building blocks of assignment 4: the student
pastes their own. :func:`check_building_blocks` re-runs assignment 4's hidden
checks on the pasted functions, so a broken block is named before the models
that use it are graded.

The two models are trained on small random problems for a few hundred
iterations at most and compared with :mod:`autograder.reference.deep`: the
recorded costs (every 100 iterations and the last one) and every trained
parameter. The shapes include one example, a hidden layer of width 1 and, for
``L_layer_model``, a network with a single layer.
"""

from __future__ import annotations

import numpy as np

from autograder.assignments import draws
from autograder.assignments.deep_network_step_by_step import checks as step_by_step
from autograder.reference import deep
from nndl.expect import call_without_mutation, expect_close, expect_equal, expect_type

__all__ = ["check_building_blocks", "check_two_layer_model", "check_L_layer_model"]

# The blocks assignment 5 pastes from assignment 4: every function assignment 4 checks,
# but the deep initialisation (assignment 5 scales its own) and the gradient check.
_BLOCKS = tuple(
    name.removeprefix("check_")
    for name in step_by_step.__all__
    if name not in ("check_initialize_parameters_deep", "check_gradient_check")
)


def check_building_blocks(**blocks) -> None:
    """Run assignment 4's hidden check of every pasted building block.

    Parameters
    ----------
    **blocks
        The student's functions by name: ``initialize_parameters=...``,
        ``linear_forward=...`` and so on, one for each name in ``_BLOCKS``.
    """
    missing = [name for name in _BLOCKS if name not in blocks]
    if missing:
        raise AssertionError(f"building blocks missing: {missing}")
    for name in _BLOCKS:
        try:
            getattr(step_by_step, f"check_{name}")(blocks[name])
        except AssertionError as error:
            raise AssertionError(f"your pasted {name} from assignment 4 fails its check: {error}") from None
        except Exception as error:
            raise AssertionError(
                f"your pasted {name} from assignment 4 raised {type(error).__name__}: {error}"
            ) from None


def _problem(rng, n_x, n_y, m):
    X = rng.normal(size=(n_x, m))
    Y = (rng.random((n_y, m)) < 0.5).astype(np.float64)
    return X, Y


def _trained_problem(rng, dims, m, train, tries: int = 20):
    """A problem drawn from ``rng`` and the reference's training on it, redrawn while it saturates.

    Where the output of the trained network reaches 0 or 1 to within 1e-6,
    the lecture's ``np.log(AL)`` gives inf or nan although the learner's code
    is right; such a draw says nothing, so another one is taken.
    """
    for _ in range(tries):
        X, Y = _problem(rng, dims[0], dims[-1], m)
        parameters, costs = train(X, Y)
        AL, _ = deep.L_model_forward(X, parameters)
        if np.all((AL > 1e-6) & (AL < 1 - 1e-6)) and np.all(np.isfinite(costs)):
            return X, Y, parameters, costs
    return X, Y, parameters, costs


def _expect_training(name, got, expected_parameters, expected_costs, num_iterations, init_hint):
    if not (isinstance(got, tuple) and len(got) == 2):
        raise AssertionError(f"{name} should return (parameters, costs), got {type(got).__name__}")
    parameters, costs = got
    expect_type(f"the costs of {name}", costs, list, hint="collect the recorded costs in a list")
    recorded = [i for i in range(num_iterations) if i % 100 == 0 or i == num_iterations - 1]
    expect_equal(
        f"the number of recorded costs of {name}",
        len(costs),
        len(expected_costs),
        hint=f"record the cost at iterations 0, 100, 200, ... and at the last iteration "
        f"(i = {num_iterations - 1}): here at {recorded}",
    )
    for index, (cost, want) in enumerate(zip(costs, expected_costs)):
        expect_close(
            f"the cost recorded at iteration {recorded[index]} by {name}",
            cost,
            want,
            rtol=1e-5,
            hint="record the cost computed before the update of that iteration",
        )
    expect_type(f"the parameters of {name}", parameters, dict)
    expect_equal(f"the keys of the parameters of {name}", sorted(parameters), sorted(expected_parameters))
    for key, value in expected_parameters.items():
        expect_close(
            f"the trained {key} of {name}",
            parameters[key],
            value,
            rtol=1e-5,
            hint=f"start from {init_hint}, then run exactly num_iterations steps of forward, "
            "cost, backward and update with the given learning_rate",
        )


def _check_trainings(model, reference, rng, cases, init_hint: str) -> None:
    """Train ``model`` and ``reference`` on a random problem per case ``(layers_dims, m, rate, iterations)``."""
    name_of = getattr(model, "__name__", "the model")
    for dims, m, rate, iterations in cases:
        X, Y, expected_parameters, expected_costs = _trained_problem(
            rng, dims, m, lambda X, Y: reference(X, Y, dims, learning_rate=rate, num_iterations=iterations)
        )
        got = call_without_mutation(model, X, Y, type(dims)(dims), learning_rate=rate, num_iterations=iterations)
        name = (
            f"{name_of}(X of shape {X.shape}, Y, layers_dims={dims}, learning_rate={rate}, "
            f"num_iterations={iterations})" + (" (no training: the initial parameters)" if iterations == 0 else "")
        )
        _expect_training(name, got, expected_parameters, expected_costs, iterations, init_hint=init_hint)


def check_two_layer_model(two_layer_model) -> None:
    """Short trainings on random problems, compared with the reference."""
    cases = [
        ((4, 3, 1), 8, 0.05, 150),
        ((2, 1, 1), 5, 0.5, 101),
        ((6, 5, 1), 1, 0.1, 100),
        ((3, 4, 1), 7, 0.2, 1),
        ((5, 2, 1), 9, 0.0075, 260),
    ]
    _check_trainings(
        two_layer_model,
        deep.two_layer_model,
        draws.rng(5101),
        cases,
        init_hint="initialize_parameters(n_x, n_h, n_y) (seed 1, weights times 0.01)",
    )


def check_L_layer_model(L_layer_model) -> None:
    """Short trainings of networks with one to four layers, compared with the reference."""
    cases = [
        ([5, 4, 3, 1], 6, 0.1, 150),
        ([3, 1], 4, 0.5, 101),
        ([4, 6, 1], 1, 0.05, 100),
        ([2, 3, 1, 2, 1], 8, 0.3, 120),
        ([6, 5, 1], 7, 0.0075, 1),
        ([3, 2, 1], 5, 0.2, 0),
    ]
    _check_trainings(
        L_layer_model,
        deep.L_layer_model,
        draws.rng(5102),
        cases,
        init_hint="W[l] = rng.randn(n[l], n[l-1]) / np.sqrt(n[l-1]) for l = 1 ... L in this order, "
        "with rng = np.random.RandomState(1), and zero biases",
    )
