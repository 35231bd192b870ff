"""Grading kernels forked from a sandboxed template that has already imported what notebooks import.

Most of the CPU time of grading a short notebook goes into starting its
kernel: a new Python, IPython and ipykernel, then numpy, matplotlib, the
student package and scikit-learn, imported by the notebook's first cells,
1.5-2.5 s of CPU per notebook of this course. Every submission paid it
again, though it is the same work each time.

A grading worker therefore keeps one *template* (:class:`KernelZygote`): a
Python started by ``bwrap`` with exactly the isolation of an ordinary
sandboxed kernel (:mod:`autograder.engine.sandbox`: no network, read-only
system and Python, uid 65534, no capability, no view of the course, the
instructor package or ``source/``), and a read-only root besides. It runs
:mod:`autograder.engine.zygote_inside` (bound in alone), imports the
modules, and never runs a learner's code. Each kernel is forked from it and
then, before any cell runs, put in namespaces of its own below the
template's: its own user, mount, PID, network and IPC namespaces, a
fresh ``/tmp`` and ``/dev/shm``, its own scratch folder as home, its own
channel folder, every writable folder of the template out of view, no
capability and ``no_new_privs``, and the same resource limits as an
ordinary kernel. The template serves one kernel at a time and forks the
next only once the previous one's PID namespace is empty, so a kernel
never meets another kernel, alive or through what it left behind; it
cannot reach the template either (see the inside module's docstring).

What a forked kernel shares with the ones before and after it is the state
of the imported modules right after import, and nothing it can change:
each is a copy, and Python's and NumPy's global random generators are
reseeded in every kernel.

jupyter_client sees a forked kernel through :class:`ForkedKernel`, the part
of ``Popen`` its ``LocalProvisioner`` uses, over the request's socket:
``poll`` and ``wait`` read the kernel's end from it, and ``kill`` closes it,
upon which the kernel's namespace is killed.
"""

from __future__ import annotations

import atexit
import json
import logging
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from autograder.engine.sandbox import (
    HOME,
    Sandbox,
    SandboxLimits,
    _PidsCgroup,
    _warm_matplotlib_cache,
    bwrap_command,
    prlimit_command,
)
from autograder.engine.zygote_inside import READY

log = logging.getLogger(__name__)

# What ipykernel itself needs and what every notebook of the course imports first.
BASE_PRELOAD = ("ipykernel.kernelapp", "IPython", "numpy", "matplotlib", "matplotlib.pyplot")
_INSIDE = Path(__file__).with_name("zygote_inside.py")
_INSIDE_AT = "/opt/nndl-template/zygote_inside.py"
_STAGE = "/run/nndl-stage"
_START_SECONDS = 120
_LAUNCH_SECONDS = 30
_KILL_SECONDS = 5
_EXTRA_PROCESSES = 4  # bwrap, the template, a warden and an init beside the kernel's own


class ForkedKernel:
    """What ``LocalProvisioner`` asks of its ``Popen``, for a kernel forked by a template.

    ``returncode`` is None while the kernel's namespace lives; then the
    kernel's exit code (-9 when it was killed).
    """

    stdin = stdout = stderr = None
    pid = None

    def __init__(self, conn: socket.socket):
        self._conn = conn
        self._buffer = b""
        self.returncode: int | None = None

    def _read(self, timeout: float) -> None:
        if self.returncode is not None:
            return
        readable, _, _ = select.select([self._conn], [], [], max(timeout, 0))
        if not readable:
            return
        try:
            chunk = self._conn.recv(4096)
        except OSError:
            chunk = b""
        if not chunk:
            self.returncode = -9
            self._conn.close()
            return
        self._buffer += chunk
        for line in self._buffer.split(b"\n")[:-1]:
            message = json.loads(line)
            if "exit" in message:
                self.returncode = int(message["exit"])
            elif "error" in message:
                self.returncode = 1

    def poll(self) -> int | None:
        self._read(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            remaining = 1.0 if deadline is None else deadline - time.monotonic()
            if remaining <= 0:
                raise subprocess.TimeoutExpired("forked kernel", timeout)
            self._read(min(remaining, 1.0))
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Any signal ends the kernel (interrupts travel as messages, never as signals).

        Returns once its namespace is empty, or after :data:`_KILL_SECONDS`.
        """
        if self.returncode is None:
            try:
                self._conn.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            try:
                self.wait(_KILL_SECONDS)
            except subprocess.TimeoutExpired:
                pass

    kill = terminate = lambda self: self.send_signal(9)


class KernelZygote:
    """One grading worker's template process, and the folders its kernels live in.

    Parameters
    ----------
    limits : SandboxLimits
        Each forked kernel's limits (the template's own, but for CPU time).
    preload : tuple of str
        Modules the template imports besides :data:`BASE_PRELOAD`.
    """

    def __init__(self, limits: SandboxLimits, preload: tuple = ()):
        self.limits = limits
        self.preload = tuple(dict.fromkeys([*BASE_PRELOAD, *preload]))
        self.root = Path(tempfile.mkdtemp(prefix="nndl-template-"))
        self.kernels = self.root / "kernels"
        self.control = self.root / "control"
        self.home = self.root / "home"
        for folder in (self.kernels, self.control, self.home):
            folder.mkdir()
            folder.chmod(0o777)
        _warm_matplotlib_cache(self.home / ".config" / "matplotlib")
        self.socket_path = self.control / "template.sock"
        self._cgroup = _PidsCgroup(limits.processes + _EXTRA_PROCESSES)
        self._process: subprocess.Popen | None = None
        self._ready = threading.Event()
        self._problem: str | None = None
        self.launched = 0  # kernels forked so far

    def command(self) -> list[str]:
        own = [
            "--bind",
            str(self.root),
            str(self.root),
            "--bind",
            str(self.home),
            HOME,
            "--ro-bind",
            str(_INSIDE),
            _INSIDE_AT,
            "--dir",
            _STAGE,
            "--chdir",
            HOME,
            "--remount-ro",
            "/",
        ]
        argv = [sys.executable, _INSIDE_AT, str(self.socket_path), *self.preload]
        return self._cgroup.wrap([*bwrap_command(own), *prlimit_command(self.limits, cpu=False), *argv])

    def _run(self) -> None:
        # started and waited for from this long-lived thread: bwrap's --die-with-parent
        # follows the thread that started it, which must outlive the template
        try:
            self._process = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except (OSError, RuntimeError) as exc:
            self._problem = str(exc)
            self._ready.set()
            return
        line = self._process.stdout.readline()
        if line != READY:
            error = self._process.stderr.read().decode(errors="replace").strip().splitlines()
            self._problem = f"the kernel template did not start: {error[-1] if error else 'no reason given'}"
        self._ready.set()
        for message in self._process.stderr:  # read, so that the template never blocks on a full pipe
            log.debug("kernel template: %s", message.decode(errors="replace").rstrip())
        self._process.wait()

    def start(self) -> bool:
        """Start the template and wait until it has imported everything; False (and why logged) if it cannot."""
        threading.Thread(target=self._run, name="nndl-kernel-template", daemon=True).start()
        if not self._ready.wait(_START_SECONDS):
            self._problem = f"the kernel template did not start within {_START_SECONDS} s"
        if self._problem is not None:
            log.warning("Grading with one bwrap per kernel: %s", self._problem)
            self.stop()
            return False
        return True

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None and self._problem is None

    def launch(self, sandbox: Sandbox, connection_file: str) -> ForkedKernel:
        """Fork a kernel for ``sandbox`` (made with ``zygote=self``) reading ``connection_file``.

        Raises ``OSError`` when the template does not answer.
        """
        if not self.alive():
            raise OSError("the kernel template is not running")
        request = {
            "channel": str(sandbox.channel),
            "home_source": str(sandbox.home),
            "home": HOME,
            "hidden": str(self.root),
            "stage": _STAGE,
            "connection_file": connection_file,
            "limits": asdict(sandbox.limits),
        }
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.settimeout(_LAUNCH_SECONDS)
            conn.connect(str(self.socket_path))
            conn.sendall(json.dumps(request).encode() + b"\n")
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = conn.recv(4096)
                if not chunk:
                    raise OSError("the kernel template closed the request")
                reply += chunk
            answer = json.loads(reply)
            if "error" in answer:
                raise OSError(f"the kernel template could not fork: {answer['error']}")
            conn.settimeout(None)
        except (OSError, ValueError) as exc:
            conn.close()
            raise OSError(str(exc)) from None
        self.launched += 1
        return ForkedKernel(conn)

    def stop(self) -> None:
        """End the template (and any kernel of it) and remove its folders."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._cgroup.remove()
        shutil.rmtree(self.root, ignore_errors=True)


_current: dict = {}
_lock = threading.Lock()


def worker_zygote(limits: SandboxLimits, preload: tuple) -> KernelZygote | None:
    """This process's template for ``limits`` and ``preload``, started on first use; None if it cannot run."""
    key = (limits, tuple(preload))
    with _lock:
        zygote = _current.get("zygote")
        if zygote is not None and (_current.get("key") != key or not zygote.alive()):
            zygote.stop()
            zygote = None
        if zygote is None:
            if _current.get("failed") == key:
                return None
            zygote = KernelZygote(limits, preload)
            if not zygote.start():
                _current.update(zygote=None, key=None, failed=key)
                return None
            _current.update(zygote=zygote, key=key)
        return zygote


@atexit.register
def _stop_worker_zygote() -> None:
    zygote = _current.get("zygote")
    if zygote is not None:
        zygote.stop()


def notebook_imports(paths) -> list[str]:
    """Modules imported by the code cells of the notebooks at ``paths``, in order of first import.

    Cells are turned into plain Python by IPython's own input transformer
    (so ``%matplotlib inline`` is no obstacle) and read with :mod:`ast`; a
    cell that still does not parse adds nothing. The instructor package is
    left out (the template cannot see it).
    """
    import ast

    import nbformat
    from IPython.core.inputtransformer2 import TransformerManager

    to_python = TransformerManager().transform_cell
    found: list[str] = []
    for path in paths:
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(to_python(cell.source))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                else:
                    continue
                found.extend(n for n in names if n not in found and n.split(".")[0] != "autograder")
    return found
