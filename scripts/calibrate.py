"""Fit the calibrated parameters of the evidence registry to the shipped trial files.

Usage: python scripts/calibrate.py [--check] [--only PREFIX ...]
Writes src/myotwin/data/parameters.toml in place (value and uncertainty of each fitted
parameter); with --check, only prints the fits and exits 1 if the registry is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from myotwin.calibration import calibrate, write_registry
from myotwin.evidence import registry

REGISTRY_FILE = Path(__file__).resolve().parents[1] / "src" / "myotwin" / "data" / "parameters.toml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only, do not write")
    parser.add_argument(
        "--only", nargs="*", default=(), help="fit only parameters starting with these prefixes"
    )
    args = parser.parse_args()
    reg = registry()
    fits = calibrate(reg, args.only)
    stale = False
    for f in fits:
        old = reg[f.target.parameter].value
        stale |= abs(old - f.value) > 1e-3 * max(abs(f.value), 1e-9)
        print(
            f"{f.target.parameter:40s} {old:10.5g} -> {f.value:10.5g}  "
            f"({f.spread.kind} {f.spread.cv or f.spread.sd:.4f})  "
            f"target {f.published:.4g}, model {f.model:.4g}"
        )
    if args.check:
        return 1 if stale else 0
    write_registry(fits, REGISTRY_FILE)
    print(f"wrote {REGISTRY_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
