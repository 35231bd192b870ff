"""Assignment deep network step by step: hidden checks (checks.py) and typical mistakes (mistakes.py)."""
