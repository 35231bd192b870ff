"""Real servers for the tests, on loopback or a Unix socket, each stopped by its process id.

* :func:`postgres_server`: Debian's PostgreSQL in a temporary folder,
  reached through a Unix socket in that folder only;
* :func:`dask_processes`: a ``dask scheduler`` and ``dask worker`` processes
  on 127.0.0.1, each worker in a mount namespace of its own (bubblewrap)
  where the folders it must not see are empty.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 20) -> None:
    """Stop ``proc`` by its pid: ``sig``, then SIGKILL if it is still there after ``timeout``."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- PostgreSQL -------------------------------------------------------------------


def postgres_binaries() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (``initdb``, ``postgres``), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@contextlib.contextmanager
def postgres_server():
    """A PostgreSQL server for one test; yields its SQLAlchemy URL (psycopg2, Unix socket).

    The cluster is made by ``initdb`` in a fresh temporary folder owned by the
    ``postgres`` user (the server refuses to run as root), listens on no TCP
    port, and is stopped by its process id (SIGINT, PostgreSQL's fast
    shutdown) and removed afterwards.
    """
    import pwd

    binaries = postgres_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed: `make postgres` installs Debian's postgresql")
    user = pwd.getpwnam("postgres")
    folder = Path(tempfile.mkdtemp(prefix="nndl-pg-"))
    os.chown(folder, user.pw_uid, user.pw_gid)
    data = folder / "data"
    as_postgres = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": [], "cwd": folder}
    proc = None
    try:
        subprocess.run(
            [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
            check=True,
            capture_output=True,
            **as_postgres,
        )
        log = open(folder / "server.log", "wb")  # noqa: SIM115 - closed with the server
        proc = subprocess.Popen(
            [
                str(binaries / "postgres"),
                "-D",
                str(data),
                "-k",
                str(folder),
                "-c",
                "listen_addresses=",
                "-c",
                "fsync=off",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            **as_postgres,
        )
        socket_file = folder / ".s.PGSQL.5432"
        deadline = time.monotonic() + 60
        while not socket_file.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start:\n{(folder / 'server.log').read_text()}")
            time.sleep(0.1)
        url = f"postgresql+psycopg2://postgres@/postgres?host={folder}"
        _wait_for_database(url, deadline)
        yield url
    finally:
        if proc is not None:
            _stop(proc, signal.SIGINT)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_database(url: str, deadline: float) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        while True:
            try:
                with engine.connect() as conn:
                    conn.execute(sqlalchemy.text("select 1"))
                return
            except sqlalchemy.exc.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        engine.dispose()


# -- Dask ---------------------------------------------------------------------------


@dataclass
class DaskProcesses:
    """A scheduler and its workers, started by :func:`dask_processes`."""

    address: str
    scheduler: subprocess.Popen
    workers: dict = field(default_factory=dict)  # name -> Popen
    scratch: dict = field(default_factory=dict)  # name -> Path
    addresses: dict = field(default_factory=dict)  # name -> the worker's tcp:// address
    logs: Path | None = None

    def wait_until_busy(self, name: str, timeout: float) -> bool:
        """Wait until worker ``name`` is running a task; False if it never did within ``timeout``."""
        from distributed import Client

        deadline = time.monotonic() + timeout
        with Client(self.address, timeout=30) as client:
            while time.monotonic() < deadline:
                if client.processing(workers=[self.addresses[name]]).get(self.addresses[name]):
                    return True
                time.sleep(0.2)
        return False

    def worker_pid(self, name: str) -> int:
        """The pid of the ``dask worker`` process ``name`` (a child of its ``bwrap``)."""
        import psutil

        for child in psutil.Process(self.workers[name].pid).children(recursive=True):
            if "worker" in child.cmdline():
                return child.pid
        raise RuntimeError(f"worker {name} has no process")

    def kill_worker(self, name: str) -> int:
        """SIGKILL the worker ``name`` by its pid (its kernels die with it); that pid."""
        pid = self.worker_pid(name)
        os.kill(pid, signal.SIGKILL)
        self.workers[name].wait(10)
        return pid

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")


def _dask() -> str:
    return str(Path(sys.executable).with_name("dask"))


@contextlib.contextmanager
def dask_processes(names=("w1", "w2"), *, hidden=(), no_sandbox=()):
    """A ``dask scheduler`` on 127.0.0.1 and one ``dask worker`` process per name.

    Each worker runs with ``--no-nanny`` (so its pid is the worker itself),
    one thread, a scratch folder of its own as working, temporary and Dask
    folder, and, through ``bwrap``, empty folders in place of every path of
    ``hidden`` (the course folder, the source notebooks): it grades from the
    task's bytes alone. Workers named in ``no_sandbox`` get a ``PATH``
    without bubblewrap (node stays, for the feedback pages). Everything is stopped by pid at the end.
    """
    logs = Path(tempfile.mkdtemp(prefix="nndl-dask-logs-"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    scheduler = subprocess.Popen(
        [_dask(), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=open(logs / "scheduler.log", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        env=env,
    )
    cluster = DaskProcesses(address, scheduler, logs=logs)
    try:
        for name in names:
            scratch = Path(tempfile.mkdtemp(prefix=f"nndl-dask-{name}-"))
            cluster.scratch[name] = scratch
            jail = [shutil.which("bwrap"), "--dev-bind", "/", "/", "--die-with-parent"]
            for path in hidden:
                jail += ["--tmpfs", str(path)]
            worker_env = {**env, "TMPDIR": str(scratch), "HOME": str(scratch)}
            if name in no_sandbox:  # the interpreter's folder, and node (for feedback pages), but no bwrap
                tools = scratch / "bin"
                tools.mkdir()
                if shutil.which("node"):
                    (tools / "node").symlink_to(shutil.which("node"))
                worker_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{tools}"
            command = [
                _dask(),
                "worker",
                address,
                "--name",
                name,
                "--nthreads",
                "1",
                "--no-nanny",
                "--memory-limit",
                "0",
                "--local-directory",
                str(scratch),
                "--no-dashboard",
            ]
            cluster.workers[name] = subprocess.Popen(
                jail + ["--chdir", str(scratch), "--", *command],
                stdout=open(logs / f"{name}.log", "wb"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
                env=worker_env,
            )
        cluster.addresses = _wait_for_workers(address, len(names), cluster)
        yield cluster
    finally:
        for proc in cluster.workers.values():
            _stop(proc)
        _stop(scheduler)
        for scratch in cluster.scratch.values():
            shutil.rmtree(scratch, ignore_errors=True)


def _wait_for_workers(address: str, n: int, cluster: DaskProcesses, timeout: float = 90) -> dict:
    """Wait for ``n`` workers to join; their addresses by name."""
    from distributed import Client

    with Client(address, timeout=30) as client:
        try:
            client.wait_for_workers(n, timeout=timeout)
        except TimeoutError:
            logs = "\n".join(f"--- {name}\n{cluster.log(name)[-2000:]}" for name in cluster.workers)
            raise RuntimeError(f"{n} Dask workers did not join {address}:\n{logs}") from None
        workers = client.scheduler_info(n_workers=-1)["workers"]
        return {info["name"]: addr for addr, info in workers.items()}
