"""The course's generated data, built on the instructor side.

:mod:`~autograder.datasets.catgen` draws the cat vs non-cat images from fixed
seeds and :mod:`~autograder.datasets.build` (``python -m
autograder.datasets.build``) writes them into the project's ``datasets/``
folder in the lecture's HDF5 schema and measures how hard they are with the
reference models. Learners only read the committed files, through
``nndl.data.load_catvnoncat``; nothing under ``nndl`` imports this package.
"""
