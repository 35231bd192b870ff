"""Assignment logistic regression: hidden checks (checks.py) and typical mistakes (mistakes.py)."""

ASSIGNMENT = "02_logistic_regression"
