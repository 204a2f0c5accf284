"""Background jobs: projections and trials run in worker threads, the page polls their state.

A request never waits for the model: it starts a job and gets its id back. The page then asks
for the job's state (htmx), and the server holds that request until the job has moved on
(`Jobs.wait`): the result is on screen the moment it is done, and no stream of polls takes
turns with the job for the interpreter. Jobs live in memory (they are minutes of work, not
records); finished results worth keeping go to the store.
"""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

MAX_KEPT = 200  # finished jobs kept for their pages and downloads; the oldest go first


@dataclass
class Job:
    id: str
    owner: str
    kind: str  # "projection" | "trial"
    total: int
    done: int = 0
    state: str = "queued"  # queued, running, done, error
    result: Any = None
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    def snapshot(self) -> Job:
        """A copy at one moment: a worker may finish between two reads of `state` (a page
        that saw "running" and then rendered "done" would show a result it never fetched)."""
        return replace(self, meta=dict(self.meta))

    @property
    def fraction(self) -> float:
        if self.state == "done":
            return 1.0
        return min(1.0, self.done / self.total) if self.total else 0.0


class Jobs:
    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="myotwin-job")
        self._jobs: dict[str, Job] = {}
        # Guards the job table and every job's fields; notified on each step and state change.
        self._changed = threading.Condition()
        self._closing = False

    def submit(
        self,
        owner: str,
        kind: str,
        total: int,
        work: Callable[[Callable[[int], None]], Any],
        meta: dict[str, Any] | None = None,
    ) -> Job:
        """Start `work(advance)`; `advance(k)` reports k more of `total` steps done."""
        job = Job(uuid.uuid4().hex, owner, kind, max(total, 1), meta=dict(meta or {}))
        with self._changed:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.state in ("done", "error")]
            for old in finished[: max(0, len(finished) - MAX_KEPT)]:
                del self._jobs[old.id]

        def advance(k: int) -> None:
            with self._changed:
                job.done += k
                self._changed.notify_all()

        def run() -> None:
            self._update(job, state="running")
            try:
                result = work(advance)
            except Exception as exc:  # the page shows it; the worker thread must survive
                self._update(
                    job,
                    error=str(exc) or type(exc).__name__,
                    meta={**job.meta, "traceback": traceback.format_exc()},
                    state="error",
                    finished=time.monotonic(),
                )
                return
            self._update(job, result=result, state="done", finished=time.monotonic())

        self._pool.submit(run)
        return job

    def finished_job(self, owner: str, kind: str, result: Any, meta: dict[str, Any]) -> Job:
        """A job that is done already (a cached projection)."""
        job = Job(uuid.uuid4().hex, owner, kind, 1, 1, "done", result, meta=meta)
        job.finished = job.started
        with self._changed:
            self._jobs[job.id] = job
        return job

    def get(self, owner: str, job_id: str) -> Job | None:
        """The job if it exists and is `owner`'s: nobody sees another user's jobs."""
        job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def _update(self, job: Job, **fields: Any) -> None:
        """Set `fields` in order (a result before the state that announces it) and wake the
        requests waiting for this job."""
        with self._changed:
            for name, value in fields.items():
                setattr(job, name, value)
            self._changed.notify_all()

    def wait(self, job: Job, seen_done: int, timeout: float) -> None:
        """Return once `job` has finished or got past `seen_done` steps, or after `timeout`
        seconds, whichever comes first."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._closing or job.state in ("done", "error") or job.done != seen_done,
                timeout,
            )

    def shutdown(self) -> None:
        with self._changed:  # waiting requests answer now, not at their timeout
            self._closing = True
            self._changed.notify_all()
        self._pool.shutdown(wait=False, cancel_futures=True)
