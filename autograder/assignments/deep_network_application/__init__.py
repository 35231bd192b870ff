"""Assignment deep network application: hidden checks (checks.py) and typical mistakes (mistakes.py)."""
