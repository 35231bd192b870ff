"""A kernel for one submission, inside a bubblewrap sandbox.

Every kernel that runs a learner's code is started by :class:`SandboxedKernelManager`
as ``bwrap ... prlimit ... python -m ipykernel_launcher``, with

* its own user, PID, network, IPC, UTS and cgroup namespaces
  (``--unshare-all``): no network at all, not even the host's loopback; it
  cannot see or signal any process outside, and everything it starts dies
  with it (``--die-with-parent``, and the PID namespace is torn down when
  its first process ends);
* uid and gid 65534 (nobody) inside, all capabilities dropped;
* read-only views of the system (``/usr``), of a few files of ``/etc``, of
  the Python installation and the virtual environment, of the student
  package and of the course data (as ``/data``); nothing else of the host:
  not the instructor package, not ``source/``, not the gradebook, not the
  course folder, not another student's files;
* an empty scratch folder of its own as home and working directory, and a
  private ``/tmp``;
* limits on address space, CPU time, open processes and file size
  (:class:`SandboxLimits`): ``prlimit`` inside, plus a ``pids`` cgroup where
  the host offers one (the process limit of ``prlimit`` is not enforced for
  a sandbox started by root, the cgroup is).

Kernel messages cross the boundary as ZMQ over ``ipc`` sockets in a folder
bound into the sandbox at the same path (the *channel* folder); the same
folder carries the files of :mod:`nndl.wire`.

:func:`sandbox_problem` says why a sandbox cannot be made on this host
(no ``bwrap``, namespaces forbidden), or ``None``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Instance, Type

SANDBOX_UID = 65534
HOME = "/home/student"
DATA = "/data"
_PIDS_CGROUP = Path("/sys/fs/cgroup/pids")
_ETC_FILES = ("/etc/ld.so.cache", "/etc/alternatives", "/etc/fonts", "/etc/localtime", "/etc/mime.types")


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits of one sandboxed kernel (see :class:`autograder.course.config.CourseGrading`)."""

    memory_bytes: int
    cpu_seconds: int
    processes: int
    file_bytes: int

    @classmethod
    def of(cls, settings) -> SandboxLimits:
        """The limits a :class:`~autograder.course.config.CourseGrading` sets."""
        return cls(
            settings.sandbox_memory_bytes,
            settings.notebook_timeout,
            settings.sandbox_processes,
            settings.sandbox_file_bytes,
        )


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


_problem_cache: dict[str, str | None] = {}


def sandbox_problem() -> str | None:
    """Why no sandbox can be made here, in a sentence; ``None`` when one can.

    Tried once per process: ``bwrap`` must exist and create its namespaces.
    """
    if "answer" in _problem_cache:
        return _problem_cache["answer"]
    bwrap = bwrap_path()
    if bwrap is None:
        answer = "bubblewrap (the bwrap command) is not installed: run `make venv` or `apt-get install bubblewrap`"
    else:
        try:
            done = subprocess.run(
                [
                    bwrap,
                    "--unshare-all",
                    "--die-with-parent",
                    "--uid",
                    str(SANDBOX_UID),
                    "--ro-bind",
                    "/usr",
                    "/usr",
                    "--symlink",
                    "usr/bin",
                    "/bin",
                    "--symlink",
                    "usr/lib",
                    "/lib",
                    "--symlink",
                    "usr/lib64",
                    "/lib64",
                    "--",
                    "/usr/bin/true",
                ],
                capture_output=True,
                text=True,
                timeout=30,
            )
            answer = (
                None
                if done.returncode == 0
                else (f"bwrap cannot create its namespaces here ({done.stderr.strip() or f'exit {done.returncode}'})")
            )
        except (OSError, subprocess.SubprocessError) as exc:
            answer = f"bwrap could not be run: {exc}"
    _problem_cache["answer"] = answer
    return answer


def unsandboxed_exposure() -> str:
    """What a notebook can reach when it runs without the sandbox, in a sentence."""
    import getpass

    return (
        f"every notebook would run as {getpass.getuser()} with the network, every file that user can "
        "read or write (the course folder, source/ with its solutions, the gradebook, other students' "
        "submissions, the installed grader) and the power to signal the grader's processes."
    )


def _package_root(module_name: str) -> Path:
    """The folder to bind so that ``module_name`` imports inside (its ``src/`` for an editable install)."""
    module = __import__(module_name)
    return Path(module.__file__).resolve().parent.parent


def _data_dir() -> Path | None:
    from nndl.data import DATA_DIR_ENV, default_data_dir

    folder = Path(os.environ.get(DATA_DIR_ENV) or default_data_dir())
    return folder if folder.is_dir() else None


def _warm_matplotlib_cache(folder: Path) -> None:
    """Copy this process's matplotlib font list, so the kernel does not rebuild it (seconds) at import."""
    import matplotlib
    import matplotlib.font_manager  # noqa: F401 - builds the font list in the cache if it is not there

    folder.mkdir(parents=True, exist_ok=True)
    for cached in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
        shutil.copy2(cached, folder / cached.name)


class _PidsCgroup:
    """A ``pids`` cgroup (v1) capping the processes of one sandbox; inert where the host has none."""

    def __init__(self, limit: int):
        self.path = None
        if _PIDS_CGROUP.is_dir() and os.access(_PIDS_CGROUP, os.W_OK):
            path = _PIDS_CGROUP / f"nndl-{uuid.uuid4().hex[:12]}"
            try:
                path.mkdir()
                (path / "pids.max").write_text(str(limit))
                self.path = path
            except OSError:
                self.path = None

    def wrap(self, argv: list[str]) -> list[str]:
        """``argv`` started from inside the cgroup (so its very first child is counted)."""
        if self.path is None:
            return argv
        return ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(self.path), *argv]

    def remove(self) -> None:
        if self.path is not None:
            try:
                self.path.rmdir()
            except OSError:  # still holding processes a moment after a kill
                pass


def release_files(folder: Path) -> dict[str, bytes]:
    """The files of a release ``folder`` that sit beside its notebook: relative path -> bytes.

    Notebooks and hidden files are left out.
    """
    folder = Path(folder)
    files = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        relative = path.relative_to(folder)
        if path.is_file() and path.suffix != ".ipynb" and not any(p.startswith(".") for p in relative.parts):
            files[relative.as_posix()] = path.read_bytes()
    return files


def prlimit_command(limits: SandboxLimits, *, cpu: bool = True) -> list[str]:
    """``prlimit`` with ``limits`` (the CPU-time one left out when ``cpu`` is False), ending in ``--``."""
    return [
        "/usr/bin/prlimit",
        f"--as={limits.memory_bytes}",
        *([f"--cpu={limits.cpu_seconds}"] if cpu else []),
        f"--nproc={limits.processes}",
        f"--fsize={limits.file_bytes}",
        "--core=0",
        "--",
    ]


def sandbox_environment(home: str, data: str | None) -> dict[str, str]:
    """A sandboxed kernel's whole environment, with ``home`` and the course data at ``data``.

    Nothing of the grader's is passed on.
    """
    from autograder.course.config import blas_environment

    env = {
        "HOME": home,
        "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": f"{home}/.config/matplotlib",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "IPYTHONDIR": f"{home}/.ipython",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "NBGRADER_EXECUTION": "autograde",
        **blas_environment(),
    }
    if data is not None:
        env["NNDL_DATA_DIR"] = data
    elif os.environ.get("NNDL_DATA_DIR"):
        env["NNDL_DATA_DIR"] = os.environ["NNDL_DATA_DIR"]
    return env


def bwrap_command(own: list[str]) -> list[str]:
    """``bwrap`` with every namespace, the read-only system and Python, then ``own`` mounts, ending in ``--``.

    ``own`` holds the sandbox's writable binds and its ``--chdir``.
    """
    bwrap = bwrap_path()
    if bwrap is None:
        raise RuntimeError(sandbox_problem())
    binds = ["--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):
        if os.path.islink(f"/{link}"):
            binds += ["--symlink", os.readlink(f"/{link}"), f"/{link}"]
    for path in _ETC_FILES:
        if os.path.exists(path):
            binds += ["--ro-bind", path, path]
    python_roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), _package_root("nndl")}
    for path in sorted(python_roots):
        binds += ["--ro-bind", str(path), str(path)]
    data = _data_dir()
    if data is not None:
        binds += ["--ro-bind", str(data), DATA]
    environment = sandbox_environment(HOME, DATA if data is not None else None)
    setenv = [part for key, value in environment.items() for part in ("--setenv", key, value)]
    return [
        bwrap,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_UID),
        "--cap-drop",
        "ALL",
        "--clearenv",
        *setenv,
        # /tmp first: a tmpfs mounted after a bind below /tmp (a checkout or a venv there) would hide it
        "--tmpfs",
        "/tmp",
        *binds,
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        *own,
        "--",
    ]


class Sandbox:
    """The folders and the command line of one sandboxed kernel.

    Parameters
    ----------
    limits : SandboxLimits
    work_files : dict, optional
        Files written into the scratch folder first: a path relative to it
        -> the file's bytes (the release's data files that sit beside the
        notebook, such as images; see :func:`release_files`).
    isolate : bool
        False runs the kernel without bubblewrap (``--no-sandbox``, or a
        self-learner's ``check`` where namespaces are forbidden): same
        scratch folder, environment and limits, but no isolation at all.
    zygote : KernelZygote, optional
        The kernel is forked by this worker's template
        (:mod:`autograder.engine.zygote`) instead of started by its own
        ``bwrap``; its folders are made inside the template's.
    """

    def __init__(self, limits: SandboxLimits, work_files: dict | None = None, *, isolate: bool = True, zygote=None):
        self.limits = limits
        self.isolate = isolate
        self.zygote = zygote if isolate else None
        under = str(self.zygote.kernels) if self.zygote is not None else None
        self.root = Path(tempfile.mkdtemp(prefix="nndl-sandbox-", dir=under))
        self.channel = self.root / "channel"
        self.home = self.root / "home"
        self.channel.mkdir()
        self.home.mkdir()
        for relative, data in (work_files or {}).items():
            target = (self.home / relative).resolve()
            if not target.is_relative_to(self.home.resolve()):
                raise ValueError(f"work file {relative!r} would land outside the scratch folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _warm_matplotlib_cache(self.home / ".config" / "matplotlib")
        for folder in (self.channel, self.home):
            os.chmod(folder, 0o777)
        self._cgroups: list[_PidsCgroup] = []

    def command(self, argv: list[str]) -> list[str]:
        """The full command line that runs ``argv`` (a program inside the sandbox)."""
        prlimit = prlimit_command(self.limits)
        if not self.isolate:
            env = [f"{k}={v}" for k, v in sandbox_environment(str(self.home), None).items()]
            return [
                "/bin/sh",
                "-c",
                'cd "$0" && exec "$@"',
                str(self.home),
                "/usr/bin/env",
                "-i",
                *env,
                *prlimit,
                *argv,
            ]
        own = ["--bind", str(self.channel), str(self.channel), "--bind", str(self.home), HOME, "--chdir", HOME]
        cgroup = _PidsCgroup(self.limits.processes)
        self._cgroups.append(cgroup)
        return cgroup.wrap([*bwrap_command(own), *prlimit, *argv])

    def cleanup(self) -> None:
        """Remove the scratch and channel folders and the cgroups."""
        for cgroup in self._cgroups:
            cgroup.remove()
        shutil.rmtree(self.root, ignore_errors=True)


class SandboxedKernelClient(AsyncKernelClient):
    """A client that is ready as soon as the kernel has answered ``kernel_info`` on shell and IOPub.

    jupyter_client gives IOPub 0.2 s to show its first message (which a
    subscription made a moment after the kernel's reply misses), and then
    waits for 0.2 s of silence there, to drop the start-up messages. Here a
    missed IOPub message is asked for again after 20 ms, and the start-up
    messages are only drained: nbclient ignores every message that does not
    answer its own request.
    """

    async def _async_wait_for_ready(self, timeout=None):
        from queue import Empty

        from jupyter_client.manager import KernelManager

        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:  # IOPub is connected once a message of this kernel arrives there; else ask again
                        await self.iopub_channel.get_msg(timeout=0.02)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if isinstance(self.parent, KernelManager) and not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break

    wait_for_ready = _async_wait_for_ready


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in :attr:`sandbox`, reached over ``ipc`` sockets.

    Interrupts go as ``interrupt_request`` messages (a signal sent to
    ``bwrap`` would not reach the kernel), and a kill ends ``bwrap``, which
    takes the whole sandbox with it.
    """

    sandbox = Instance(Sandbox, allow_none=True)
    client_factory = Type(SandboxedKernelClient, klass=AsyncKernelClient)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.ip = str(self.sandbox.channel / "kernel")
        self.connection_file = str(self.sandbox.channel / "kernel.json")

    def format_kernel_cmd(self, extra_arguments=None):
        return (
            self.kernel_argv(extra_arguments)
            if self.sandbox.zygote
            else self.sandbox.command(self.kernel_argv(extra_arguments))
        )

    def kernel_argv(self, extra_arguments=None) -> list[str]:
        """The kernel's own command line, as run inside the sandbox."""
        return [
            str(Path(sys.prefix) / "bin" / "python"),
            "-m",
            "ipykernel_launcher",
            "-f",
            self.connection_file,
            *(extra_arguments or []),
        ]

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        zygote = self.sandbox.zygote
        if zygote is not None:
            try:
                self.provisioner.process = zygote.launch(self.sandbox, self.connection_file)
            except OSError as exc:  # the template is gone: this kernel gets a bwrap of its own
                self.log.warning("Starting the kernel without the template: %s", exc)
                self.sandbox.zygote = None
                kernel_cmd = self.sandbox.command(kernel_cmd)
            else:
                self.provisioner.pid = self.provisioner.pgid = None
                self._reconcile_connection_info(self.provisioner.connection_info)
                return
        # the kernel's own start-up chatter goes nowhere: what a cell prints
        # travels as messages, and a grading worker's terminal stays readable
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_interrupt_kernel(self):
        if self.has_kernel:
            self._connect_control_socket()
            self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))

    interrupt_kernel = _async_interrupt_kernel

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        os.chmod(self.connection_file, 0o644)
