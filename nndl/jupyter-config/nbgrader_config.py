"""nbgrader settings of the course for a learner's Jupyter, wherever it starts.

Installed into the environment's Jupyter config folder
(``{sys.prefix}/etc/jupyter/``, one of ``jupyter --paths``), so nbgrader reads
it from any working directory: the Validate button in JupyterLab started
inside ``release/``, on a hub, or anywhere else. It holds only what
validating a notebook needs and no paths (no course root, gradebook or
exchange), so it never competes with an instructor's configuration: nbgrader
reads this file first and the working directory's ``nbgrader_config.py``
(the course's own, at the root of the clone) on top of it.
"""

from nndl.validation import show_messages_first

c = get_config()  # noqa: F821 - injected by traitlets when the file is loaded

# The training cells of the application notebooks run for tens of seconds when
# a learner runs them; under Validate (NBGRADER_EXECUTION=validate) they train
# briefly, but a slow computer must not hit nbgrader's default 30 s per cell.
# The same limit as the course's nbgrader_config.py.
c.Execute.timeout = 180
c.Execute.interrupt_on_timeout = True

# A failed check is reported by the message that names the mistake, not by
# the source of its test cell (see nndl/validation.py).
show_messages_first()
