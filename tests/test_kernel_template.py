"""Kernels forked from a worker's sandboxed template (autograder.engine.zygote).

A forked kernel shares a template process with the kernels before and after
it, so these tests play the hostile kernel: it tries to reach the template,
to leave something behind for the next kernel, and to keep a process
alive; the next kernel looks for all of it. They also check the limits,
the missing capabilities, fresh random seeds, and that grading falls back
to one bwrap per kernel when the template cannot start.
"""

from __future__ import annotations

import asyncio
import json
import os
import textwrap

import psutil
import pytest

from autograder.engine import zygote as zygote_module
from autograder.engine.sandbox import Sandbox, SandboxedKernelManager, SandboxLimits, sandbox_problem
from autograder.engine.zygote import KernelZygote

pytestmark = pytest.mark.skipif(sandbox_problem() is not None, reason=f"no sandbox here: {sandbox_problem()}")

LIMITS = SandboxLimits(memory_bytes=3 * 2**30, cpu_seconds=321, processes=64, file_bytes=7 * 2**20)
MARK = "left-by-the-first-kernel"

# Run in the first kernel: every way out it can think of, reported as JSON.
HOSTILE = textwrap.dedent(
    r"""
    import ctypes, json, os, signal, numpy as np
    report = {"pid": os.getpid(), "uid": os.getuid(), "draw": float(np.random.rand())}
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    report["CapEff"] = status["CapEff"].strip()
    report["NoNewPrivs"] = status["NoNewPrivs"].strip()
    report["limits"] = open("/proc/self/limits").read()
    def levels(entry):  # this process's number in each PID namespace, outermost first
        for line in open(f"/proc/{entry}/status"):
            if line.startswith("NSpid:"):
                return line.split()[1:]
        return []
    mine = len(levels("self"))
    outside = [e for e in os.listdir("/proc") if e.isdigit() and len(levels(e)) < mine]
    report["outside"], report["mem_opened"], report["signalled"] = outside, [], []
    for entry in outside:  # the template, its warden, bwrap: listed by /proc, but out of reach?
        try:
            with open(f"/proc/{entry}/mem", "rb"):
                report["mem_opened"].append(entry)
        except OSError:
            pass
        fd = os.open(f"/proc/{entry}", os.O_RDONLY | os.O_DIRECTORY)
        try:
            signal.pidfd_send_signal(fd, 0)
            report["signalled"].append(entry)
            signal.pidfd_send_signal(fd, signal.SIGKILL)
        except OSError:
            pass
        finally:
            os.close(fd)
    # numbers that exist in this kernel's PID namespace: its init, itself and its threads, nothing else
    tasks = {int(levels(f"self/task/{t}")[-1]) for t in os.listdir("/proc/self/task")}
    existing = []
    for pid in range(1, 400):
        try:
            os.kill(pid, 0)
            existing.append(pid)
        except OSError:
            pass
    report["strangers"] = sorted(set(existing) - tasks - {1})
    libc = ctypes.CDLL(None, use_errno=True)
    report["umounted"] = [p for p in ("/tmp", "/home/student", "/dev/shm", "/proc") if libc.umount2(p.encode(), 2) == 0]
    # with capabilities regained in a user namespace of its own, the inherited mounts stay locked
    import subprocess, sys
    nested = (
        "import ctypes; libc = ctypes.CDLL(None, use_errno=True); "
        "assert libc.unshare(0x10000000 | 0x00020000) == 0, 'no nested namespace'; "
        "print([p for p in ('/tmp', '/home/student', '/dev/shm', '/dev', '/') if libc.umount2(p.encode(), 2) == 0])"
    )
    done = subprocess.run([sys.executable, "-c", nested], capture_output=True, text=True)
    report["nested_umounted"] = done.stdout.strip() or done.stderr.strip()[-200:]
    written = []
    for top, dirs, files in os.walk("/", topdown=True):
        dirs[:] = [d for d in dirs if os.path.join(top, d) not in ("/proc", "/sys")]
        try:
            with open(os.path.join(top, "MARK"), "w") as f:
                f.write("x")
            written.append(top)
        except OSError:
            pass
    report["written"] = written
    report["program"] = os.listdir("/opt/nndl-template") if os.path.isdir("/opt/nndl-template") else []
    import subprocess
    report["sleeper"] = subprocess.Popen(["/usr/bin/sleep", "1000"], start_new_session=True).pid
    print(json.dumps(report))
    """
).replace("MARK", MARK)

# Run in the second kernel: what of the first one is still there?
LOOK = textwrap.dedent(
    r"""
    import json, os, numpy as np
    found = []
    for top, dirs, files in os.walk("/", topdown=True):
        dirs[:] = [d for d in dirs if os.path.join(top, d) not in ("/proc", "/sys")]
        found += [os.path.join(top, f) for f in files if f == "MARK"]
    sleepers = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and open(f"/proc/{entry}/cmdline").read().startswith("/usr/bin/sleep"):
                sleepers.append(entry)
        except OSError:
            pass
    print(json.dumps({"found": found, "sleepers": sleepers, "tmp": os.listdir("/tmp"),
                      "draw": float(np.random.rand()), "cwd": os.getcwd(), "files": sorted(os.listdir("."))}))
    """
).replace("MARK", MARK)


async def _run_in_fork(zygote: KernelZygote, code: str, work_files: dict) -> dict:
    sandbox = Sandbox(LIMITS, work_files, zygote=zygote)
    km = SandboxedKernelManager(sandbox=sandbox)
    try:
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        out = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                out.append("\n".join(msg["content"]["traceback"]))

        await kc.execute_interactive(code, output_hook=hook, timeout=120)
        kc.stop_channels()
        text = "".join(out)
        try:
            return json.loads(text.strip().splitlines()[-1])
        except (ValueError, IndexError):
            raise AssertionError(f"the kernel did not report: {text}") from None
    finally:
        await km.shutdown_kernel(now=True)
        sandbox.cleanup()


@pytest.fixture(scope="module")
def zygote():
    template = KernelZygote(LIMITS, ("numpy",))
    assert template.start(), "the kernel template did not start"
    yield template
    template.stop()


def test_a_forked_kernel_reaches_neither_the_template_nor_the_next_kernel(zygote):
    first = asyncio.run(_run_in_fork(zygote, HOSTILE, {"data.txt": b"first"}))
    second = asyncio.run(_run_in_fork(zygote, LOOK, {"data.txt": b"second"}))

    assert zygote.alive(), "the template died: a kernel could kill it"
    assert zygote.launched == 2
    assert first["pid"] == 2 and first["uid"] == 65534  # under its own init, in its own PID namespace
    assert int(first["CapEff"], 16) == 0 and first["NoNewPrivs"] == "1"
    assert first["mem_opened"] == [], "a kernel opened another process's memory"
    assert len(first["outside"]) >= 3, first["outside"]  # bwrap, the template, the warden
    assert first["signalled"] == [], "a kernel could signal a process outside its namespace"
    assert first["strangers"] == [], "a kernel's PID namespace holds processes not its own"
    assert first["umounted"] == [], "a kernel removed a mount of its own file view"
    assert first["nested_umounted"] == "[]", first["nested_umounted"]
    assert first["program"] == [], "the template's program (of the instructor package) is in the kernel's view"
    # writable for the first kernel: its home and its fresh /tmp and /dev/shm only
    assert {w.rstrip("/") for w in first["written"]} <= {"/home/student", "/tmp", "/dev/shm"} | {
        w for w in first["written"] if w.startswith(("/home/student/", "/tmp/", "/dev/shm/"))
    }
    assert "/" not in first["written"] and "/dev" not in first["written"]
    assert second["found"] == [], f"the second kernel found files the first one wrote: {second['found']}"
    assert second["sleepers"] == [], "a process the first kernel started outlived it"
    assert second["files"] == [".config", ".ipython", "data.txt"] and second["cwd"] == "/home/student"
    assert first["draw"] != second["draw"], "forked kernels drew the same 'random' numbers"
    for name, value in (("Max address space", LIMITS.memory_bytes), ("Max cpu time", LIMITS.cpu_seconds)):
        assert f"{name}" in first["limits"]
        line = next(line for line in first["limits"].splitlines() if line.startswith(name))
        assert str(value) in line, line
    for name, value in (("Max processes", LIMITS.processes), ("Max file size", LIMITS.file_bytes)):
        line = next(line for line in first["limits"].splitlines() if line.startswith(name))
        assert str(value) in line, line
    # on the host, nothing of the first kernel is left under the template either
    template = psutil.Process(zygote._process.pid)
    leftovers = []
    for process in template.children(recursive=True):
        try:
            leftovers += [process.pid] if "sleep" in " ".join(process.cmdline()) else []
        except psutil.Error:  # a warden that has just ended, not yet collected
            pass
    assert leftovers == []


def test_grading_falls_back_to_one_bwrap_per_kernel_without_a_template(monkeypatch, caplog):
    monkeypatch.setattr(zygote_module, "_INSIDE", zygote_module._INSIDE.with_name("no-such-program.py"))
    template = KernelZygote(LIMITS, ())
    try:
        assert not template.start()
        assert "one bwrap per kernel" in caplog.text
    finally:
        template.stop()
    monkeypatch.setattr(zygote_module, "_current", {})
    assert zygote_module.worker_zygote(LIMITS, ("numpy",)) is None
    assert zygote_module.worker_zygote(LIMITS, ("numpy",)) is None  # not tried again for the same settings
    assert os.path.exists(zygote_module._INSIDE.with_name("zygote_inside.py"))


def test_a_kernel_starts_with_its_own_bwrap_when_the_template_is_gone():
    template = KernelZygote(LIMITS, ())  # never started: launching through it fails
    try:
        report = asyncio.run(_run_in_fork(template, LOOK, {"data.txt": b"x"}))
    finally:
        template.stop()
    assert template.launched == 0
    assert report["files"] == [".config", ".ipython", "data.txt"] and report["found"] == []
