"""Executing one submission: the task a Dask worker runs.

:func:`execute_submission` takes an :class:`~autograder.course.records.ExecutionTask`
(the sanitised notebooks and the seed of the hidden draws) and the
assignment's :class:`~autograder.course.records.ExecutionKit`, runs each
notebook through :class:`~autograder.engine.execute.SandboxedExecute` and
returns the executed notebooks as an :class:`~autograder.course.records.ExecutionResult`.
It reads no course folder and writes no gradebook: a worker needs the two
packages and bubblewrap, nothing else of the instructor's machine.

What a task does not survive is reported, not raised: a grader error
becomes the result's ``error``, so the coordinator records that
submission's failure and goes on. The one exception is a worker that
cannot make the sandbox: :class:`SandboxUnavailable` is raised before any
student code runs, so that worker never grades unsandboxed.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import tempfile
import time

from autograder.course.records import ExecutionKit, ExecutionResult, ExecutionTask

RESOURCE = "nndl-sandbox"  # the Dask resource a worker holds once its sandbox works


class SandboxUnavailable(RuntimeError):
    """This worker cannot run a kernel in the bubblewrap sandbox; it refuses to grade."""


@functools.lru_cache(maxsize=1)
def worker_sandbox_problem() -> str | None:
    """Why this process cannot make a sandbox, or None (asked once per process)."""
    from autograder.engine.sandbox import sandbox_problem

    return sandbox_problem()


def refusal(address: str, problem: str) -> str:
    """The message of a worker that refuses to grade because ``problem`` stops the sandbox."""
    return (
        f"worker {address or 'here'} refuses to grade: {problem}. Install bubblewrap there "
        "(Debian: apt-get install bubblewrap) and allow user namespaces, or grade with --no-sandbox."
    )


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):  # not on a Dask worker
        return ""


def execute_submission(task: ExecutionTask, kit: ExecutionKit) -> ExecutionResult:
    """Execute every notebook of ``task`` in its sandbox; the executed notebooks and how it went.

    Raises
    ------
    SandboxUnavailable
        If ``kit.sandboxed`` and this machine cannot make the sandbox.
    """
    import nbformat
    from traitlets.config import Config

    from autograder.course.config import blas_environment, grading_settings
    from autograder.engine.execute import SandboxedExecute

    start = time.perf_counter()
    address = _worker_address()
    if kit.sandboxed and (problem := worker_sandbox_problem()):
        raise SandboxUnavailable(refusal(address, problem))
    config = Config(kit.config)
    config.SandboxedExecute.sandboxed = kit.sandboxed
    config.SandboxedExecute.seed = task.seed
    config.SandboxedExecute.shutdown_kernel = "immediate"
    settings = grading_settings(config)
    # several kernels share the cores: a multi-threaded BLAS in each would only make them fight
    for var, value in blas_environment(config).items():
        os.environ.setdefault(var, value)

    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.WARNING)
    executed: dict[str, str] = {}
    error = None
    zygote = None
    if kit.sandboxed and kit.preload:
        from autograder.engine.sandbox import SandboxLimits
        from autograder.engine.zygote import worker_zygote

        zygote = worker_zygote(SandboxLimits.of(settings), kit.preload)
    try:
        for name, text in task.notebooks.items():
            nb = nbformat.reads(text, as_version=4)
            step = SandboxedExecute(
                config=config,
                tests=kit.tests.get(name, {}),
                setup_code=kit.setup_code.get(name, ""),
                work_files=kit.work_files,
                secret_paths=list(kit.secret_paths),
                notebook_timeout=float(settings.notebook_timeout),
                zygote=zygote,
            )
            step.log.addHandler(handler)
            resources = {
                "nbgrader": {"notebook": name, "assignment": kit.assignment, "student": task.job.student},
                "metadata": {"path": tempfile.gettempdir()},
            }
            try:
                nb, _ = step.preprocess(nb, resources)
            finally:
                step.log.removeHandler(handler)
            executed[name] = nbformat.writes(nb)
    except Exception as exc:  # a fault of the grader, not of the notebook: this submission fails, the batch goes on
        error = f"the grader itself failed: {type(exc).__name__}: {exc}"
    return ExecutionResult(task.job, executed, error, time.perf_counter() - start, address, log.getvalue())
