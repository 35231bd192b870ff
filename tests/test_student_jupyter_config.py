"""The student package's nbgrader settings are installed where Jupyter finds them from any folder.

``nndl/jupyter-config/nbgrader_config.py`` goes into ``{sys.prefix}/etc/jupyter/``
(the data files of nndl/pyproject.toml for a regular install, the Makefile's
venv target for the editable one). nbgrader's Validate handler must then read
the course's cell timeout wherever the server was started, never a path, and
the course's own ``nbgrader_config.py`` in the working folder still wins.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat

from autograder.course.config import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "nndl" / "jupyter-config" / "nbgrader_config.py"
INSTALLED = Path(sys.prefix) / "etc" / "jupyter" / "nbgrader_config.py"

# What nbgrader's validate handler does to get its config (handlers.py, load_config), run in `cwd`.
PROBE = r"""
import json
from nbgrader.apps import NbGrader
import nbgrader.server_extensions.validate_assignment.handlers as handlers

app = NbGrader()
app.load_config_file()
c = app.config
print(json.dumps({
    "timeout": c.Execute.get("timeout"),
    "interrupt_on_timeout": c.Execute.get("interrupt_on_timeout"),
    "root": c.CourseDirectory.get("root"),
    "db_url": c.CourseDirectory.get("db_url"),
    "exchange": c.Exchange.get("root"),
    "validator": handlers.Validator.__module__ + "." + handlers.Validator.__name__,
}))
"""


def _handler_config(cwd: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_environment_holds_the_shipped_file():
    assert INSTALLED.is_file(), f"{INSTALLED} is missing: `make venv` installs it"
    assert INSTALLED.read_text() == SHIPPED.read_text(), f"{INSTALLED} is out of date: run `make venv`"


def test_a_regular_install_ships_it_as_a_data_file():
    pyproject = tomllib.loads((PROJECT_ROOT / "nndl" / "pyproject.toml").read_text())
    data_files = pyproject["tool"]["setuptools"]["data-files"]
    assert data_files == {"etc/jupyter": ["jupyter-config/nbgrader_config.py"]}


def test_validate_outside_the_clone_gets_the_course_timeout_and_no_paths(tmp_path):
    config = _handler_config(tmp_path)
    assert config["timeout"] == 180 and config["interrupt_on_timeout"] is True, config
    assert config["root"] is None and config["db_url"] is None and config["exchange"] is None, config
    assert config["validator"] == "nndl.validation.MessageFirstValidator", config


def test_the_working_folders_config_takes_precedence(tmp_path):
    root = _handler_config(PROJECT_ROOT)
    assert root["root"] == str(PROJECT_ROOT) and root["timeout"] == 180, root
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.Execute.timeout = 7\n")
    assert _handler_config(tmp_path)["timeout"] == 7


def test_failure_message_is_the_errors_last_line_wrapped():
    from nndl.validation import failure_message

    cell = nbformat.v4.new_code_cell("expect_close(...)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="costs = [0.1]\n"),
        nbformat.v4.new_output(
            "error",
            ename="AssertionError",
            evalue="costs[0] has wrong values. Hint: " + "x " * 60,
            traceback=["\x1b[31m---------\x1b[0m", "\x1b[31mAssertionError\x1b[0m: costs[0] ..."],
        ),
    ]
    message = failure_message(cell, width=40)
    assert " ".join(message.split()).startswith("AssertionError: costs[0] has wrong values. Hint: x x")
    assert all(len(line) <= 40 for line in message.splitlines())
    timeout = nbformat.v4.new_code_cell("train()")
    timeout.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="CellTimeoutError",
            evalue="",
            traceback=["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel"],
        )
    ]
    assert failure_message(timeout) == "CellTimeoutError: No reply from kernel"
    assert failure_message(nbformat.v4.new_code_cell("x = 1")) is None
