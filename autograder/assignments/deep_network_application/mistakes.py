"""Typical mistakes in assignment 5, the deep networks trained on the cat images.

How a mistake is built and which cells it loses: :mod:`autograder.assignments.submissions`.

A broken building block pasted from assignment 4 must be caught by the
building-blocks check and spoil both models. The last mistake returns the
visible checks' expected values literally: it passes what the student sees
and must lose the hidden checks.
"""

from autograder.assignments.submissions import Edit, Mistake

_HARD_CODED = {
    "two_layer_model": """\
def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    parameters = {"W1": np.zeros((3, 4)), "b1": np.array([[1.3828417524366483], [0.5479721769379183], [-0.3301929686794161]]),
                  "W2": np.array([[-1.6321769233586343, -0.6464442575066632, 2.4948933940121183]]), "b2": np.zeros((1, 1))}
    return parameters, [0.6931499707410166, 0.37889246660977266, 0.33849087593815214, 0.21580337830874954]
""",
    "L_layer_model": """\
def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    parameters = {"W1": np.zeros((4, 5)), "b1": np.array([[0.37841714959001244], [0.09482279527588093], [-0.07328669020559267], [0.1897050143586529]]), "W2": np.zeros((3, 4)),
                  "b2": np.zeros((3, 1)), "W3": np.array([[-0.28266410269828585, -1.8388792333123272, -0.3875441343311323]]), "b3": np.zeros((1, 1))}
    return parameters, [0.7326081998689231, 0.551567046935404, 0.372254780711204, 0.327640414200802]
""",
}

_RECORD = "if i % 100 == 0 or i == num_iterations - 1:"

MISTAKES = [
    Mistake(
        name="deep_init_times_001",
        description="L_layer_model initialises with 0.01 * randn, as in assignment 4, instead of dividing by sqrt(n[l-1])",
        edits=(Edit("L_layer_model", "/ np.sqrt(layers_dims[l - 1])", "* 0.01"),),
    ),
    Mistake(
        name="costs_every_1000",
        description="two_layer_model records the cost every 1000 iterations instead of every 100",
        edits=(Edit("two_layer_model", _RECORD, "if i % 1000 == 0 or i == num_iterations - 1:"),),
    ),
    Mistake(
        name="last_cost_not_recorded",
        description="L_layer_model records the cost every 100 iterations but not at the last iteration",
        edits=(Edit("L_layer_model", _RECORD, "if i % 100 == 0:"),),
    ),
    Mistake(
        name="forgot_update",
        description="two_layer_model computes the gradients but never updates the parameters",
        edits=(
            Edit("two_layer_model", "        parameters = update_parameters(parameters, grads, learning_rate)\n", ""),
        ),
    ),
    Mistake(
        name="broken_pasted_block",
        description="the linear_backward pasted from assignment 4 forgets the 1/m in dW",
        edits=(Edit("building_blocks", "dW = np.dot(dZ, A_prev.T) / m", "dW = np.dot(dZ, A_prev.T)"),),
    ),
    Mistake(
        name="hard_coded_visible_answers",
        description="both models return the visible checks' expected costs and parameters literally",
        edits=tuple(Edit(grade_id, None, source) for grade_id, source in _HARD_CODED.items()),
        visible_passes=True,
    ),
]
