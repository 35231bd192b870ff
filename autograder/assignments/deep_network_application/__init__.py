"""Assignment deep network application: hidden checks (checks.py) and typical mistakes (mistakes.py)."""

ASSIGNMENT = "05_deep_network_application"
