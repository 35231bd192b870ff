"""Start grading kernels by forking a process that has already imported everything.

Most of the CPU time of autograding a short notebook goes into starting its
kernel: a new Python, IPython and ipykernel, then numpy, matplotlib, the
course packages and scikit-learn imported by the notebook's first cells,
1.5-2.5 s of CPU per submission on this course's notebooks. Every
submission pays it again, although it is the same work each time.

Here each grading worker keeps one *template* process (:func:`serve`) that
imports those modules once and then waits. For every kernel it forks a
child that becomes an ordinary ipykernel with the connection file nbclient
asked for. The child is a separate process with its own copy of memory, so
one submission still cannot affect another; what it shares with its
siblings is only the state of modules right after import. Before the kernel
starts, the child takes the environment and working folder of the request
and reseeds Python's and NumPy's global random generators, so forked
kernels do not all draw the same "random" numbers.

jupyter_client sees the forked kernel through :class:`ForkProvisioner`, a
``LocalProvisioner`` whose ``launch_kernel`` asks the template instead of
starting ``python -m ipykernel_launcher``; interrupt, kill and liveness go to
the forked process group. Anything unusual (another kernel command, a
template that does not answer) falls back to the normal launch.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

# Modules every notebook of the course imports, or that ipykernel itself needs.
BASE_PRELOAD = ("ipykernel.kernelapp", "IPython", "numpy", "matplotlib", "matplotlib.pyplot")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_READY = b"ready\n"


# -- the template process ---------------------------------------------------------

def _reap(_signum, _frame) -> None:
    """Collect finished kernels at once, so a dead kernel never lingers as a zombie."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _become_kernel(request: dict) -> None:
    """In the forked child: take on the request's environment and run ipykernel; never returns."""
    code = 1
    try:
        os.setsid()  # its own process group: interrupts and kills reach it and its children only
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.path[0] = request["cwd"]
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        import random

        random.seed()
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # the kernel could not start; the provisioner sees it die
        code = 1
    finally:
        os._exit(code)


def serve(socket_path: str, modules: list[str]) -> None:
    """Import ``modules``, then fork a kernel for each request on ``socket_path``.

    Stops when the worker that started it goes away.
    """
    import importlib

    parent = os.getppid()
    for name in [*BASE_PRELOAD, *modules]:
        try:
            importlib.import_module(name)
        except Exception:  # a module that fails here fails again, visibly, in the notebook
            pass
    signal.signal(signal.SIGCHLD, _reap)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(8)
    server.settimeout(1.0)
    sys.stdout.buffer.write(_READY)
    sys.stdout.flush()
    while os.getppid() == parent:
        try:
            conn, _ = server.accept()
        except (socket.timeout, InterruptedError):
            continue
        with conn:
            conn.settimeout(10)
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            try:
                request = json.loads(data)
            except json.JSONDecodeError:
                continue
            pid = os.fork()
            if pid == 0:
                server.close()
                conn.close()
                _become_kernel(request)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    server.close()


# -- the worker side -----------------------------------------------------------------

class _Template:
    """The template process of this worker, started on first use."""

    process: subprocess.Popen | None = None
    socket_path: str | None = None
    modules: tuple[str, ...] = ()
    failed = False

    @classmethod
    def configure(cls, modules) -> None:
        cls.modules = tuple(modules)

    @classmethod
    def ensure(cls) -> str | None:
        """The template's socket path, starting it if needed; None when it cannot run."""
        if cls.failed:
            return None
        if cls.process is not None and cls.process.poll() is None:
            return cls.socket_path
        folder = tempfile.mkdtemp(prefix="nndl-kernels-")
        cls.socket_path = os.path.join(folder, "template.sock")
        env = dict(os.environ)
        # read at import time by matplotlib, and by notebooks that shorten training while graded
        env.setdefault("MPLBACKEND", INLINE_BACKEND)
        env.setdefault("NBGRADER_EXECUTION", "autograde")
        cls.process = subprocess.Popen(
            [sys.executable, "-c", "import sys; from autograder.engine.kernel_fork import serve; "
             "serve(sys.argv[1], sys.argv[2:])", cls.socket_path, *cls.modules],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=env, cwd=folder,
        )
        line = cls.process.stdout.readline()
        if line != _READY:
            cls.failed = True
            cls.stop()
            return None
        return cls.socket_path

    @classmethod
    def fork(cls, argv: list[str], env: dict, cwd: str) -> int | None:
        path = cls.ensure()
        if path is None:
            return None
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.settimeout(30)
                client.connect(path)
                client.sendall(json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n")
                reply = b""
                while not reply.endswith(b"\n"):
                    chunk = client.recv(4096)
                    if not chunk:
                        return None
                    reply += chunk
            return int(json.loads(reply)["pid"])
        except (OSError, ValueError, KeyError):
            return None

    @classmethod
    def stop(cls) -> None:
        if cls.process is not None and cls.process.poll() is None:
            cls.process.kill()
            cls.process.wait()
        cls.process = None


class _ForkedKernelProcess:
    """What LocalProvisioner expects of its ``Popen``, for a kernel that is not our child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None

    def poll(self):
        import psutil

        if self.returncode is None:
            try:
                if psutil.Process(self.pid).status() in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD):
                    self.returncode = -1
            except psutil.NoSuchProcess:
                self.returncode = -1
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        try:
            os.killpg(self.pid, signum)
        except ProcessLookupError:
            try:  # a kill in the instant before the child made its own group
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Launches ``python -m ipykernel_launcher ...`` by forking the worker's template."""

    async def launch_kernel(self, cmd, **kwargs):
        if "ipykernel_launcher" in cmd and sys.platform.startswith("linux"):
            argv = cmd[cmd.index("ipykernel_launcher") + 1:]
            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            pid = _Template.fork(argv, env, cwd)
            if pid is not None:
                self.process = _ForkedKernelProcess(pid)
                self.pid = self.pgid = pid
                self.ip = self.connection_info.get("ip") if self.connection_info else None
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)


class ForkingKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernels come from :class:`ForkProvisioner`."""

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id or "", kernel_spec=self.kernel_spec,
                                               parent=self)
        return await super()._async_pre_start_kernel(**kw)


def use_forked_kernels(modules) -> None:
    """Make this worker's kernels come from a template that preloaded ``modules``."""
    _Template.configure(modules)


def stop_template() -> None:
    _Template.stop()


def notebook_imports(paths) -> list[str]:
    """Modules imported by the code cells of the notebooks at ``paths``, in order of first import.

    Cells are turned into plain Python by IPython's own input transformer
    (so ``%matplotlib inline`` is no obstacle) and read with :mod:`ast`; a
    cell that still does not parse adds nothing.
    """
    import ast

    import nbformat
    from IPython.core.inputtransformer2 import TransformerManager

    to_python = TransformerManager().transform_cell
    found = []
    for path in paths:
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception:  # an unreadable notebook just adds nothing to preload
            continue
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
                found.extend(n for n in names if n not in found)
    return found


def course_preload(course, assignments) -> list[str]:
    """The modules the source notebooks of ``assignments`` in ``course`` import."""
    return notebook_imports([p for a in assignments for p in course.paths.source_notebooks(a)])
