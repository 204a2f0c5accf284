"""Engine throughput: person-days per second of the daily model, serial, one core.

Usage: python benchmarks/engine.py [--days 365] [--sizes 1 50 1000 100000] [--organs ...]
Runs the machine circuit template (3 sessions a week) over `days` for blocks of each size,
every outcome the model has wanted (so every organ steps), and prints person-days per second:
the best wall-clock run of a few, and the pace of a median day (what the model does while the
machine does not pause it), with the machine and how disturbed it was.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import DayPace, describe, disturbance

from myotwin.engine import Block, needed_organs, run_block
from myotwin.evidence import registry
from myotwin.inputs import Person
from myotwin.outcomes import OUTCOMES
from myotwin.persons import complete_anthropometry, person_arrays
from myotwin.physiology import ORGANS, reporting_organ
from myotwin.programs import schedule, template

REPEATS = 3


def outcomes_of(organs: list[str]) -> tuple[str, ...]:
    """Every outcome reported by one of `organs` (the engine steps what they need besides)."""
    found = []
    for o in OUTCOMES:
        organ = reporting_organ(o)
        if organ is not None and organ.name in organs:
            found.append(o)
    return tuple(found)


def throughput(n: int, days: int, outcomes: tuple[str, ...]) -> tuple[float, float]:
    """(best wall-clock, median-day pace) in person-days per second."""
    person = Person(age_years=65, sex="female", height_cm=165, weight_kg=70)
    persons = complete_anthropometry(person_arrays(person, n), registry())
    plan = schedule(template("machine_circuit_older"), days)
    block = Block(persons, plan, outcomes, (0, days), 0, 0)
    run_block(Block(persons.take(slice(0, 1)), plan, outcomes, (0, 5), 0, 0))  # load kernels
    best = float("inf")
    with DayPace() as pace:
        for _ in range(REPEATS):  # best of a few: this shared machine's timings are noisy
            start = time.perf_counter()
            run_block(block)
            best = min(best, time.perf_counter() - start)
    steps_per_run = len(pace.seconds) / REPEATS  # days x chunks of persons
    return n * days / best, n * days / (pace.median() * steps_per_run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 50, 1000, 100_000])
    parser.add_argument(
        "--organs", nargs="+", default=None, help="outcomes of these organs only (default: all)"
    )
    args = parser.parse_args()
    outcomes = outcomes_of(args.organs or list(ORGANS))
    stepped = [m.name for m in needed_organs(list(ORGANS.values()), outcomes)]
    print(f"machine: {describe()}")
    print(f"organs stepped: {', '.join(stepped)}; {args.days} days; serial (one core)")
    print(f"disturbance before: {disturbance():.2f} (1 = a quiet machine)")
    for n in args.sizes:
        wall, steady = throughput(n, args.days, outcomes)
        print(
            f"{n:>9,d} persons: {wall:14,.0f} person-days/s wall clock (best of {REPEATS}); "
            f"{steady:14,.0f} at the median day's pace",
            flush=True,
        )
    print(f"disturbance after: {disturbance():.2f}")


if __name__ == "__main__":
    main()
