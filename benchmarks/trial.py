"""Trial throughput: the issue's reference trial and (optionally) all shipped trials.

Usage: python benchmarks/trial.py [--workers 1] [--validate]
Reference: 50 participants x 2 arms x 200 replicates x 35 weeks (LIFTMOR's shape).
--validate also times `myotwin validate` over every shipped trial.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe

from myotwin.calibration import shipped_trial
from myotwin.engine import executor
from myotwin.trial.runner import run_trial
from myotwin.trial.validate import validate


def person_days(spec) -> int:  # type: ignore[no-untyped-def]
    return spec.days * spec.participants_per_arm * spec.replicates * len(spec.arms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--validate", action="store_true")
    args = parser.parse_args()
    run_on = executor("process" if args.workers > 1 else "serial", args.workers)
    print(f"machine: {describe()}; workers: {args.workers}")
    spec = shipped_trial("liftmor")
    start = time.perf_counter()
    run_trial(spec, run_on)
    took = time.perf_counter() - start
    pd = person_days(spec)
    print(
        f"LIFTMOR shape (50 x 2 arms x 200 replicates x 35 wk): {took:.2f} s, "
        f"{pd / took:,.0f} person-days/s"
    )
    if args.validate:
        start = time.perf_counter()
        summary = validate(workers=args.workers)
        took = time.perf_counter() - start
        print(f"validate (all shipped trials): {took:.1f} s; {summary.last_line}")


if __name__ == "__main__":
    main()
