"""The student versions open in a real JupyterLab and run up to the first exercise.

A JupyterLab server from the project's environment serves a copy of
``release/``; headless Chromium (Debian's package, driven by Playwright)
opens each notebook, runs all cells from the Run menu, and the first error
it shows must be the ``NotImplementedError`` of an unsolved exercise: no
import, data or plotting error before it, nothing else written to stderr.

nbgrader's Validate button, pressed in that JupyterLab and in one started in a
folder outside the clone (only the nbgrader settings nndl installs into the
environment apply there), accepts the full solution within seconds and shows
a typical mistake's failing check by its message, before the cell's source.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS

from autograder.course import RELEASE_DIR, available_assignments, notebook_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASSIGNMENTS = available_assignments(RELEASE_DIR)
TOKEN = "nndl-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _running_lab(serve: Path, cwd: Path, state: Path):
    """A JupyterLab server started in ``cwd`` and serving ``serve``; yields its URL."""
    settings = state / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell, so outputs below the fold are in the page to be read.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(state / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(state / "lab-workspaces"),
    )
    port = _free_port()
    log = open(state / "lab.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--ServerApp.token={TOKEN}",
            f"--ServerApp.root_dir={serve}",
            "--ServerApp.disable_check_xsrf=True",
            "--allow-root",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env=env,
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    _LAB_ROOTS[url] = str(serve)
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                log.flush()
                raise AssertionError("JupyterLab did not start:\n" + (state / "lab.log").read_text()[-3000:]) from None
            time.sleep(0.5)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: `make browser` installs it"
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(RELEASE_DIR, root / "release")
    with _running_lab(serve=root / "release", cwd=root, state=root) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield b
        b.close()


# The notebook on screen; a workspace may keep other notebooks open in hidden tabs.
ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"
ERROR_OUTPUT = f"{ACTIVE} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_runs_to_first_exercise_in_jupyterlab(lab, browser, assignment):
    nb = notebook_path(assignment, RELEASE_DIR)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{lab}/lab/workspaces/run-{assignment}/tree/{assignment}/{nb.name}?token={TOKEN}", timeout=60_000)
        page.wait_for_selector(f"{ACTIVE} .jp-Cell", timeout=60_000)
        # Wait for the kernel to come up before running anything.
        page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(timeout=60_000)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        page.wait_for_selector(ERROR_OUTPUT, timeout=120_000)
        page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(timeout=60_000)
        errors = page.locator(ERROR_OUTPUT).all_inner_texts()
        prompts = page.locator(f"{ACTIVE} .jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
        page.screenshot(path=str(Path(lab_screenshot_dir()) / f"{assignment}.png"), full_page=False)
    finally:
        page.close()
    assert errors, (
        f"{assignment}: running all cells produced no error, expected the first exercise's NotImplementedError"
    )
    assert "NotImplementedError" in errors[0], (
        f"{assignment}: the first error shown in JupyterLab is not an unsolved exercise:\n{errors[0][:1500]}"
    )
    ran = [p for p in prompts if p.strip() not in ("[ ]:", "[*]:", "")]
    assert len(ran) >= 2, f"{assignment}: only {len(ran)} cells ran before stopping ({prompts[:5]})"


def lab_screenshot_dir() -> str:
    path = Path(os.environ.get("NNDL_SCREENSHOT_DIR", "/tmp/nndl-lab-screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


@dataclasses.dataclass
class ValidateReport:
    """What the Validate dialog showed, and how long after the click it appeared."""

    text: str
    seconds: float
    first_block: str  # the dialog's first <pre>: the failed cell's source, or what nbgrader puts there
    first_block_on_screen: bool  # that block starts inside the window, without scrolling


def _press_validate(lab_url, browser, relpath: str) -> ValidateReport:
    """Open ``relpath`` in JupyterLab, press nbgrader's Validate button, read the dialog."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        workspace = "validate-" + relpath.replace("/", "-").replace(".", "-")
        page.goto(f"{lab_url}/lab/workspaces/{workspace}/tree/{relpath}?token={TOKEN}", timeout=60_000)
        page.wait_for_selector(f"{ACTIVE} .jp-Cell", timeout=60_000)
        page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(timeout=60_000)
        start = time.perf_counter()
        page.locator(ACTIVE).get_by_role("button", name="Validate").first.click()
        dialog = page.locator(".jp-Dialog-content")
        dialog.wait_for(timeout=180_000)
        seconds = time.perf_counter() - start
        blocks = dialog.locator("pre")
        first, on_screen = "", False
        if blocks.count():
            first = blocks.first.inner_text()
            box = blocks.first.bounding_box()
            on_screen = box is not None and 0 <= box["y"] < page.viewport_size["height"]
        page.screenshot(path=str(Path(lab_screenshot_dir()) / f"{workspace}.png"), full_page=False)
        return ValidateReport(dialog.inner_text(), seconds, first, on_screen)
    finally:
        page.close()


def _validate_in_lab(lab_url, browser, relpath: str) -> str:
    """Open ``relpath`` in JupyterLab, press nbgrader's Validate button, return the dialog text."""
    return _press_validate(lab_url, browser, relpath).text


@pytest.fixture(scope="module")
def validate_cases(lab):
    """Full and broken submissions of assignment 01, placed in the lab's folder."""
    import nbformat

    from autograder.assignments.submissions import apply_mistake, full_solution, mistakes_for
    from autograder.course import SOURCE_DIR

    assignment = "01_numpy_basics"
    release = nbformat.read(str(notebook_path(assignment, RELEASE_DIR)), as_version=4)
    source = nbformat.read(str(notebook_path(assignment, SOURCE_DIR)), as_version=4)
    full = full_solution(release, source)
    broken = apply_mistake(full, next(m for m in mistakes_for(assignment) if not m.visible_passes))
    root = Path(lab_root_of(lab))
    folder = root / assignment
    nbformat.write(full, str(folder / "solved.ipynb"))
    nbformat.write(broken, str(folder / "broken.ipynb"))
    return assignment


_LAB_ROOTS: dict[str, str] = {}


def lab_root_of(url: str) -> str:
    return _LAB_ROOTS[url]


def test_validate_button_accepts_a_solved_notebook_and_rejects_a_broken_one(lab, browser, validate_cases):
    solved = _validate_in_lab(lab, browser, f"{validate_cases}/solved.ipynb")
    assert "Success" in solved and "passes all the tests" in solved, (
        f"Validate on the full solution said:\n{solved[:1500]}"
    )
    broken = _validate_in_lab(lab, browser, f"{validate_cases}/broken.ipynb")
    assert "Success" not in broken, f"Validate accepted a broken notebook:\n{broken[:1500]}"
    assert "failed" in broken.lower() or "error" in broken.lower(), (
        f"Validate on a broken notebook said:\n{broken[:1500]}"
    )


# Validate from a JupyterLab started outside the clone, as on a hub or after `cd release && jupyter lab`:
# the course's nbgrader_config.py is out of reach, only the one nndl installs into the environment applies.
OUTSIDE_ASSIGNMENTS = ["02_logistic_regression", "05_deep_network_application"]
VALIDATE_SECONDS = 20  # "a few seconds" on a quiet laptop; this 2-core machine is shared


@pytest.fixture(scope="module")
def lab_outside(tmp_path_factory):
    """JupyterLab started in a folder outside the clone that holds assignments 2 and 5 and nothing else."""
    import nbformat
    from jupyter_core.paths import jupyter_config_path

    from autograder.assignments.submissions import apply_mistake, full_solution, mistakes_for
    from autograder.course import SOURCE_DIR
    from autograder.course.config import PROJECT_ROOT

    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: `make browser` installs it"
    folder = tmp_path_factory.mktemp("learner")
    state = tmp_path_factory.mktemp("learner-lab-state")
    assert PROJECT_ROOT not in folder.resolve().parents
    assert os.path.join(sys.prefix, "etc", "jupyter") in jupyter_config_path(), jupyter_config_path()
    mistakes = {}
    for assignment in OUTSIDE_ASSIGNMENTS:
        shutil.copytree(RELEASE_DIR / assignment, folder / assignment)
        release = nbformat.read(str(notebook_path(assignment, RELEASE_DIR)), as_version=4)
        source = nbformat.read(str(notebook_path(assignment, SOURCE_DIR)), as_version=4)
        full = full_solution(release, source)
        mistake = next(m for m in mistakes_for(assignment) if not m.visible_passes)
        nbformat.write(full, str(folder / assignment / "solved.ipynb"))
        nbformat.write(apply_mistake(full, mistake), str(folder / assignment / "broken.ipynb"))
        checks = [c for c in release.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
        mistakes[assignment] = (mistake, checks)
    assert not list(folder.rglob("nbgrader_config.py"))
    with _running_lab(serve=folder, cwd=folder, state=state) as url:
        yield url, mistakes


def _squash(text: str) -> str:
    return " ".join(text.split())


def _hints(source: str) -> list[str]:
    """The hint texts of the expect_* calls in a test cell's source (first string literal of each)."""
    return re.findall(r'hint="([^"]+)"', source)


@pytest.mark.parametrize("assignment", OUTSIDE_ASSIGNMENTS)
def test_validate_outside_the_clone_is_quick_and_names_the_mistake_first(lab_outside, browser, assignment):
    url, mistakes = lab_outside
    solved = _press_validate(url, browser, f"{assignment}/solved.ipynb")
    print(f"\n{assignment}: Validate on the full solution answered in {solved.seconds:.1f} s")
    assert "Success" in solved.text and "passes all the tests" in solved.text, (
        f"Validate on the full solution said:\n{solved.text[:2000]}"
    )
    assert solved.seconds < VALIDATE_SECONDS, f"Validate on the full solution took {solved.seconds:.1f} s"

    mistake, checks = mistakes[assignment]
    broken = _press_validate(url, browser, f"{assignment}/broken.ipynb")
    print(f"{assignment}: Validate with the mistake {mistake.name!r} answered in {broken.seconds:.1f} s")
    print(f"{assignment}: the dialog's first block:\n{broken.first_block}")
    assert "Success" not in broken.text, f"Validate accepted a broken notebook:\n{broken.text[:2000]}"
    assert "failed" in broken.text.lower(), f"Validate on a broken notebook said:\n{broken.text[:2000]}"
    assert "CellTimeoutError" not in broken.text, broken.text[:2000]
    assert broken.seconds < VALIDATE_SECONDS, f"Validate on a broken notebook took {broken.seconds:.1f} s"
    # The first thing shown for the failed cell is the message of its visible check, on screen.
    first = _squash(broken.first_block)
    assert first.startswith("AssertionError: "), f"the dialog starts with something else:\n{broken.first_block}"
    # It is the message of a visible check: it carries one of the hints written in a test cell.
    failing = [cell for cell in checks if any(_squash(h)[:40] in first for h in _hints(cell.source))]
    assert failing, f"the first block carries no hint of the notebook's checks:\n{broken.first_block}"
    assert broken.first_block_on_screen, "the failing check's message is below the fold"
    text = _squash(broken.text)
    source_start = _squash(failing[0].source.splitlines()[0])
    assert text.index(first) < text.find(source_start) or source_start not in text, (
        "the test cell's source comes before the message"
    )
