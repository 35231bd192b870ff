"""``python -m autograder``: the course command line (:mod:`autograder.cli`)."""

import sys

from autograder.cli import main

sys.exit(main())
