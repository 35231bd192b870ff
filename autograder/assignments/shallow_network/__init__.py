"""Assignment shallow network: hidden checks (checks.py) and typical mistakes (mistakes.py)."""
