"""nbgrader configuration for the course, valid from a clean clone.

The course root is the folder holding this file, so `nbgrader` run from the
project root finds source/, release/, submitted/, autograded/ and feedback/
here. The course command line (`python -m autograder ...`) reads this file
too (autograder/course/config.py): a course folder given with --course takes
these settings, and a nbgrader_config.py of its own, if it has one, on top.
On a JupyterHub an instructor overrides `CourseDirectory.root` and
`Exchange.root` in their own config.
"""

import os

c = get_config()  # noqa: F821 - injected by traitlets when the file is loaded

_here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "nndl"
c.CourseDirectory.root = _here
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(_here, "gradebook.db")

# Local exchange inside the project, for single-machine use (release_assignment,
# fetch_assignment, submit, collect). Ignored by git.
c.Exchange.root = os.path.join(_here, ".exchange")

# The student versions must not ship the hidden tests or their imports.
c.ClearHiddenTests.enforce_metadata = True

# Training cells in the application notebooks take tens of seconds on a laptop;
# anything slower than this per cell is a runaway loop. During autograde the
# notebooks read NBGRADER_EXECUTION=autograde and train for fewer iterations.
c.Execute.timeout = 180
c.Execute.interrupt_on_timeout = True
c.Execute.kernel_name = "python3"

# The course's own grading settings, which nbgrader has no trait for, are the
# traits of autograder.course.config.CourseGrading (the time one whole
# submission may take, BLAS threads per grading process); set them here as
# c.CourseGrading.<name> to change their defaults.
