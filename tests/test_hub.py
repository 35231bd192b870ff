"""A class on the course's JupyterHub, from release to feedback, driven in a browser.

``deploy/jupyterhub/nndl_hub.py install`` lays the course out in a fresh
folder with the environment ``make hub`` built (``.venv-hub``); the test
creates one instructor and two students as system users, starts the hub
(which starts the proxy, the formgrader service and, on login, each user's
server) on loopback, and then, in headless Chromium:

1. the instructor logs in, opens the formgrader from the hub's Services
   menu (every assignment with its maximum points, no warning) and releases
   assignment 02;
2. each student logs in, fetches it from the Assignments list, fills in a
   solution (Alice the full one, Bob one with a typical mistake; written
   through the server's contents API as the editor would save it), presses
   Validate and submits;
3. the instructor collects in the formgrader, grades with the course
   command line in their own account (sandboxed), sees both scores in the
   formgrader, finds its autograde link switched off with its reason, and
   releases feedback;
4. each student fetches their feedback and reads their own score (Bob also
   the message naming his mistake).

Each step's effect is checked on disk and through the hub's REST API; who
may read what is checked on disk as each student, and in a student's kernel
that the instructor package does not import. Screenshots go to
``$NNDL_SCREENSHOT_DIR`` (default ``/tmp/nndl-hub-screenshots``). Every
process the hub started is stopped by its process id, and the users, groups
and folders are removed, also when a step fails. Without root (no way to
create users) the test is skipped, saying so; under CI it fails instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS

from autograder.course import RELEASE_DIR, SOURCE_DIR, notebook_path
from autograder.course.config import PROJECT_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

HUB_ENV = PROJECT_ROOT / ".venv-hub"
SCRIPT = PROJECT_ROOT / "deploy" / "jupyterhub" / "nndl_hub.py"
PROXY = PROJECT_ROOT / "deploy" / "jupyterhub" / "node_modules" / ".bin" / "configurable-http-proxy"
ASSIGNMENT = "02_logistic_regression"
# Names no real account on a course server would have; removed at the end.
TAG = "nndlt"
INSTRUCTOR = f"{TAG}-teacher"
ALICE = f"{TAG}-alice"  # hands in the full solution
BOB = f"{TAG}-bob"  # hands in a typical mistake
GROUP, STUDENTS_GROUP, GRADER = f"{TAG}-instructors", f"{TAG}-students", f"{TAG}-grader"
ACCOUNTS = (INSTRUCTOR, ALICE, BOB, GRADER)


def _cannot_run() -> str | None:
    """Why this host cannot run the hub test, or None."""
    if os.geteuid() != 0:
        return "the hub test creates system users (useradd) and runs JupyterHub as root; this user is not root"
    for tool in ("useradd", "userdel", "runuser"):
        if shutil.which(tool, path="/usr/sbin:/usr/bin:/sbin:/bin") is None:
            return f"the hub test needs {tool}, which this host lacks"
    return None


def _screenshot_dir() -> Path:
    path = Path(os.environ.get("NNDL_SCREENSHOT_DIR", "/tmp/nndl-hub-screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass
class Hub:
    """A running hub: its URL, its install's settings and the accounts' passwords."""

    url: str
    prefix: Path
    settings: dict
    passwords: dict
    token: str
    log: Path
    done: set = field(default_factory=set)

    def api(self, path: str):
        """GET ``/hub/api<path>`` with the course-admin service's token; the decoded JSON."""
        request = urllib.request.Request(self.url + "/hub/api" + path, headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def need(self, *steps: str) -> None:
        """Fail, naming it, when an earlier step this one builds on did not complete."""
        missing = [s for s in steps if s not in self.done]
        if missing:
            pytest.fail(f"an earlier step did not complete: {', '.join(missing)}")


def _setup(*args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *args], input=stdin, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"nndl_hub.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def _pids_of(users: tuple[str, ...]) -> list[int]:
    """Process ids of every process running as one of ``users``."""
    import pwd

    uids = set()
    for name in users:
        with contextlib.suppress(KeyError):
            uids.add(pwd.getpwnam(name).pw_uid)
    return [p.pid for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real in uids]


def _stop(pid: int, wait: float = 20) -> None:
    """SIGTERM ``pid``, then SIGKILL if it is still there after ``wait`` seconds."""
    try:
        process = psutil.Process(pid)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=wait)
    except psutil.NoSuchProcess:
        return
    except psutil.TimeoutExpired:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


def _clean_accounts(prefix: Path | None) -> None:
    """Remove the test's accounts and groups, whatever state an earlier run left them in."""
    for pid in _pids_of(ACCOUNTS):
        _stop(pid, wait=5)
    for name in (INSTRUCTOR, ALICE, BOB, GRADER):
        subprocess.run(["/usr/sbin/userdel", "--remove", name], capture_output=True)
    for name in (GROUP, STUDENTS_GROUP):
        subprocess.run(["/usr/sbin/groupdel", name], capture_output=True)
    if prefix is not None:
        shutil.rmtree(prefix, ignore_errors=True)


@pytest.fixture(scope="module")
def hub():
    reason = _cannot_run()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the hub test must run in CI, but {reason}")
        pytest.skip(reason)
    assert (HUB_ENV / "bin" / "jupyterhub").exists(), f"{HUB_ENV} is missing: `make hub` builds it"
    assert PROXY.exists(), f"{PROXY} is missing: `make hub` installs configurable-http-proxy"
    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: `make browser` installs it"
    for folder in [HUB_ENV, *HUB_ENV.parents]:
        assert folder.stat().st_mode & 0o005 == 0o005, (
            f"{folder} is not readable and searchable by others: the users' servers run from {HUB_ENV}"
        )
    _clean_accounts(None)
    prefix = Path(tempfile.mkdtemp(prefix="nndl-hub-", dir="/tmp"))
    port, hub_port, proxy_port, service_port = _free_ports(4)
    hub_process = None
    try:
        _setup(
            *("install", "--prefix", str(prefix), "--environment", str(HUB_ENV)),
            *("--group", GROUP, "--students-group", STUDENTS_GROUP, "--grader", GRADER, "--ip", "127.0.0.1"),
            *("--port", str(port), "--hub-port", str(hub_port)),
            *("--proxy-api-port", str(proxy_port), "--service-port", str(service_port)),
        )
        passwords = {}
        for name in (INSTRUCTOR, ALICE, BOB):
            passwords[name] = secrets.token_urlsafe(12)
            role = ["--instructor"] if name == INSTRUCTOR else []
            _setup("add-user", name, *role, "--password-stdin", "--prefix", str(prefix), stdin=passwords[name] + "\n")
        settings = json.loads((prefix / "etc" / "jupyterhub" / "course.json").read_text())
        state = Path(settings["state"])
        log = prefix / "hub.log"
        with open(log, "w") as out:
            hub_process = subprocess.Popen(
                [
                    str(HUB_ENV / "bin" / "jupyterhub"),
                    "-f",
                    str(prefix / "etc" / "jupyterhub" / "jupyterhub_config.py"),
                ],
                cwd=state,
                env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(url + "/hub/health", timeout=2)
                break
            except OSError:
                if hub_process.poll() is not None or time.time() > deadline:
                    pytest.fail("JupyterHub did not start:\n" + log.read_text()[-4000:])
                time.sleep(0.5)
        token = (state / "course-admin.token").read_text().strip()
        yield Hub(url, prefix, settings, passwords, token, log)
    finally:
        if hub_process is not None:
            _stop(hub_process.pid, wait=30)
            # The hub stops the proxy, the service and the users' servers itself; whatever outlived it goes by pid.
            with contextlib.suppress(FileNotFoundError, ValueError):
                _stop(int((prefix / "state" / "jupyterhub-proxy.pid").read_text().strip()), wait=5)
        leftovers = _pids_of(ACCOUNTS)
        _clean_accounts(prefix)
        assert not _pids_of(ACCOUNTS), "processes of the test's accounts survived"
        print(f"\nhub test: stopped {len(leftovers)} process(es) that outlived the hub")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def sessions(hub, browser):
    """One logged-in browser context per user, made on first use."""
    made: dict = {}

    def session(name: str):
        if name not in made:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(hub.url + "/hub/login", timeout=60_000)
            page.fill("#username_input", name)
            page.fill("#password_input", hub.passwords[name])
            page.click("#login_submit")
            page.wait_for_url(re.compile(rf"/user/{name}/lab"), timeout=120_000)
            page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)
            made[name] = (context, page)
        return made[name]

    yield session
    for context, _ in made.values():
        context.close()


def _source_points(assignment: str) -> float:
    from autograder.assignments.submissions import graded_test_ids

    source = nbformat.read(str(notebook_path(assignment, SOURCE_DIR)), as_version=4)
    return float(sum(graded_test_ids(source).values()))


def _formgrader(hub: Hub, page, path: str = "") -> str:
    return f"{hub.url}/services/{hub.settings['service']}/formgrader{path}"


def _row(page, name: str):
    return page.locator("#main-table tr").filter(has=page.locator("td.name", has_text=name)).first


def _nbgrader_menu(page) -> list[str]:
    """The labels of JupyterLab's Nbgrader menu, opened and closed again."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
    labels = page.locator(".lm-Menu-content .lm-Menu-itemLabel").all_inner_texts()
    page.keyboard.press("Escape")
    return [label.strip() for label in labels if label.strip()]


def _right_sidebar(page) -> list[str]:
    return [t.strip() for t in page.locator(".jp-SideBar.jp-mod-right .lm-TabBar-tabLabel").all_inner_texts()]


def _as_user(hub: Hub, name: str, code: str) -> str:
    """Run Python ``code`` as the system user ``name`` with the course environment; its output."""
    home = f"/home/{name}"
    result = subprocess.run(
        ["/usr/sbin/runuser", "-u", name, "--", f"{hub.settings['environment']}/bin/python", "-I", "-c", code],
        env={"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"},
        cwd="/",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"as {name}:\n{result.stdout}{result.stderr}"
    return result.stdout


def _assignment_list(page, user: str):
    """Open the Assignments list from the Nbgrader menu; the widget."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").first.click()
    widget = page.locator("#nbgrader-assignment-list")
    widget.wait_for(timeout=30_000)
    return widget


def _xsrf(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "_xsrf")


def _put_notebook(hub: Hub, context, user: str, path: str, nb) -> None:
    """Save ``nb`` at ``path`` in ``user``'s folder through their server's contents API, as the editor does."""
    response = context.request.put(
        f"{hub.url}/user/{user}/api/contents/{path}",
        data=json.dumps({"type": "notebook", "format": "json", "content": nb}),
        headers={"X-XSRFToken": _xsrf(context), "Content-Type": "application/json"},
    )
    assert response.ok, f"saving {path} as {user}: {response.status} {response.text()[:500]}"


# -- 0: who sees which tools -------------------------------------------------------------------
def test_students_get_the_student_tools_and_instructors_the_instructor_tools(hub, sessions):
    _, teacher = sessions(INSTRUCTOR)
    menu = _nbgrader_menu(teacher)
    assert {"Assignment List", "Formgrader", "Create assignment"} <= set(menu), f"instructor's Nbgrader menu: {menu}"
    assert "Create Assignment" in _right_sidebar(teacher), _right_sidebar(teacher)
    teacher.screenshot(path=str(_screenshot_dir() / "hub-instructor-lab.png"))
    for student in (ALICE, BOB):
        _, page = sessions(student)
        menu = _nbgrader_menu(page)
        assert "Assignment List" in menu, f"{student}'s Nbgrader menu has no Assignment List: {menu}"
        assert not {"Formgrader", "Formgrader (local)", "Create assignment"} & set(menu), (
            f"{student} sees instructor tools in the Nbgrader menu: {menu}"
        )
        assert "Create Assignment" not in _right_sidebar(page), f"{student}'s right sidebar: {_right_sidebar(page)}"
        page.screenshot(path=str(_screenshot_dir() / f"hub-{student}-lab.png"))
    groups = {g["name"]: g["users"] for g in hub.api("/groups")}
    assert groups.get(GROUP) == [INSTRUCTOR], f"the hub's groups after login: {groups}"
    assert sorted(groups.get(STUDENTS_GROUP, [])) == [ALICE, BOB], f"the hub's groups after login: {groups}"
    for name in (INSTRUCTOR, ALICE, BOB):
        assert hub.api(f"/users/{name}")["servers"][""]["ready"], f"{name}'s server is not ready"
    hub.done.add("logins")


def test_a_students_kernel_cannot_import_the_instructor_package(hub, sessions):
    hub.need("logins")
    context, page = sessions(ALICE)
    probe = nbformat.v4.new_notebook()
    probe.cells = [
        nbformat.v4.new_code_cell(
            "import importlib, json, os, sys\n"
            "found = {}\n"
            f"for extra in (None, {hub.settings['course']!r}):\n"
            "    if extra:\n"
            "        sys.path.insert(0, extra)\n"
            "    try:\n"
            "        importlib.import_module('autograder')\n"
            "        found[str(extra)] = 'imported'\n"
            "    except Exception as exc:\n"
            "        found[str(extra)] = type(exc).__name__\n"
            "print('PROBE', json.dumps({'found': found, 'PYTHONPATH': os.environ.get('PYTHONPATH')}))"
        )
    ]
    probe.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    _put_notebook(hub, context, ALICE, "probe.ipynb", probe)
    page.goto(f"{hub.url}/user/{ALICE}/lab/tree/probe.ipynb", timeout=60_000)
    page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    output = page.locator(".jp-OutputArea-output", has_text="PROBE").first
    output.wait_for(timeout=60_000)
    result = json.loads(output.inner_text().split("PROBE", 1)[1])
    assert result == {
        "found": {"None": "ModuleNotFoundError", hub.settings["course"]: "ModuleNotFoundError"},
        "PYTHONPATH": None,
    }, result
    hub.done.add("kernel")


# -- 1: the instructor releases ----------------------------------------------------------------
def test_instructor_opens_the_formgrader_from_the_hub_and_releases(hub, sessions):
    hub.need("logins")
    context, _ = sessions(INSTRUCTOR)
    page = context.new_page()
    page.goto(hub.url + "/hub/home", timeout=60_000)
    page.get_by_role("button", name="Services").or_(page.locator("a", has_text="Services")).first.click()
    page.locator("a", has_text=hub.settings["service"]).first.click()
    page.wait_for_url(re.compile(r"/services/formgrader/formgrader"), timeout=90_000)
    page.wait_for_selector("#main-table tr td.name", timeout=60_000)
    assert page.locator(".alert-warning").count() == 0, page.locator(".alert-warning").all_inner_texts()
    names = [t.strip() for t in page.locator("#main-table td.name").all_inner_texts()]
    expected = sorted(p.name for p in RELEASE_DIR.iterdir() if p.is_dir())
    assert sorted(names) == expected, names

    # The gradebook knows every assignment's maximum points (the formgrader's Manual Grading view).
    page.goto(_formgrader(hub, page, "/gradebook"), timeout=60_000)
    page.wait_for_selector("#main-table tr td.name", timeout=60_000)
    scores = {}
    for row in page.locator("#main-table tr").all():
        scores[row.locator("td.name").inner_text().strip()] = row.locator("td.score").inner_text().strip()
    for name in expected:
        assert scores.get(name) == f"0 / {_source_points(name):g}", f"Manual Grading shows {scores}"

    page.goto(_formgrader(hub, page), timeout=60_000)
    page.wait_for_selector("#main-table tr td.name", timeout=60_000)
    _row(page, ASSIGNMENT).locator("td.release a").click()
    page.locator("#success-modal").wait_for(timeout=60_000)
    outbound = Path(hub.settings["exchange"]) / "nndl" / "outbound" / ASSIGNMENT
    assert (outbound / "logistic_regression.ipynb").is_file(), f"nothing released into {outbound}"
    page.close()
    hub.done.add("released")


# -- 2: the students fetch, work, validate and submit ------------------------------------------
def _submission(student: str):
    from autograder.assignments.submissions import apply_mistake, full_solution, mistakes_for

    release = nbformat.read(str(notebook_path(ASSIGNMENT, RELEASE_DIR)), as_version=4)
    source = nbformat.read(str(notebook_path(ASSIGNMENT, SOURCE_DIR)), as_version=4)
    full = full_solution(release, source)
    if student == ALICE:
        return full, None
    mistake = next(m for m in mistakes_for(ASSIGNMENT) if not m.visible_passes)
    return apply_mistake(full, mistake), mistake


def _hints(nb) -> list[str]:
    return [h for cell in nb.cells if cell.cell_type == "code" for h in re.findall(r'hint="([^"]+)"', cell.source)]


@pytest.mark.parametrize("student", [ALICE, BOB])
def test_student_fetches_validates_and_submits(hub, sessions, student):
    hub.need("released")
    context, page = sessions(student)
    page.goto(f"{hub.url}/user/{student}/lab", timeout=60_000)
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    widget = _assignment_list(page, student)
    widget.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role(
        "button", name="Fetch"
    ).click()
    widget.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for(timeout=60_000)
    fetched = Path(f"/home/{student}") / ASSIGNMENT / "logistic_regression.ipynb"
    assert fetched.is_file(), f"Fetch left nothing at {fetched}"
    assert fetched.owner() == student, f"{fetched} belongs to {fetched.owner()}"

    nb, mistake = _submission(student)
    _put_notebook(hub, context, student, f"{ASSIGNMENT}/logistic_regression.ipynb", nb)
    page.goto(f"{hub.url}/user/{student}/lab/tree/{ASSIGNMENT}/logistic_regression.ipynb", timeout=60_000)
    active = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    page.wait_for_selector(f"{active} .jp-Cell", timeout=60_000)
    page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(timeout=90_000)
    page.locator(active).get_by_role("button", name="Validate").first.click()
    dialog = page.locator(".jp-Dialog-content")
    dialog.wait_for(timeout=180_000)
    text = dialog.inner_text()
    page.screenshot(path=str(_screenshot_dir() / f"hub-{student}-validate.png"))
    if mistake is None:
        assert "Success" in text and "passes all the tests" in text, f"Validate on the full solution:\n{text[:2000]}"
    else:
        assert "Success" not in text and "failed" in text.lower(), f"Validate with {mistake.name}:\n{text[:2000]}"
        assert any(" ".join(h.split())[:40] in " ".join(text.split()) for h in _hints(nb)), (
            f"Validate does not name the mistake {mistake.name} by a check's message:\n{text[:2000]}"
        )
    page.keyboard.press("Escape")

    widget = _assignment_list(page, student)
    widget.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role(
        "button", name="Submit"
    ).first.click()
    widget.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for(timeout=60_000)
    inbound = Path(hub.settings["exchange"]) / "nndl" / "inbound"
    mine = [p.name for p in inbound.iterdir() if p.name.startswith(f"{student}+{ASSIGNMENT}+")]
    assert len(mine) == 1, f"{student}'s submissions in {inbound}: {mine}"
    hub.done.add(f"submitted-{student}")


# -- 3: the instructor collects, grades, looks and releases feedback ---------------------------
def test_instructor_collects_grades_and_releases_feedback(hub, sessions):
    hub.need(f"submitted-{ALICE}", f"submitted-{BOB}")
    context, _ = sessions(INSTRUCTOR)
    page = context.new_page()
    page.goto(_formgrader(hub, page), timeout=60_000)
    page.wait_for_selector("#main-table tr td.name", timeout=60_000)
    _row(page, ASSIGNMENT).locator("td.collect a").click()
    page.locator("#success-modal").wait_for(timeout=60_000)
    course = Path(hub.settings["course"])
    for student in (ALICE, BOB):
        assert (course / "submitted" / student / ASSIGNMENT / "logistic_regression.ipynb").is_file(), student

    # Grading: the course command line, in the instructor's own account, sandboxed.
    tool = Path(hub.settings["bin"]) / "nndl-course"
    env = {"PATH": f"{hub.settings['bin']}:/usr/bin:/bin", "HOME": f"/home/{INSTRUCTOR}", "LANG": "C.UTF-8"}
    for command in (["grade", ASSIGNMENT, "-j", "2", "--no-progress"], ["feedback", ASSIGNMENT]):
        result = subprocess.run(
            ["/usr/sbin/runuser", "-u", INSTRUCTOR, "--", str(tool), *command],
            env=env,
            cwd=f"/home/{INSTRUCTOR}",
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"nndl-course {' '.join(command)}:\n{result.stdout}{result.stderr}"
        print(result.stdout)
    log = {(e["student"], e["assignment"]): e for e in json.loads((course / "grading_log.json").read_text())}
    for student in (ALICE, BOB):
        entry = log.get((student, ASSIGNMENT))
        assert entry and entry["status"] == "graded" and entry["sandboxed"] is True, f"grading_log.json: {log}"

    # The formgrader shows both submissions with their scores.
    top = _source_points(ASSIGNMENT)
    page.goto(_formgrader(hub, page, f"/manage_submissions/{ASSIGNMENT}"), timeout=60_000)
    page.wait_for_selector("#main-table tr td.score", timeout=60_000)
    page.locator("#main-table td.score", has_text="/").first.wait_for(timeout=30_000)
    rows = {}
    for row in page.locator("#main-table tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        rows[cells[1]] = cells[4]
    page.screenshot(path=str(_screenshot_dir() / "hub-formgrader-submissions.png"))
    assert rows.get(ALICE) == f"{top:g} / {top:g}", rows
    bob = rows.get(BOB, "")
    assert re.fullmatch(rf"[\d.]+ / {top:g}", bob) and float(bob.split("/")[0]) < top, rows
    hub.done.add("graded")

    # The formgrader's own autograde link grades nothing and says why.
    row = page.locator("#main-table tr").filter(has_text=ALICE).first
    row.locator("td.autograde a").click()
    modal = page.locator("#error-modal")
    modal.wait_for(timeout=60_000)
    assert "nndl-course grade" in modal.inner_text() and "unsandboxed" in modal.inner_text(), modal.inner_text()
    assert (course / "autograded" / ALICE / ASSIGNMENT / "logistic_regression.ipynb").is_file()

    page.goto(_formgrader(hub, page), timeout=60_000)
    page.wait_for_selector("#main-table tr td.name", timeout=60_000)
    _row(page, ASSIGNMENT).locator("td.release-feedback a").click()
    page.locator("#success-modal").wait_for(timeout=60_000)
    released = list((Path(hub.settings["exchange"]) / "nndl" / "feedback").glob("*.html"))
    assert len(released) == 2, f"feedback in the exchange: {released}"
    page.close()
    hub.done.add("feedback")


# -- 4: the students read their feedback, and nothing of anyone else's -------------------------
@pytest.mark.parametrize("student", [ALICE, BOB])
def test_student_fetches_feedback_and_sees_their_score(hub, sessions, student):
    hub.need("feedback")
    context, page = sessions(student)
    page.goto(f"{hub.url}/user/{student}/lab", timeout=60_000)
    page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    widget = _assignment_list(page, student)
    widget.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).get_by_role(
        "button", name="Fetch Feedback"
    ).first.click()
    folder = Path(f"/home/{student}") / ASSIGNMENT / "feedback"
    deadline = time.time() + 60
    while not list(folder.glob("*/logistic_regression.html")) and time.time() < deadline:
        time.sleep(0.5)
    found = list(folder.glob("*/logistic_regression.html"))
    assert len(found) == 1, f"feedback fetched into {folder}: {found}"
    relative = found[0].relative_to(f"/home/{student}")
    page.goto(f"{hub.url}/user/{student}/files/{relative}", timeout=60_000)
    text = " ".join(page.locator("body").inner_text().split())
    page.screenshot(path=str(_screenshot_dir() / f"hub-{student}-feedback.png"))
    top = _source_points(ASSIGNMENT)
    score = re.search(r"Score: ([\d.]+) / ([\d.]+)", text)
    assert score, f"no score in {student}'s feedback:\n{text[:1500]}"
    nb, mistake = _submission(student)
    if mistake is None:
        assert float(score.group(1)) == top, text[:500]
    else:
        assert float(score.group(1)) < top, text[:500]
        assert any(" ".join(h.split())[:40] in text for h in _hints(nb)), (
            f"{student}'s feedback does not name the mistake {mistake.name}:\n{text[:3000]}"
        )
    hub.done.add(f"feedback-{student}")


def test_students_cannot_read_each_others_work_nor_the_course(hub):
    hub.need(f"feedback-{ALICE}", f"feedback-{BOB}")
    course = Path(hub.settings["course"])
    exchange = Path(hub.settings["exchange"]) / "nndl"
    probe = (
        "import json, os, sys\n"
        "out = {}\n"
        "for path in json.loads(sys.argv[1] if len(sys.argv) > 1 else '[]') or PATHS:\n"
        "    try:\n"
        "        if os.path.isdir(path):\n"
        "            os.listdir(path)\n"
        "        else:\n"
        "            open(path, 'rb').read(1)\n"
        "        out[path] = 'read'\n"
        "    except PermissionError:\n"
        "        out[path] = 'denied'\n"
        "    except FileNotFoundError:\n"
        "        out[path] = 'missing'\n"
        "print(json.dumps(out))\n"
    )
    for student, other in ((ALICE, BOB), (BOB, ALICE)):
        own = next((Path(f"/home/{student}") / ASSIGNMENT / "feedback").glob("*/logistic_regression.html"))
        others = next((Path(f"/home/{other}") / ASSIGNMENT / "feedback").glob("*/logistic_regression.html"))
        forbidden = [
            f"/home/{other}",
            str(others),
            f"/home/{other}/{ASSIGNMENT}/logistic_regression.ipynb",
            str(exchange / "inbound"),
            str(exchange / "feedback"),
            str(course),
            str(course / "source" / ASSIGNMENT / "logistic_regression.ipynb"),
            str(course / "gradebook.db"),
            str(course / ".nndl_course_secret"),
            str(course / "autograder" / "__init__.py"),
            str(course / "submitted" / other / ASSIGNMENT / "logistic_regression.ipynb"),
            str(course / "feedback" / other / ASSIGNMENT / "logistic_regression.html"),
            str(Path(hub.settings["instructor_lib"]) / "nndl_hub_formgrader.py"),
            str(Path(hub.settings["bin"]) / "nndl-course"),
        ]
        paths = [str(own), *forbidden]
        seen = json.loads(_as_user(hub, student, f"PATHS = {paths!r}\n" + probe))
        assert seen[str(own)] == "read", f"{student} cannot read their own feedback: {seen}"
        readable = {p: v for p, v in seen.items() if p in forbidden and v != "denied"}
        assert not readable, f"{student} can reach (or the test names a missing file): {readable}"
