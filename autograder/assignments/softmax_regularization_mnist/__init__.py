"""Assignment softmax regularization mnist: hidden checks (checks.py) and typical mistakes (mistakes.py)."""
