"""Fit the daily glucose surrogate to the minute meal model and write its coefficients.

Usage: python scripts/fit_glucose.py [--grid K]
Writes src/myotwin/data/glucose_surrogate.toml (coefficients, input ranges, and the largest
error against the minute model on 200 random check points per status). Rerun it whenever a
`glucose_meal.*` parameter or the standard day changes; tests/test_glucose.py checks the bound.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from myotwin.evidence import registry
from myotwin.physiology import glucose_day as gd

OUT = Path(__file__).resolve().parents[1] / "src" / "myotwin" / "data" / gd.SURROGATE_FILE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=9, help="levels per continuous input")
    args = parser.parse_args()
    reg = registry()
    lines = [
        "# Daily glucose surrogate: written by scripts/fit_glucose.py; do not edit by hand.",
        "# Per status: least-squares polynomial (glucose_day.features) of the minute model's",
        "# periodic standard day; inputs are clipped to the ranges. max_error_*: largest absolute",
        "# error (mg/dL) against the minute model on 200 random check points.",
    ]
    for status in gd.STATUSES:
        start = time.perf_counter()
        f = gd.fit_status(reg, status, args.grid)
        print(
            f"{status}: max error mean {f.max_error_mean:.2f} mg/dL, "
            f"fasting {f.max_error_fasting:.2f} mg/dL ({time.perf_counter() - start:.0f} s)"
        )
        lines += [
            "",
            f"[{status}]",
            f"gb_range = [{f.gb_range[0]}, {f.gb_range[1]}]",
            f"m_range = [{f.m_range[0]}, {f.m_range[1]}]",
            f"dose_max = {f.dose_max}",
            f"max_error_mean = {f.max_error_mean:.4f}",
            f"max_error_fasting = {f.max_error_fasting:.4f}",
            "mean = [" + ", ".join(f"{c:.10g}" for c in f.mean) + "]",
            "fasting = [" + ", ".join(f"{c:.10g}" for c in f.fasting) + "]",
        ]
    OUT.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
