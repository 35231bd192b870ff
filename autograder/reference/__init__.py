"""The course's reference implementation in NumPy, one module per assignment topic.

* :mod:`~autograder.reference.basics` – NumPy basics (assignment 1);
* :mod:`~autograder.reference.logistic` – logistic regression (assignment 2);
* :mod:`~autograder.reference.shallow` – one hidden layer (assignment 3);
* :mod:`~autograder.reference.deep` – deep networks (assignments 4 and 5);
* :mod:`~autograder.reference.broadcasting` – the broadcasting exercises (assignment 1);
* :mod:`~autograder.reference.preprocessing` – flattening images into columns (assignment 2);
* :mod:`~autograder.reference.multiclass` – softmax, L2, dropout, mini-batches (assignment 6).

Under them, :mod:`~autograder.reference.layers` holds the fully connected
layer's arithmetic that deep, multiclass and shallow share,
:mod:`~autograder.reference.stable_math` the overflow-free sigmoid, softmax
and cross-entropies, and :mod:`~autograder.reference.validation` the argument
checks.

Every grade is measured against these functions. They keep the lecture's
names, signatures and return layouts, treat columns as examples, never modify
their arguments, draw random numbers only from a local, seeded
``np.random.RandomState``, and reject a wrong shape with a ``ValueError``
naming the argument, the expected shape and the shape received.

This package lives on the instructor side only: nothing under ``nndl`` (the
student package) may import it.
"""

from autograder.reference import basics, broadcasting, deep, logistic, multiclass, preprocessing, shallow

__all__ = ["basics", "broadcasting", "logistic", "preprocessing", "shallow", "deep", "multiclass"]
