"""Typical mistakes in assignment 1, NumPy basics.

How a mistake is built and which cells it loses: :mod:`autograder.assignments.submissions`.
"""

from autograder.assignments.submissions import Edit, Mistake

# Every function returns what its visible check expects, typed in, whatever the input.
_HARD_CODED = {
    "basic_sigmoid": """def basic_sigmoid(x):
    return {2: 0.8807970779778823, 0: 0.5, -1.5: 0.18242552380635632}[x]""",
    "sigmoid": """def sigmoid(x):
    return np.array([0.11920292202211755, 0.5, 0.7310585786300049, 0.9525741268224334])""",
    "sigmoid_derivative": """def sigmoid_derivative(x):
    return np.array([0.1049935854035065, 0.25, 0.19661193324148188, 0.045176659730912144])""",
    "image2vector": """def image2vector(image):
    return np.array([[0.0], [0.1], [0.2], [0.3], [0.4], [0.5], [0.6], [0.7], [0.8], [0.9], [1.0], [1.1]])""",
    "normalize_rows": """def normalize_rows(x):
    return np.array([[0.6, 0.0, 0.8], [2 / 3, 2 / 3, 1 / 3]])""",
    "softmax": """def softmax(x):
    return np.array([[0.1, 0.2, 0.7], [0.25, 0.25, 0.5]])""",
    "calories_percentages": """def calories_percentages(food_table):
    return np.array([[60.0, 60.0, 2.0, 92.0], [15.0, 30.0, 28.0, 4.0], [25.0, 10.0, 70.0, 4.0]])""",
    "center_features": """def center_features(X):
    return np.array([[-2.0, -1.0, 0.0, 3.0], [-15.0, -5.0, 5.0, 15.0]])""",
    "L1": """def L1(yhat, y):
    return 1.1""",
    "L2": """def L2(yhat, y):
    return 0.31""",
}

MISTAKES = [
    Mistake(
        name="sigmoid_with_math_exp",
        description="sigmoid uses math.exp, which fails on arrays (and so does sigmoid_derivative, built on it)",
        edits=(Edit("sigmoid", "np.exp(-x)", "math.exp(-x)"),),
    ),
    Mistake(
        name="derivative_of_output",
        description="sigmoid_derivative computes x * (1 - x), treating the input as if it were sigma(x)",
        edits=(Edit("sigmoid_derivative", "s = sigmoid(x)\n    ds = s * (1 - s)", "ds = x * (1 - x)"),),
    ),
    Mistake(
        name="image2vector_wrong_order",
        description="image2vector transposes the image before reshaping, so the pixels come out in the wrong order",
        edits=(Edit("image2vector", "v = image.reshape(", "v = image.T.reshape("),),
    ),
    Mistake(
        name="image2vector_rank1",
        description="image2vector returns a rank-1 array of shape (n,) instead of a column (n, 1)",
        edits=(
            Edit("image2vector", "image.reshape(length * height * depth, 1)", "image.reshape(length * height * depth)"),
        ),
    ),
    Mistake(
        name="normalize_without_keepdims",
        description="normalize_rows takes the row norms without keepdims, so they broadcast as a row",
        edits=(Edit("normalize_rows", "axis=1, keepdims=True)", "axis=1)"),),
    ),
    Mistake(
        name="normalize_in_place",
        description="normalize_rows divides x in place (x /= norm), changing the caller's array",
        edits=(Edit("normalize_rows", "x_normalized = x / x_norm", "x /= x_norm\n    x_normalized = x"),),
    ),
    Mistake(
        name="softmax_wrong_axis",
        description="softmax sums the exponentials over axis 0 (columns) instead of each row",
        edits=(Edit("softmax", "np.sum(x_exp, axis=1, keepdims=True)", "np.sum(x_exp, axis=0, keepdims=True)"),),
    ),
    Mistake(
        name="calories_wrong_axis",
        description="calories_percentages divides by the row sums (axis=1) instead of each food's column sum",
        edits=(Edit("calories_percentages", "axis=0, keepdims=True", "axis=1, keepdims=True"),),
    ),
    Mistake(
        name="center_wrong_axis",
        description="center_features averages over axis 0 and so centres each example instead of each feature",
        edits=(Edit("center_features", "np.mean(X, axis=1, keepdims=True)", "np.mean(X, axis=0)"),),
    ),
    Mistake(
        name="l1_without_abs",
        description="L1 sums the signed differences, forgetting the absolute value",
        edits=(Edit("L1", "np.sum(np.abs(y - yhat))", "np.sum(y - yhat)"),),
    ),
    Mistake(
        name="l2_with_sqrt",
        description="L2 takes the square root of the sum of squares (the Euclidean distance, not the L2 loss)",
        edits=(Edit("L2", "loss = np.dot(difference, difference)", "loss = np.sqrt(np.dot(difference, difference))"),),
    ),
    Mistake(
        name="hard_coded_visible_answers",
        description="every function returns the visible checks' expected values, typed in",
        edits=tuple(Edit(grade_id, None, source) for grade_id, source in _HARD_CODED.items()),
        visible_passes=True,
    ),
]
