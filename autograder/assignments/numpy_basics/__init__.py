"""Assignment numpy basics: hidden checks (checks.py) and typical mistakes (mistakes.py)."""

ASSIGNMENT = "01_numpy_basics"
