"""The student versions open in a real JupyterLab and run up to the first exercise.

A JupyterLab server from the project's environment serves a copy of
``release/``; headless Chromium (Debian's package, driven by Playwright)
opens each notebook, runs all cells from the Run menu, and the first error
it shows must be the ``NotImplementedError`` of an unsolved exercise: no
import, data or plotting error before it, nothing else written to stderr.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from autograder.course import RELEASE_DIR, available_assignments, notebook_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ASSIGNMENTS = available_assignments(RELEASE_DIR)
TOKEN = "nndl-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: `make browser` installs it"
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(RELEASE_DIR, root / "release")
    settings = root / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell, so outputs below the fold are in the page to be read.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(root / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(root / "lab-workspaces"))
    port = _free_port()
    log = open(root / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root / 'release'}",
         "--ServerApp.disable_check_xsrf=True", "--allow-root", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    _LAB_ROOTS[url] = str(root / "release")
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                log.flush()
                raise AssertionError("JupyterLab did not start:\n" + (root / "lab.log").read_text()[-3000:])
            time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
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
    assert errors, f"{assignment}: running all cells produced no error, expected the first exercise's NotImplementedError"
    assert "NotImplementedError" in errors[0], (
        f"{assignment}: the first error shown in JupyterLab is not an unsolved exercise:\n{errors[0][:1500]}")
    ran = [p for p in prompts if p.strip() not in ("[ ]:", "[*]:", "")]
    assert len(ran) >= 2, f"{assignment}: only {len(ran)} cells ran before stopping ({prompts[:5]})"


def lab_screenshot_dir() -> str:
    path = Path(os.environ.get("NNDL_SCREENSHOT_DIR", "/tmp/nndl-lab-screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def _validate_in_lab(lab_url, browser, relpath: str) -> str:
    """Open ``relpath`` in JupyterLab, press nbgrader's Validate button, return the dialog text."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        workspace = "validate-" + relpath.replace("/", "-").replace(".", "-")
        page.goto(f"{lab_url}/lab/workspaces/{workspace}/tree/{relpath}?token={TOKEN}", timeout=60_000)
        page.wait_for_selector(f"{ACTIVE} .jp-Cell", timeout=60_000)
        page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(timeout=60_000)
        page.locator(ACTIVE).get_by_role("button", name="Validate").first.click()
        dialog = page.locator(".jp-Dialog-content")
        dialog.wait_for(timeout=180_000)
        return dialog.inner_text()
    finally:
        page.close()


@pytest.fixture(scope="module")
def validate_cases(lab):
    """Full and broken submissions of assignment 01, placed in the lab's folder."""
    import nbformat

    from autograder.course import SOURCE_DIR
    from autograder.assignments.submissions import apply_mistake, full_solution, mistakes_for

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
    assert "Success" in solved and "passes all the tests" in solved, f"Validate on the full solution said:\n{solved[:1500]}"
    broken = _validate_in_lab(lab, browser, f"{validate_cases}/broken.ipynb")
    assert "Success" not in broken, f"Validate accepted a broken notebook:\n{broken[:1500]}"
    assert "failed" in broken.lower() or "error" in broken.lower(), f"Validate on a broken notebook said:\n{broken[:1500]}"
