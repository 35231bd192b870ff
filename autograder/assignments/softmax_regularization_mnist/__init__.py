"""Assignment softmax regularization mnist: hidden checks (checks.py) and typical mistakes (mistakes.py)."""

ASSIGNMENT = "06_softmax_regularization_mnist"
