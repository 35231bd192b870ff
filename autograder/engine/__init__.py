"""How one submission is executed and scored: workers, kernels, nbgrader's Execute step."""
