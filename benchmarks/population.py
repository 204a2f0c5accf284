"""Population scale: person-days per second of the full model, peak memory, Dask scaling.

Usage: python benchmarks/population.py [--sizes 1000 100000 1000000] [--days 30]
                                       [--dask-persons 8000] [--dask-workers 2 4]
                                       [--no-dask]

1. Throughput: every organ model steps persons drawn from the shipped Dutch 50+ table (the
   population outcomes wanted, so bone, mobility events, glucose and energy all work), all of
   them training (machine circuit, twice a week), serial on one core, over `--days` days.
   Person-days per second per size (wall clock, and at the pace of the median simulated day:
   what the model does while the machine does not pause it), and the peak resident memory of
   this process after it.
2. Dask: the same population run (one year, no-training scenario) serially and on local
   clusters of `--dask-workers` single-thread worker processes, twice on each cluster: the
   first run pays the cluster's start and each worker's imports, the second shows how the
   work itself scales. The speed-ups, and whether the numbers match.
Prints the machine. A benchmark, not a test: this shared machine's timings are noisy.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import DayPace, describe, disturbance

from myotwin.engine import CHUNK, Block, DaskExecutor, SerialExecutor, run_block
from myotwin.evidence import registry
from myotwin.population import parse_population, run_population
from myotwin.population.run import ENGINE_OUTCOMES, draw_persons
from myotwin.programs import schedule, template


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def spec(persons: int, years: int = 1, train: bool = True) -> object:
    scenario: dict[str, object] = {"name": "all_train" if train else "no_training"}
    if train:
        scenario["programs"] = [
            {"share": 1.0, "template": "machine_circuit_older", "sessions_per_week": 2}
        ]
    return parse_population(
        {
            "persons": persons,
            "years": years,
            "draws": 10,
            "seed": 1,
            "population": {"diabetes": {"type2": 0.12}, "fall_history": 0.3},
            "scenarios": [scenario],
        }
    )


def throughput(n: int, days: int) -> tuple[float, float]:
    """(wall-clock, median-day pace) person-days/s of the full model for `n` persons (in
    engine chunks of CHUNK persons)."""
    s = spec(min(n, 10_000_000))
    reg = registry()
    plan = schedule(template("machine_circuit_older").model_copy(update={"weeks": None}), days)
    start = time.perf_counter()
    with DayPace() as pace:
        for begin in range(0, n, 100_000):  # persons drawn a slice at a time: bounded memory
            persons = draw_persons(s, begin, min(begin + 100_000, n))  # type: ignore[arg-type]
            run_block(Block(persons, plan, ENGINE_OUTCOMES, (0, days), 1, 0), reg)
    wall = time.perf_counter() - start
    return n * days / wall, n * days / (pace.median() * len(pace.seconds))


def dask_scaling(persons: int, workers: list[int]) -> None:
    """The one-year run serially, then on local clusters of `workers` single-thread processes:
    end to end (cluster start and each worker's first imports included), and again on the
    same cluster once it is warm (the scaling of the work itself)."""
    s = spec(persons, train=False)
    block = max(persons // (4 * max(workers)), 1)  # at least 4 blocks per worker
    pd = persons * 366
    start = time.perf_counter()
    serial = run_population(s, SerialExecutor(), block_persons=block)  # type: ignore[arg-type]
    t_serial = time.perf_counter() - start
    print(
        f"Dask, {persons:,} persons x 1 year in {-(-persons // block)} blocks: serial "
        f"{t_serial:.1f} s ({pd / t_serial:,.0f} person-days/s)",
        flush=True,
    )
    for n in workers:
        start = time.perf_counter()
        with DaskExecutor("local", n) as ex:
            t_start = time.perf_counter() - start
            first = run_population(s, ex, block_persons=block)  # type: ignore[arg-type]
            t_first = time.perf_counter() - start
            start = time.perf_counter()
            again = run_population(s, ex, block_persons=block)  # type: ignore[arg-type]
            t_again = time.perf_counter() - start
        same = all(
            [tuple(r.values()) for r in result.rows] == [tuple(r.values()) for r in serial.rows]
            for result in (first, again)
        )
        print(
            f"  LocalCluster {n} workers x 1 thread: first run {t_first:.1f} s incl. "
            f"{t_start:.1f} s cluster start, speed-up {t_serial / t_first:.2f}x; "
            f"on the warm cluster {t_again:.1f} s ({pd / t_again:,.0f} person-days/s), "
            f"speed-up {t_serial / t_again:.2f}x (ideal {n:.2f}x); same numbers: {same}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--dask-persons", type=int, default=8000)
    parser.add_argument("--dask-workers", type=int, nargs="+", default=[2])
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    print(f"machine: {describe()}")
    print(
        f"population outcomes (the organs they need), serial, {args.days} days, "
        f"engine chunks of {CHUNK} persons"
    )
    run_block(
        Block(
            draw_persons(spec(10), 0, 10),  # type: ignore[arg-type]
            schedule(None, 2),
            ENGINE_OUTCOMES,
            (0, 2),
            1,
            0,
        )
    )  # warm-up: registry and imports
    print(f"disturbance: {disturbance():.2f} (1 = a quiet machine)")
    for n in args.sizes:
        wall, steady = throughput(n, args.days)
        print(
            f"{n:>10,d} persons: {wall:12,.0f} person-days/s wall clock, "
            f"{steady:12,.0f} at the median day's pace; "
            f"peak RSS so far {peak_rss_mib():,.0f} MiB",
            flush=True,
        )
    if not args.no_dask:
        dask_scaling(args.dask_persons, args.dask_workers)


if __name__ == "__main__":
    main()
