"""The instructor pipeline, one module per step: build, collect, grade, feedback, export; demo and check."""
