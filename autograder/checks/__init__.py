"""Hidden checks, one module per assignment (named without its number).

Each check is a plain function taking the student's function (and nothing
from the notebook's globals), drawing fresh random shapes and values from its
own generator, and comparing with :mod:`autograder.reference`. The source
notebooks call exactly one check per hidden-test region, so the same checks
can also run outside the student's kernel.
"""
