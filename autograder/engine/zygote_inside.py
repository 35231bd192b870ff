"""The kernel template's own program: runs *inside* a bubblewrap sandbox, standard library only.

This file is bound alone into the template's sandbox (not the package it
sits in) and run as a script: ``python zygote_inside.py SOCKET MODULE...``.
It imports the modules the course's notebooks import, says ``ready`` on
stdout, and then, for each request on the Unix socket ``SOCKET``, forks one
kernel. It never runs a learner's code itself; see
:mod:`autograder.engine.zygote` for the design and the other side.

Each fork goes through three processes:

*warden* (forked from the template, in its namespaces at first)
    unshares new user, mount, PID, network, IPC and UTS namespaces, maps
    its one uid and gid, and builds the kernel's file view: a fresh
    ``/tmp`` and ``/dev/shm``, the request's scratch folder as home, the
    request's channel folder, and nothing else of the template's writable
    folders (a read-only tmpfs hides them). It then forks *init* and
    relays: when init ends, its exit code goes back on the socket; when
    the socket closes (the grader kills the kernel), init is killed, and
    the warden exits only once every process of the PID namespace is gone.
*init* (PID 1 of the new PID namespace)
    drops every capability, sets ``no_new_privs``, forks the kernel and
    reaps whatever the kernel leaves behind; it exits with the kernel's
    code, which kills everything else in the namespace.
*kernel* (PID 2)
    takes its resource limits, a closed set of file descriptors, fresh
    random seeds, and becomes ipykernel with the request's connection file.

The template and the warden are not dumpable, so a kernel (same uid, but no
capability in their user namespace) can neither read nor write their
memory through ``/proc``; a kernel cannot name them in ``kill`` or
``ptrace`` either, being in a PID namespace below theirs.
"""

import ctypes
import importlib
import json
import os
import resource
import select
import signal
import socket
import sys
import time

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 4, 24, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_CAP_VERSION_3 = 0x20080522
READY = b"ready\n"
_PREVIOUS_GRACE = 10.0  # seconds a previous kernel has to end before the next one is forked

_libc = ctypes.CDLL(None, use_errno=True)


def _call(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _prctl(option: int, arg: int = 0) -> None:
    _call(_libc.prctl(option, ctypes.c_ulong(arg), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)), "prctl")


def _mount(source, target: str, fstype, flags: int, data=None) -> None:
    enc = lambda s: None if s is None else s.encode()  # noqa: E731
    _call(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def _drop_capabilities() -> None:
    """No capability left in any set, none to regain (bounding set emptied, no_new_privs)."""
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(cap), 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    header = (ctypes.c_uint32 * 2)(_CAP_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    _call(_libc.capset(header, data), "capset")
    _prctl(PR_SET_NO_NEW_PRIVS, 1)


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _mount_points_below(folder: str) -> list[str]:
    """The mount points strictly below ``folder``, in the order they were mounted."""
    import codecs

    prefix = folder.rstrip("/") + "/"
    with open("/proc/self/mountinfo", "rb") as f:
        points = [codecs.escape_decode(line.split()[4])[0].decode() for line in f]
    return [p for p in points if p.startswith(prefix)]


def _make_mount_point(path: str, like: str) -> None:
    """A file or a folder at ``path`` to mount ``like`` on."""
    if os.path.isdir(like):
        os.makedirs(path, exist_ok=True)
    elif not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").close()


def _isolate(request: dict) -> None:
    """New namespaces and the kernel's file view (run by the warden)."""
    uid, gid = os.getuid(), os.getgid()
    _call(
        _libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS),
        "unshare",
    )
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    channel, hidden, stage = request["channel"], request["hidden"], request["stage"]
    # what a fresh /tmp would hide and must stay: the read-only binds below it (a checkout or a
    # virtualenv under /tmp), but not the template's own folder
    keep = [p for p in _mount_points_below("/tmp") if p != hidden and not p.startswith(hidden + "/")]
    _mount("tmpfs", stage, "tmpfs", MS_NOSUID | MS_NODEV, "mode=700")
    staged = [os.path.join(stage, str(i)) for i in range(len(keep))]
    for source, place in zip([channel, *keep], [os.path.join(stage, "channel"), *staged]):
        _make_mount_point(place, like=source)
        _mount(source, place, None, MS_BIND)
    _mount(request["home_source"], request["home"], None, MS_BIND | MS_REC)
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    for place, target in zip(staged, keep):
        _make_mount_point(target, like=place)
        _mount(place, target, None, MS_BIND)
    for target in keep:
        _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    # every writable folder the template shares with the kernels after this one goes out of view
    # (already done by the fresh /tmp when the template's folder lies below it)
    covered = os.path.isdir(hidden)
    if covered:
        _mount("tmpfs", hidden, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755")
    os.makedirs(channel)
    _mount(os.path.join(stage, "channel"), channel, None, MS_BIND)
    if covered:
        _mount(None, hidden, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _call(_libc.umount2(stage.encode(), MNT_DETACH), "umount")
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    _mount(None, "/dev", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    # nor this program: the kernel sees nothing of the instructor package
    _mount("tmpfs", os.path.dirname(os.path.abspath(__file__)), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV)


def _become_kernel(request: dict) -> None:
    """PID 2: limits, descriptors, seeds, then ipykernel; never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        os.setsid()
        null = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, 65536)
        _prctl(PR_SET_DUMPABLE, 1)  # its own /proc entries readable by itself, as in any process
        limits = request["limits"]
        for name, value in (
            ("RLIMIT_AS", limits["memory_bytes"]),
            ("RLIMIT_CPU", limits["cpu_seconds"]),
            ("RLIMIT_NPROC", limits["processes"]),
            ("RLIMIT_FSIZE", limits["file_bytes"]),
            ("RLIMIT_CORE", 0),
        ):
            resource.setrlimit(getattr(resource, name), (value, value))
        os.chdir(request["home"])
        sys.path[0] = request["home"]
        sys.argv = ["ipykernel_launcher", "-f", request["connection_file"]]
        import random

        random.seed()
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # the kernel could not start: the grader sees it end
        code = 1
    finally:
        os._exit(code)


def _init(request: dict) -> None:
    """PID 1 of the kernel's namespace: no capabilities, fork the kernel, reap; never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        _drop_capabilities()
        kernel = os.fork()
        if kernel == 0:
            _become_kernel(request)
        while True:
            pid, status = os.waitpid(-1, 0)
            if pid == kernel:
                code = os.waitstatus_to_exitcode(status)
                break
    except BaseException:
        pass
    finally:
        os._exit(code if code >= 0 else 128 - code)


def _warden(conn: socket.socket, request: dict) -> None:
    """Isolate, fork init, relay its end to ``conn`` and a closed ``conn`` to init; never returns."""
    try:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        null = os.open("/dev/null", os.O_RDWR)  # the template's stdout and stderr are its alone
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
        _isolate(request)
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(wake_w)
        init = os.fork()
        if init == 0:
            conn.close()
            os.close(wake_r)
            os.close(wake_w)
            _init(request)
        conn.sendall(json.dumps({"started": True}).encode() + b"\n")
        code = None
        while code is None:
            readable, _, _ = select.select([conn, wake_r], [], [], 1.0)
            if wake_r in readable:
                os.read(wake_r, 512)
            pid, status = os.waitpid(init, os.WNOHANG)
            if pid == init:
                code = os.waitstatus_to_exitcode(status)
                break
            if conn in readable and not conn.recv(64):  # the grader let go: the kernel is killed
                os.kill(init, signal.SIGKILL)
                _, status = os.waitpid(init, 0)  # returns once the whole namespace is empty
                os._exit(0)
        conn.sendall(json.dumps({"exit": code}).encode() + b"\n")
    except BaseException as exc:
        try:
            conn.sendall(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode() + b"\n")
        except OSError:
            pass
    os._exit(0)


def _read_request(conn: socket.socket) -> dict | None:
    conn.settimeout(10)
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    conn.settimeout(None)
    return json.loads(data)


def _reap(children: set) -> None:
    """Collect the ``children`` that have ended."""
    for pid in list(children):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            children.discard(pid)


def _wait_for(children: set, seconds: float) -> None:
    """Reap ``children``; past ``seconds``, kill those still running (their kernels go with them)."""
    deadline = time.monotonic() + seconds
    while children:
        _reap(children)
        if children and time.monotonic() > deadline:
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            deadline = float("inf")
        if children:
            time.sleep(0.005)


def _warm_up() -> None:
    """Load what a first figure needs (the Agg renderer, the PNG writer, the default font) once.

    It creates no figure and goes through neither pyplot nor a backend, so nothing is left for a kernel to see.
    """
    import matplotlib.backends.backend_agg  # noqa: F401
    import PIL.PngImagePlugin  # noqa: F401
    from matplotlib import font_manager

    font_manager.get_font(font_manager.findfont(font_manager.FontProperties()))


def serve(socket_path: str, modules: list[str]) -> None:
    """Import ``modules``, then fork one kernel per request on ``socket_path``, one at a time."""
    _prctl(PR_SET_DUMPABLE, 0)
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # a module that fails here fails again, visibly, in the notebook
            pass
    if "matplotlib" in sys.modules:
        try:
            _warm_up()
        except Exception:  # only a head start: the kernel draws its own figures either way
            pass
    parent = os.getppid()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(4)
    server.settimeout(1.0)
    sys.stdout.buffer.write(READY)
    sys.stdout.flush()
    wardens: set = set()
    while os.getppid() == parent:
        try:
            conn, _ = server.accept()
        except (TimeoutError, InterruptedError):
            _reap(wardens)
            continue
        with conn:
            try:
                request = _read_request(conn)
            except (OSError, ValueError):
                continue
            if request is None:
                continue
            # one kernel at a time: the previous one (and all it started) is gone before the next exists
            _wait_for(wardens, _PREVIOUS_GRACE)
            pid = os.fork()
            if pid == 0:
                server.close()
                _warden(conn, request)
            wardens.add(pid)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2:])
