"""What machine a benchmark ran on (printed beside every figure)."""

from __future__ import annotations

import os
import platform
import time
from typing import Any

import numpy as np


def describe() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}; {os.cpu_count()} cores; Python {platform.python_version()}; numpy {np.__version__}"
    )


def disturbance(seconds: float = 2.0) -> float:
    """How much this machine held work back just now: a fixed numpy loop in ~0.5 ms slices,
    its total time over (slices x the median slice). 1.0 on a quiet machine; on a shared
    virtual machine whose vCPUs are paused now and then, well above 1."""
    a = np.linspace(0.0, 1.0, 40_000)
    out = np.empty_like(a)
    slices: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        np.exp(a, out=out)
        slices.append(time.perf_counter() - start)
    return float(sum(slices) / (len(slices) * np.median(slices)))


class DayPace:
    """Times every simulated day (`Simulation.advance`) while active, so a benchmark can give,
    beside its wall-clock figure, the pace of a typical (median) day: what the model does
    when the machine does not pause it."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __enter__(self) -> DayPace:
        from myotwin.engine import Simulation

        self._original = Simulation.advance
        original, seconds = self._original, self.seconds

        def timed(sim: Any, day: int) -> Any:
            start = time.perf_counter()
            result = original(sim, day)
            seconds.append(time.perf_counter() - start)
            return result

        Simulation.advance = timed  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        from myotwin.engine import Simulation

        Simulation.advance = self._original  # type: ignore[method-assign]

    def median(self) -> float:
        return float(np.median(self.seconds))
