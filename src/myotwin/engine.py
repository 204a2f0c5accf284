"""The daily engine: steps organ models over a block of persons and records outcomes.

A `Block` is a set of persons who follow the same schedule (one trial arm, several replicates;
or the draws of one `simulate` scenario). Blocks are independent, so an `Executor` may run them
serially or in a process pool; random numbers are keyed by person, never by block, so the split
does not change any number.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from typing import Any, Protocol, TypeVar

import numpy as np

from myotwin import streams
from myotwin.dose import DoseDay, Schedule, dose_day
from myotwin.evidence import Registry, registry
from myotwin.outcomes import lookup
from myotwin.persons import Persons
from myotwin.physiology import ORGANS, reporting_organ
from myotwin.physiology.base import Context, Draw, FloatArray, OrganModel, Signals

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, eq=False)
class Block:
    persons: Persons
    schedule: Schedule
    outcomes: tuple[str, ...]
    record_days: tuple[int, ...]  # mornings on which level outcomes are recorded, ascending
    seed: int
    group: int  # trial arm position; 0 for every scenario of `simulate` (common random numbers)
    central: bool = False  # population parameters at their central values (calibration)


@dataclass(frozen=True, eq=False)
class BlockResult:
    # outcome -> (record day, person) true values; for rate and proportion outcomes the
    # expected rate per person-year, or the chance of an event within a year
    levels: dict[str, FloatArray]
    alive: np.ndarray  # (person,) alive on the last record day
    parameters: tuple[str, ...] = field(default=())  # registry keys the run rested on
    # peak outcome -> (mean session peak over days D-7..D-1, NaN without a session; resting on D)
    peaks: dict[str, tuple[FloatArray, FloatArray]] = field(default_factory=dict)
    # rate and proportion outcome -> (person,) events on days 0 .. last record day - 1
    events: dict[str, FloatArray] = field(default_factory=dict)


# TRIAL-SPEC: session peaks are averaged over the sessions done in the last 7 days.
PEAK_WINDOW_DAYS = 7


def order_organs(models: Sequence[OrganModel[Any, Any]]) -> list[OrganModel[Any, Any]]:
    """Writers before readers; a signal read before it is written is yesterday's value."""
    remaining = list(models)
    ordered: list[OrganModel[Any, Any]] = []
    written: set[str] = set()
    all_writes = {w for m in models for w in m.writes}
    while remaining:
        ready = [m for m in remaining if all(r in written or r not in all_writes for r in m.reads)]
        pick = ready[0] if ready else remaining[0]  # a cycle: take file order, lag one day
        ordered.append(pick)
        written.update(pick.writes)
        remaining.remove(pick)
    return ordered


def needed_organs(
    models: Sequence[OrganModel[Any, Any]], outcomes: Iterable[str]
) -> list[OrganModel[Any, Any]]:
    """The organs that report one of `outcomes`, and those whose signals they read (at any
    remove). The others are not stepped at all: nobody would see their work, and because each
    organ's random numbers are keyed by its own name, leaving one out changes no other number."""
    wanted = set(outcomes)
    needed = {m.name for m in models if any(m.reports(o) for o in wanted)}
    grew = True
    while grew:
        reads = {r for m in models if m.name in needed for r in m.reads}
        more = {m.name for m in models if m.name not in needed and set(m.writes) & reads}
        needed |= more
        grew = bool(more)
    return [m for m in models if m.name in needed]


# Persons stepped together. Each organ's day costs some 30 µs of Python around its kernel,
# which larger chunks spread thinner, while smaller ones keep more of the state in the CPU's
# cache. 100,000 persons over 240 days (2026-11-28, this 2-core machine): chunks of 20,000 ran
# at 4.7-4.8 M person-days/s, of 10,000 and 25,000 4.5-4.7 M, of 4,000 4.3 M, of 50,000 4.1 M
# and all 100,000 at once 3.7 M. Not a power of two: the rows of a (rows, persons) matrix
# would then lie a multiple of 4 KiB apart and compete for the same cache sets.
CHUNK = 20_000


def run_block(block: Block, reg: Registry | None = None) -> BlockResult:
    """Step `block` day by day; large blocks go through in cache-sized chunks of persons."""
    reg = reg or registry()
    n = block.persons.n
    if n <= CHUNK:
        return _run_chunk(block, reg)
    parts = [
        _run_chunk(replace(block, persons=block.persons.take(slice(i, i + CHUNK))), reg)
        for i in range(0, n, CHUNK)
    ]
    return BlockResult(
        {k: np.concatenate([p.levels[k] for p in parts], axis=1) for k in parts[0].levels},
        np.concatenate([p.alive for p in parts]),
        parts[0].parameters,
        {
            k: (
                np.concatenate([p.peaks[k][0] for p in parts]),
                np.concatenate([p.peaks[k][1] for p in parts]),
            )
            for k in parts[0].peaks
        },
        {k: np.concatenate([p.events[k] for p in parts]) for k in parts[0].events},
    )


class Simulation:
    """The organs' states, parameters and shared signals for one block, stepped a day at a time."""

    def __init__(self, block: Block, reg: Registry, *, typical: bool = False) -> None:
        persons = block.persons
        self.models = order_organs(needed_organs(list(ORGANS.values()), block.outcomes))
        self.wanted = frozenset(r for m in self.models for r in m.reads)  # read by some organ
        ctx = Context(
            persons,
            block.schedule,
            block.outcomes,
            reg,
            block.seed,
            block.group,
            self.wanted,
            peaks_from=max(_last_record_day(block) - PEAK_WINDOW_DAYS, 0),
        )
        draw = Draw(reg, block.seed, block.group, persons, central=block.central, typical=typical)
        self.peaks_from = ctx.peaks_from
        self.params = {m.name: m.params(draw) for m in self.models}
        self.signals: Signals = {}
        self.states: dict[str, Any] = {}
        for m in self.models:
            self.states[m.name] = m.init(ctx, self.params[m.name], self.signals)
            self.signals.update(m.emit(self.states[m.name], self.params[m.name], self.wanted))
        self.schedule = block.schedule
        self.persons = persons
        self.adherence_keys = streams.stream_keys(
            block.seed, persons.replicate, block.group, "adherence"
        )

    def advance(self, day: int) -> DoseDay | None:
        """Step every organ through `day` (its session, if any); returns that day's dose."""
        dose = dose_day(self.schedule, day, self.adherence_keys, self.persons.ids)
        for m in self.models:
            self.states[m.name] = m.step(
                self.states[m.name], self.signals, dose, self.params[m.name], day
            )
            self.signals.update(m.emit(self.states[m.name], self.params[m.name], self.wanted))
        return dose


def _last_record_day(block: Block) -> int:
    return block.record_days[-1] if block.record_days else 0


def _run_chunk(block: Block, reg: Registry) -> BlockResult:
    persons = block.persons
    sim = Simulation(block, reg)
    states, params = sim.states, sim.params

    readers: list[tuple[str, OrganModel[Any, Any]]] = []
    peak_readers: list[tuple[str, OrganModel[Any, Any]]] = []
    event_readers: list[tuple[str, OrganModel[Any, Any]]] = []
    for name in block.outcomes:
        organ = reporting_organ(name)
        if organ is None:
            continue
        kind = lookup(name).kind
        if kind == "peak":
            peak_readers.append((name, organ))
            continue
        # Rate and proportion outcomes: drawn events, and as a level their expected value.
        readers.append((name, organ))
        if kind in ("rate", "proportion"):
            event_readers.append((name, organ))
    levels = {name: np.empty((len(block.record_days), persons.n)) for name, _ in readers}
    peak_sum = {name: np.zeros(persons.n) for name, _ in peak_readers}
    peak_count = {name: np.zeros(persons.n) for name, _ in peak_readers}
    events = {name: np.zeros(persons.n) for name, _ in event_readers}

    record = {day: i for i, day in enumerate(block.record_days)}
    last = _last_record_day(block)
    for day in range(last + 1):
        if day in record:
            for name, organ in readers:
                levels[name][record[day]] = organ.outcome(
                    name, states[organ.name], params[organ.name]
                )
        if day == last:
            break
        dose = sim.advance(day)
        for name, organ in event_readers:
            assert organ.events is not None
            events[name] += organ.events(name, states[organ.name], params[organ.name])
        if dose is not None and day >= sim.peaks_from:
            for name, organ in peak_readers:
                assert organ.session_peak is not None
                today = organ.session_peak(name, states[organ.name], params[organ.name])
                had = ~np.isnan(today)
                peak_sum[name] += np.where(had, today, 0.0)
                peak_count[name] += had

    peaks = {}
    for name, organ in peak_readers:
        resting = organ.outcome(name, states[organ.name], params[organ.name])
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(peak_count[name] > 0, peak_sum[name] / peak_count[name], np.nan)
        peaks[name] = (mean, resting)
    used = tuple(k for m in sim.models for k in m.parameter_keys)
    return BlockResult(levels, np.ones(persons.n, np.bool_), used, peaks, events)


def modelled(name: str) -> bool:
    """Does any organ model of this version report outcome `name`?"""
    lookup(name)
    return reporting_organ(name) is not None


Done = Callable[[int], None]


class Executor(Protocol):
    """Runs `fn` over `items`, results in submission order; `done(1)` after each result."""

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], done: Done | None = None
    ) -> list[R]: ...


class SerialExecutor:
    def map(self, fn: Callable[[T], R], items: Iterable[T], done: Done | None = None) -> list[R]:
        return _collect(map(fn, items), done)


class ProcessExecutor:
    """Blocks in a process pool: a fresh pool for each `map`, or with `keep` one pool started
    now and kept for many calls (a server: no start-up cost per request; `close` ends it)."""

    def __init__(self, workers: int | None = None, *, keep: bool = False) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None
        if keep:
            # Spawned, not forked: the caller may be a threaded server, and a fork copies
            # locks other threads hold. Each worker imports the model now, not at first use.
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=get_context("spawn"), initializer=_long_lived_worker
            )
            for _ in range(self.workers):
                self._pool.submit(int)  # starts a worker (the pool starts them on demand)

    def map(self, fn: Callable[[T], R], items: Iterable[T], done: Done | None = None) -> list[R]:
        if self._pool is not None:
            return _collect(self._pool.map(fn, items), done)
        with ProcessPoolExecutor(max_workers=self.workers) as pool:
            return _collect(pool.map(fn, items), done)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _collect(results: Iterable[R], done: Done | None) -> list[R]:
    collected = []
    for result in results:
        collected.append(result)
        if done is not None:
            done(1)
    return collected


def _long_lived_worker() -> None:
    warm_up()
    # What is loaded now lives as long as the process: later full collections skip it.
    gc.freeze()


def warm_up() -> None:
    """Load the registry and every compiled organ kernel: a few days of two persons with a
    session, every outcome wanted (and a 1RM). A process that has done this answers its first
    real run without start-up cost (numba loads compiled kernels from its disk cache at first
    call). Two persons, not one: a one-person matrix is both C- and Fortran-ordered, and a
    kernel compiled for one layout is not the one a real block of persons calls."""
    from myotwin.inputs import Person
    from myotwin.outcomes import OUTCOMES
    from myotwin.persons import complete_anthropometry, person_arrays
    from myotwin.programs import schedule, template

    reg = registry()
    person = Person(age_years=60, sex="female", height_cm=165, weight_kg=70)
    persons = complete_anthropometry(person_arrays(person, 2), reg)
    program = template("machine_circuit_older")
    plan = schedule(program, 3)
    one_rm = tuple(f"one_rm:{e.exercise}" for e in program.exercises if e.minutes is None)
    wanted = tuple(o for o in OUTCOMES if modelled(o)) + one_rm[:1]
    run_block(Block(persons, plan, wanted, (0, 3), 0, 0), reg)


# Dask's nanny starts its workers with MALLOC_TRIM_THRESHOLD_=65536, which also switches off
# glibc's adaptive mmap threshold: every array over 128 KiB is then mapped afresh and faulted
# in page by page on each use, and a worker ran a block 1.5x slower than a plain process. These
# are glibc's adaptive values at their upper limit, so freed arrays are kept for reuse.
_WORKER_MALLOC = {
    "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": 32 * 2**20,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": 64 * 2**20,
}


class DaskExecutor:
    """Blocks on a Dask cluster through its concurrent.futures executor (optional extra `dask`).

    `address` is a scheduler address, or "local" for a LocalCluster of `workers` single-thread
    workers (`processes=False` keeps them in this process: quick to start, for tests). Close it
    (or use it as a context manager) to shut a local cluster down.
    """

    def __init__(
        self, address: str = "local", workers: int | None = None, *, processes: bool = True
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise ValueError("Dask is not installed: pip install 'myotwin[dask]'") from exc
        self.cluster: Any = None
        if address == "local":
            import dask

            with dask.config.set(_WORKER_MALLOC):
                self.cluster = LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=processes,
                    dashboard_address=None,
                )
            self.client: Any = Client(self.cluster)
        else:
            self.client = Client(address)

    def map(self, fn: Callable[[T], R], items: Iterable[T], done: Done | None = None) -> list[R]:
        pool = self.client.get_executor(pure=False)
        futures = [pool.submit(fn, item) for item in items]
        results = []
        for future in futures:  # submission order, whatever order they finish in
            results.append(future.result())
            if done is not None:
                done(1)
        return results

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def executor(name: str = "serial", workers: int | None = None, address: str = "local") -> Executor:
    if name == "serial":
        return SerialExecutor()
    if name == "process":
        return ProcessExecutor(workers)
    if name == "dask":
        return DaskExecutor(address, workers)
    raise ValueError(f"unknown executor {name!r}: choose serial, process or dask")
