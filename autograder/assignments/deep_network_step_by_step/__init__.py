"""Assignment deep network step by step: hidden checks (checks.py) and typical mistakes (mistakes.py)."""

ASSIGNMENT = "04_deep_network_step_by_step"
