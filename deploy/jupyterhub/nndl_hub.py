"""Set up, and take down, one course on one JupyterHub server: ``python3 deploy/jupyterhub/nndl_hub.py``.

Run as root from a clone of the course, with only Debian's ``python3`` (the
standard library is all this file uses). Commands:

``environment DIR``
    Build the course's Python environment in ``DIR`` from Debian's
    ``python3``: the pinned ``requirements.txt`` (JupyterHub, JupyterLab,
    nbgrader, NumPy, ...) and the student package ``nndl`` as a regular
    install. The instructor package ``autograder`` is *not* installed there.
``install --prefix P [--environment DIR] ...``
    Lay out the course under ``P`` (default ``/srv/nndl``)::

        P/env/                 the environment (unless --environment names one), readable by all
        P/data/                the course data (the two cat files), readable by all
        P/exchange/            nbgrader's exchange, mode 0777 as nbgrader documents
        P/course/              the course folder: autograder/, source/, release/,
                               nbgrader_config.py, the gradebook and the course secret;
                               owner the grader account, group the instructors, mode 2770,
                               with a default ACL so every instructor can write what another wrote
        P/bin/nndl-course      ``python -m autograder`` for the instructors' group only
        P/lib/instructor/      the formgrader guard (nndl_hub_formgrader.py), instructors only
        P/etc/jupyter/         nbgrader settings for everyone: course id, exchange
        P/etc/jupyter-student/     the student tools only (nbgrader's per-user switches)
        P/etc/jupyter-instructor/  the instructor tools, the course folder as nbgrader's root
        P/etc/jupyterhub/      jupyterhub_config.py and its settings, course.json
        P/state/               the hub's database, cookie secret and proxy pid, root only

    and create the instructors' and the students' groups and the grader
    account that runs the formgrader service.
``add-user NAME [--instructor] [--password-stdin] --prefix P``
    A local system account (PAM logs it in) in the students' group, or with
    ``--instructor`` in the instructors' group.
``remove-user NAME --prefix P``
    Delete the account and its home folder.
``uninstall --prefix P``
    Delete the grader account, the two groups and ``P``.

Every command says what it expected when its input is wrong, and exits 2.
"""

from __future__ import annotations

import argparse
import grp
import json
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
DEFAULT_PREFIX = Path("/srv/nndl")
SYSTEM_PYTHON = "/usr/bin/python3"
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
SETTINGS = "etc/jupyterhub/course.json"

# What the course folder on the hub holds from the clone: the instructor package and the assignments.
COURSE_CONTENT = ("autograder", "source", "release")
DATA_FILES = ("train_catvnoncat.h5", "test_catvnoncat.h5")

# nbgrader's documented switches of its JupyterLab extensions (its installation guide: "The
# labextensions ... can be disabled individually"), run with --level=user into each role's
# Jupyter config folder. Instructors keep every extension, as installed.
STUDENT_LAB_SWITCHES = (
    ("labextension", "disable", "--level=user", "@jupyter/nbgrader:formgrader"),
    ("labextension", "disable", "--level=user", "@jupyter/nbgrader:create-assignment"),
)
# And of its server extensions. `jupyter server extension disable --user nbgrader.server_extensions.formgrader`,
# the documented command, refuses in nbgrader 0.9.6 ("Validation failed: The module ... could not be
# found": the module has no _jupyter_server_extension_points), so the setting that command would write
# is written directly, in the same file of the same folder.
STUDENT_SERVER_EXTENSIONS = {"nbgrader.server_extensions.formgrader": False}
INSTRUCTOR_SERVER_EXTENSIONS = {"nbgrader.server_extensions.formgrader": True, "nndl_hub_formgrader": True}


class SetupError(Exception):
    """A problem with an argument, the machine or a previous install; the message says which."""


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run ``argv``; raise :class:`SetupError` with its output when it fails."""
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SetupError(f"`{' '.join(argv)}` failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def _sbin(name: str) -> str:
    """The full path of a system administration command (``/usr/sbin`` may not be on PATH)."""
    found = shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if found is None:
        raise SetupError(f"command {name} not found in /usr/sbin, /usr/bin, /sbin or /bin")
    return found


def _need_root() -> None:
    if os.geteuid() != 0:
        raise SetupError("run this as root: it creates system users and groups and sets file owners")


# -- the environment --------------------------------------------------------------------------
def build_environment(target: Path, python: str = SYSTEM_PYTHON) -> Path:
    """Create the course's environment at ``target`` from ``python``; return ``target``.

    The environment holds ``requirements.txt`` (with the few pins of
    ``debian12-pins.txt`` in place: see that file) and the student package (a
    regular install, so its nbgrader settings land in ``etc/jupyter``), never
    the instructor package. ``python`` must be readable by every user: a
    virtual environment runs its base interpreter, and one under ``/root``
    (pyenv's) is not reachable by students.
    """
    if not Path(python).is_file():
        raise SetupError(f"--python {python} does not exist: Debian's python3 with python3-venv is expected")
    target = Path(target).resolve()
    _run([python, "-m", "venv", str(target)])
    pins = target / "requirements-hub.txt"
    pins.write_text("\n".join(hub_requirements()) + "\n")
    pip = [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, "--no-deps", "-r", str(pins)])
    import tempfile

    with tempfile.TemporaryDirectory(prefix="nndl-build-") as scratch:
        # Built from a copy: a regular build leaves build/ and *.egg-info/ in the folder it builds.
        copy = Path(scratch) / "nndl"
        shutil.copytree(PROJECT / "nndl", copy, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        _run([*pip, "--no-deps", "--no-build-isolation", str(copy)])
    check_environment(target)
    return target


def _pins(path: Path) -> dict[str, str]:
    """``{normalised name: line}`` of the ``name==version`` lines of a requirements file."""
    out = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            if "==" not in line:
                raise SetupError(f"{path}: expected name==version lines, got {line!r}")
            out[line.split("==")[0].strip().lower().replace("_", "-")] = line
    return out


def hub_requirements() -> list[str]:
    """requirements.txt with the hub's own pins (debian12-pins.txt) in place of the same packages."""
    pins = _pins(PROJECT / "requirements.txt")
    for name, line in _pins(HERE / "debian12-pins.txt").items():
        if name not in pins:
            raise SetupError(f"{HERE / 'debian12-pins.txt'}: {name} is not in requirements.txt")
        pins[name] = line
    return list(pins.values())


def check_environment(env: Path) -> None:
    """Raise :class:`SetupError` unless ``env`` runs the hub and the student package, without ``autograder``."""
    python = Path(env) / "bin" / "python"
    for tool in ("jupyterhub", "jupyterhub-singleuser", "jupyter"):
        if not (Path(env) / "bin" / tool).exists():
            raise SetupError(f"{env} has no bin/{tool}: build it with `nndl_hub.py environment {env}`")
    probe = (
        "import importlib.util, json; "
        "print(json.dumps({m: importlib.util.find_spec(m) is not None for m in ('nndl', 'nbgrader', 'autograder')}))"
    )
    found = json.loads(_run([str(python), "-I", "-c", probe], cwd="/").stdout)
    if not found["nndl"] or not found["nbgrader"]:
        raise SetupError(f"{env} lacks the student package or nbgrader: {found}")
    if found["autograder"]:
        raise SetupError(f"{env} can import the instructor package `autograder`: students would see it")


# -- accounts ---------------------------------------------------------------------------------
def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _valid_name(name: str, what: str) -> str:
    import re

    if not re.fullmatch(r"[a-z_][a-z0-9_-]{0,30}", name):
        raise SetupError(f"{what} {name!r} is not a valid account name: lower-case letters, digits, '-' and '_'")
    return name


# -- install ----------------------------------------------------------------------------------
def _chown_tree(path: Path, user: str, group: str) -> None:
    uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
    for root, _dirs, files in os.walk(path):
        os.chown(root, uid, gid)
        os.chmod(root, 0o2770)
        for name in files:
            os.chown(os.path.join(root, name), uid, gid)
            os.chmod(os.path.join(root, name), 0o660)


def _hub_nbgrader_block(settings: dict) -> str:
    return (
        "\n# -- on the course's JupyterHub (written by deploy/jupyterhub/nndl_hub.py install) --\n"
        f"c.Exchange.root = {settings['exchange']!r}\n"
    )


def _switch(env: Path, folder: Path, lab_switches, server_extensions: dict) -> None:
    """nbgrader's extension switches, with ``folder`` as the Jupyter user config folder."""
    folder.mkdir(parents=True, exist_ok=True)
    environ = {
        "PATH": f"{env / 'bin'}:/usr/bin:/bin",
        "HOME": str(folder),
        "JUPYTER_CONFIG_DIR": str(folder),
        "JUPYTER_DATA_DIR": str(folder / ".data"),
        "JUPYTER_RUNTIME_DIR": str(folder / ".runtime"),
    }
    for switch in lab_switches:
        _run([str(env / "bin" / "jupyter"), *switch], env=environ)
    for scratch in (".data", ".runtime"):
        shutil.rmtree(folder / scratch, ignore_errors=True)
    config = {"ServerApp": {"jpserver_extensions": server_extensions}}
    (folder / "jupyter_server_config.json").write_text(json.dumps(config, indent=2) + "\n")


def install(args) -> dict:
    """Lay out the course under ``args.prefix``; return the settings written to course.json."""
    _need_root()
    for name in ("useradd", "groupadd", "setfacl", "runuser", "bwrap"):
        try:
            _sbin(name)
        except SetupError:
            raise SetupError(f"missing command {name}: `make hub` installs it (Debian's packages)") from None
    if not PROXY.exists():
        raise SetupError(f"{PROXY} is missing: `make hub` installs configurable-http-proxy from npm")
    prefix = Path(args.prefix).resolve()
    group = _valid_name(args.group, "--group")
    students = _valid_name(args.students_group, "--students-group")
    grader = _valid_name(args.grader, "--grader")
    prefix.mkdir(parents=True, exist_ok=True)
    os.chmod(prefix, 0o755)
    env = Path(args.environment).resolve() if args.environment else prefix / "env"
    if args.environment:
        check_environment(env)
    elif not (env / "bin" / "jupyterhub").exists():
        print(f"building the course environment in {env} ...", flush=True)
        build_environment(env)
    settings = {
        "course_id": args.course_id,
        "prefix": str(prefix),
        "environment": str(env),
        "course": str(prefix / "course"),
        "exchange": str(prefix / "exchange"),
        "data": str(prefix / "data"),
        "state": str(prefix / "state"),
        "bin": str(prefix / "bin"),
        "instructor_lib": str(prefix / "lib" / "instructor"),
        "config": {
            "common": str(prefix / "etc" / "jupyter"),
            "student": str(prefix / "etc" / "jupyter-student"),
            "instructor": str(prefix / "etc" / "jupyter-instructor"),
        },
        "instructors_group": group,
        "students_group": students,
        "grader": grader,
        "service": "formgrader",
        "ip": args.ip,
        "port": args.port,
        "hub_port": args.hub_port,
        "proxy_api_port": args.proxy_api_port,
        "service_port": args.service_port,
        "proxy": str(PROXY),
    }

    for name in (group, students):
        if not _group_exists(name):
            _run([_sbin("groupadd"), "--system", name])
    if not _user_exists(grader):
        _run(
            [
                *("useradd", "--system", "--gid", group, "--create-home"),
                *("--home-dir", str(prefix / "grader"), "--shell", "/usr/sbin/nologin", grader),
            ]
        )

    data = prefix / "data"
    data.mkdir(exist_ok=True)
    for name in DATA_FILES:
        shutil.copy2(PROJECT / "datasets" / name, data / name)
        os.chmod(data / name, 0o644)
    os.chmod(data, 0o755)

    exchange = prefix / "exchange"
    exchange.mkdir(exist_ok=True)
    os.chmod(exchange, 0o777)

    course = prefix / "course"
    course.mkdir(exist_ok=True)
    for name in COURSE_CONTENT:
        shutil.rmtree(course / name, ignore_errors=True)
        shutil.copytree(
            PROJECT / name, course / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
        )
    config = (PROJECT / "nbgrader_config.py").read_text() + _hub_nbgrader_block(settings)
    (course / "nbgrader_config.py").write_text(config)
    _chown_tree(course, grader, group)
    # Whoever of the instructors (or the grader account) writes a file, the others can change it.
    _run([_sbin("setfacl"), "-R", "-m", f"g:{group}:rwX,o::---", str(course)])
    _run([_sbin("setfacl"), "-R", "-d", "-m", f"g:{group}:rwX,o::---", str(course)])

    bindir = prefix / "bin"
    bindir.mkdir(exist_ok=True)
    tool = bindir / "nndl-course"
    tool.write_text(
        "#!/bin/sh\n"
        "# The course command line (python -m autograder) on the course folder, for the instructors' group.\n"
        f"export PYTHONPATH={course}\n"
        f"export NNDL_COURSE_ROOT={course}\n"
        f"export NNDL_DATA_DIR={data}\n"
        f'exec {env / "bin" / "python"} -m autograder "$@"\n'
    )
    os.chown(tool, 0, grp.getgrnam(group).gr_gid)
    os.chmod(tool, 0o750)
    os.chmod(bindir, 0o755)

    lib = prefix / "lib" / "instructor"
    lib.mkdir(parents=True, exist_ok=True)
    shutil.copy2(HERE / "nndl_hub_formgrader.py", lib / "nndl_hub_formgrader.py")
    for path in (lib, lib / "nndl_hub_formgrader.py"):
        os.chown(path, 0, grp.getgrnam(group).gr_gid)
        os.chmod(path, 0o750 if path.is_dir() else 0o640)
    os.chmod(prefix / "lib", 0o755)

    common = Path(settings["config"]["common"])
    common.mkdir(parents=True, exist_ok=True)
    (common / "nbgrader_config.py").write_text(
        '"""nbgrader on the course hub, for everyone: the course and its exchange."""\n\n'
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {args.course_id!r}\n"
        f"c.Exchange.root = {settings['exchange']!r}\n"
    )
    # A closed course server: JupyterLab neither asks to fetch news nor checks for updates.
    lab = {"LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}}
    (common / "jupyter_server_config.json").write_text(json.dumps(lab, indent=2) + "\n")
    student = Path(settings["config"]["student"])
    shutil.rmtree(student, ignore_errors=True)
    _switch(env, student, STUDENT_LAB_SWITCHES, STUDENT_SERVER_EXTENSIONS)
    instructor = Path(settings["config"]["instructor"])
    shutil.rmtree(instructor, ignore_errors=True)
    _switch(env, instructor, (), INSTRUCTOR_SERVER_EXTENSIONS)
    (instructor / "nbgrader_config.py").write_text(
        '"""nbgrader for the instructors and the formgrader service: the course folder is the root."""\n\n'
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {settings['course']!r}\n"
    )
    os.chmod(common.parent, 0o755)
    for folder in (common, student, instructor):
        for root, _dirs, files in os.walk(folder):
            os.chmod(root, 0o755)
            for name in files:
                os.chmod(os.path.join(root, name), 0o644)

    hubetc = prefix / "etc" / "jupyterhub"
    hubetc.mkdir(parents=True, exist_ok=True)
    shutil.copy2(HERE / "jupyterhub_config.py", hubetc / "jupyterhub_config.py")
    (prefix / SETTINGS).write_text(json.dumps(settings, indent=2) + "\n")
    for path in (hubetc, hubetc / "jupyterhub_config.py", prefix / SETTINGS):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    state = prefix / "state"
    state.mkdir(exist_ok=True)
    os.chmod(state, 0o700)

    _register_assignments(settings)
    return settings


def _as_grader(settings: dict, code: str) -> str:
    """Run Python ``code`` as the grader account with the course's package on the path; its output."""
    env = {
        "PATH": f"{settings['environment']}/bin:/usr/bin:/bin",
        "HOME": str(Path(settings["prefix"]) / "grader"),
        "PYTHONPATH": settings["course"],
        "NNDL_COURSE_ROOT": settings["course"],
        "NNDL_DATA_DIR": settings["data"],
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    argv = [_sbin("runuser"), "-u", settings["grader"], "--", f"{settings['environment']}/bin/python", "-c", code]
    return _run(argv, env=env, cwd=settings["course"]).stdout


def _register_assignments(settings: dict) -> None:
    """Put every assignment's graded cells (so its maximum points) into the course gradebook."""
    code = (
        "import os\n"
        "from autograder.course import Course, available_assignments\n"
        "from autograder.course.secret import course_secret\n"
        "course = Course(os.environ['NNDL_COURSE_ROOT'])\n"
        "course_secret(course.root)\n"
        "for name in available_assignments(course.paths.step_root('source')):\n"
        "    course.ensure_registered(name)\n"
        "    print(name)\n"
    )
    print(_as_grader(settings, code), end="")
    course = Path(settings["course"])
    # SQLite creates the gradebook 0644 whatever the folder's ACL says, and gives its journal the
    # gradebook's mode; the secret is made 0600. Both belong to the instructors' group.
    os.chmod(course / "gradebook.db", 0o660)
    os.chmod(course / ".nndl_course_secret", 0o640)


# -- users ------------------------------------------------------------------------------------
def load_settings(prefix: Path) -> dict:
    """The course.json of the install at ``prefix``."""
    path = Path(prefix) / SETTINGS
    if not path.is_file():
        raise SetupError(f"{path} does not exist: run `nndl_hub.py install --prefix {prefix}` first")
    return json.loads(path.read_text())


def add_user(args) -> None:
    """Create the system account ``args.name``; instructors join the instructors' group."""
    _need_root()
    settings = load_settings(args.prefix)
    name = _valid_name(args.name, "user name")
    if _user_exists(name):
        raise SetupError(f"user {name!r} exists already; choose another name or remove it first")
    group = settings["instructors_group"] if args.instructor else settings["students_group"]
    _run([_sbin("useradd"), "--create-home", "--shell", "/bin/bash", "--groups", group, name])
    home = Path(pwd.getpwnam(name).pw_dir)
    os.chmod(home, 0o700)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise SetupError("--password-stdin: expected the password on the first line of standard input")
        _run([_sbin("chpasswd")], input=f"{name}:{password}\n")
    role = "instructor" if args.instructor else "student"
    print(f"{name}: {role}, home {home}")


def remove_user(args) -> None:
    """Delete the account ``args.name`` and its home folder."""
    _need_root()
    name = _valid_name(args.name, "user name")
    if not _user_exists(name):
        raise SetupError(f"no user {name!r}")
    if pwd.getpwnam(name).pw_uid < 1000:
        raise SetupError(f"{name!r} is a system account (uid < 1000): not removed")
    _run([_sbin("userdel"), "--remove", name])


def uninstall(args) -> None:
    """Delete the grader account, the instructors' group and the prefix folder."""
    _need_root()
    prefix = Path(args.prefix).resolve()
    settings = load_settings(prefix)
    if _user_exists(settings["grader"]):
        _run([_sbin("userdel"), settings["grader"]])
    for group in (settings["instructors_group"], settings["students_group"]):
        if _group_exists(group):
            _run([_sbin("groupdel"), group])
    shutil.rmtree(prefix)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nndl_hub.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("environment", help="build the course's Python environment")
    p.add_argument("target", help="folder of the new environment")
    p.add_argument("--python", default=SYSTEM_PYTHON, help=f"base interpreter (default {SYSTEM_PYTHON})")

    p = sub.add_parser("install", help="lay out the course under --prefix")
    p.add_argument("--prefix", default=str(DEFAULT_PREFIX), help=f"where the course lives (default {DEFAULT_PREFIX})")
    p.add_argument("--environment", help="an environment built by `environment` (default: build PREFIX/env)")
    p.add_argument("--course-id", default="nndl", help="nbgrader's course id (default nndl)")
    p.add_argument("--group", default="nndl-instructors", help="the instructors' system group")
    p.add_argument("--students-group", default="nndl-students", help="the students' system group")
    p.add_argument("--grader", default="nndl-grader", help="the account that runs the formgrader service")
    p.add_argument("--ip", default="", help="address the hub listens on (default: all)")
    p.add_argument("--port", type=int, default=8000, help="the hub's public port (default 8000)")
    p.add_argument("--hub-port", type=int, default=8081, help="the hub's internal API port (default 8081)")
    p.add_argument("--proxy-api-port", type=int, default=8001, help="the proxy's API port (default 8001)")
    p.add_argument("--service-port", type=int, default=8082, help="the formgrader service's port (default 8082)")

    for command, text in (("add-user", "create a student or instructor account"), ("remove-user", "delete one")):
        p = sub.add_parser(command, help=text)
        p.add_argument("name")
        p.add_argument("--prefix", default=str(DEFAULT_PREFIX))
        if command == "add-user":
            p.add_argument("--instructor", action="store_true", help="join the instructors' group")
            p.add_argument("--password-stdin", action="store_true", help="set the password read from stdin")

    p = sub.add_parser("uninstall", help="remove the grader account, the group and --prefix")
    p.add_argument("--prefix", default=str(DEFAULT_PREFIX))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "environment":
            print(build_environment(Path(args.target), args.python))
        elif args.command == "install":
            settings = install(args)
            print(f"installed the course under {settings['prefix']}; start the hub with:")
            print(
                f"  cd {settings['state']} && {settings['environment']}/bin/jupyterhub "
                f"-f {settings['prefix']}/etc/jupyterhub/jupyterhub_config.py"
            )
        elif args.command == "add-user":
            add_user(args)
        elif args.command == "remove-user":
            remove_user(args)
        elif args.command == "uninstall":
            uninstall(args)
    except SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
