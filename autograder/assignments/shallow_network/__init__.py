"""Assignment shallow network: hidden checks (checks.py) and typical mistakes (mistakes.py)."""

ASSIGNMENT = "03_shallow_network"
