"""Neural Networks and Deep Learning: the student-side package (data, plots, public checks)."""
