"""A Jupyter server extension for the course hub's formgrader: its autograde button grades nothing, and says why.

nbgrader's formgrader offers an "autograde" link per submission. It runs
nbgrader's stock ``autograde``: the student's notebook executes as the
formgrader's own account, with the network and every file that account can
read (the course folder, the solutions, the gradebook), and with ``--force``
it first deletes the sandboxed grade the course command line wrote. On the
course hub grading goes through ``nndl-course grade`` instead (sandboxed,
each check judged outside the notebook). This extension answers that
link's request itself, before nbgrader's handler sees it, with
``success: false`` and a note the formgrader shows in its error dialog.

Enabled for the instructors' servers and the formgrader service by
``nndl_hub.py install`` (``jupyter server extension enable --user
nndl_hub_formgrader`` into their Jupyter config folder).
"""

from __future__ import annotations

import json

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.routing import HostMatches, Rule

NOTE = (
    "Autograding from the formgrader is switched off on this course's hub: nbgrader's own autograde would run "
    "the student's notebook unsandboxed, as the formgrader's account, and replace the sandboxed grade. "
    "Grade from a terminal with the course command line instead: nndl-course grade {assignment} --student {student}"
)


class RefuseAutograde(JupyterHandler):
    """``POST .../formgrader/api/submission/<assignment>/<student>/autograde``: the note, nothing graded."""

    @web.authenticated
    def post(self, assignment: str, student: str) -> None:
        note = NOTE.format(assignment=assignment, student=student)
        self.log.warning("formgrader autograde refused for %s/%s", assignment, student)
        self.write(json.dumps({"success": False, "error": note, "log": note}))


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "nndl_hub_formgrader"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Put the refusal in front of every other handler of ``serverapp``'s web application."""
    from tornado.web import _ApplicationRouter

    web_app = serverapp.web_app
    pattern = url_path_join(web_app.settings["base_url"], r"/formgrader/api/submission/([^/]+)/([^/]+)/autograde")
    # Application.add_handlers appends behind the handlers already there (nbgrader's among them);
    # the first rule whose path matches wins, so this one goes first.
    rule = Rule(HostMatches(".*$"), _ApplicationRouter(web_app, [(pattern, RefuseAutograde)]))
    web_app.default_router.rules.insert(0, rule)
    serverapp.log.info("nndl_hub_formgrader: the formgrader's autograde link is switched off")
