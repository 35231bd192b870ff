"""Where submissions execute: a Dask cluster, embedded or existing.

:func:`grading_cluster` gives a :class:`GradingCluster`: with no scheduler
address it starts a ``LocalCluster`` on this machine (one single-threaded
worker process per core), otherwise it connects to the scheduler at that
address, whose workers may be on other machines. Either way the same
tasks run the same way; Dask restarts lost workers, reschedules their
tasks and serves its dashboard.

A worker grades only once it has shown it can make the sandbox: the
:class:`SandboxGate` plugin, registered on every worker (those that join
later too), asks bubblewrap and then gives the worker the Dask resource
:data:`~autograder.engine.task.RESOURCE`, which every sandboxed task
requires. A worker that cannot make the sandbox keeps no such resource,
says why in its log, and is listed by :meth:`GradingCluster.refusals`.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from autograder.course import CourseError
from autograder.engine.task import RESOURCE, refusal, worker_sandbox_problem

try:  # Dask is a grading dependency; the student package never imports this module
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - reported by grading_cluster
    WorkerPlugin = object

_CONNECT_SECONDS = 10
_log = logging.getLogger(__name__)


class SandboxGate(WorkerPlugin):
    """On each worker: hold :data:`RESOURCE` only where the bubblewrap sandbox works."""

    name = "nndl-sandbox-gate"
    idempotent = True

    async def setup(self, worker):
        problem = worker_sandbox_problem()
        worker.nndl_sandbox_problem = problem
        if problem:
            _log.error("%s", refusal(worker.address, problem))
            return
        await worker.set_resources(**{RESOURCE: 1})


def _gate_state(dask_worker) -> str | None:
    return getattr(dask_worker, "nndl_sandbox_problem", "the sandbox check has not run")


@dataclass
class GradingCluster:
    """A Dask client, and the cluster it started if it is an embedded one."""

    client: object
    address: str
    embedded: bool
    sandboxed: bool
    local: object = None
    refused: dict = field(default_factory=dict)

    @property
    def dashboard(self) -> str | None:
        """The address of Dask's dashboard, or None where it is not served."""
        try:
            return self.client.dashboard_link
        except Exception:  # no dashboard (bokeh missing, or the scheduler serves none)
            return None

    def slots(self) -> int:
        """How many tasks the workers can run at once (at least 1)."""
        return max(1, sum(self.client.nthreads().values()))

    def refusals(self) -> dict[str, str]:
        """Workers that cannot make the sandbox: address -> why (empty without ``sandboxed``)."""
        if not self.sandboxed:
            return {}
        states = self.client.run(_gate_state)
        return {address: refusal(address, problem) for address, problem in states.items() if problem}

    def able_workers(self) -> int:
        """Workers that may take a task now: all of them, or the gated ones when sandboxed."""
        workers = self.client.scheduler_info(n_workers=-1)["workers"].values()
        if not self.sandboxed:
            return len(workers)
        return sum(1 for w in workers if w.get("resources", {}).get(RESOURCE))

    def map(self, fn, items):
        """Yield ``fn(item)`` for every item, computed on the workers, in the order they finish.

        At most twice as many tasks as the workers can run at once are out
        at a time, so a long list does not sit in the scheduler's memory.
        A task that raises re-raises here.
        """
        from distributed import as_completed

        items = iter(items)
        running = as_completed()

        def send() -> bool:
            for item in items:
                running.add(self.client.submit(fn, item, pure=False))
                return True
            return False

        for _ in range(2 * self.slots()):
            if not send():
                break
        for future in running:
            result = future.result()
            future.release()
            send()
            yield result

    def task_options(self) -> dict:
        """Extra ``client.submit`` options for a grading task."""
        return {"resources": {RESOURCE: 1}} if self.sandboxed else {}


@contextmanager
def grading_cluster(scheduler: str | None, workers: int, *, sandboxed: bool = True):
    """A :class:`GradingCluster` for the length of a ``with`` block.

    Parameters
    ----------
    scheduler : str or None
        A Dask scheduler's address (``tcp://host:8786``); None starts a
        ``LocalCluster`` of ``workers`` processes, stopped at the end.
    workers : int
        Worker processes of the embedded cluster (ignored with ``scheduler``).
    sandboxed : bool
        Tasks run only on workers that can make the sandbox.

    Raises
    ------
    CourseError
        If Dask is missing, the scheduler cannot be reached, or (sandboxed)
        no worker can make the sandbox.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise CourseError(f"Dask is not installed ({exc}): `pip install -r requirements.txt`") from None
    local = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=_CONNECT_SECONDS)
        except (OSError, TimeoutError) as exc:
            raise CourseError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    else:
        import dask

        # Dask's statistical profiler samples every worker's stack 100 times a second: CPU the
        # kernels need more, on a machine whose every core grades
        dask.config.set({"distributed.worker.profile.enabled": False})
        local = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=0,  # the sandbox limits each kernel; a worker itself stays small
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
        client = Client(local)
    cluster = GradingCluster(client, scheduler or local.scheduler_address, local is not None, sandboxed, local)
    try:
        if sandboxed:
            client.register_plugin(SandboxGate(), name=SandboxGate.name)
            cluster.refused = cluster.refusals()
            if not cluster.able_workers():
                why = "; ".join(cluster.refused.values()) or "the scheduler has no workers"
                raise CourseError(f"no Dask worker at {cluster.address} can grade in the sandbox: {why}")
        elif not client.nthreads():
            raise CourseError(f"the Dask scheduler at {cluster.address} has no workers")
        yield cluster
    finally:
        client.close()
        if local is not None:
            local.close()
