"""Side by side with vivarium (IHME) on an equivalent simple model: person-days per second.

The model: each person has a level that decays exponentially (rate 0.01 per day) and events at a
daily probability of 0.001 x (1 + level), from a per-person random stream. vivarium keeps the
state in a pandas table, one component, `on_time_step`, its common-random-number stream;
myotwin's way is a struct of numpy arrays stepped in cache-sized chunks with its keyed streams
(`myotwin.streams`), as the organ models are. Both run the same days, serial, one core.

vivarium is a benchmark-only dependency and is not installed by `make setup`:
    python -m venv .venv-bench && .venv-bench/bin/pip install -e '.[bench]'
    .venv-bench/bin/python benchmarks/vivarium_compare.py [--persons 10000 100000] [--days 30]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _machine import describe

from myotwin.streams import stream_keys, uniforms

DECAY_PER_DAY = 0.01  # benchmark model, not physiology
EVENT_PROBABILITY = 0.001
CHUNK = 4096


def myotwin_style(n: int, days: int) -> tuple[float, float]:
    """(person-days/s, mean events per person) of the numpy struct-of-arrays version."""
    start = time.perf_counter()
    total = 0.0
    decay = np.exp(-DECAY_PER_DAY)
    for begin in range(0, n, CHUNK):
        ids = np.arange(begin, min(begin + CHUNK, n), dtype=np.int64)
        keys = stream_keys(0, np.zeros(ids.shape, np.int64), 0, "events")
        level = np.ones(ids.shape)
        events = np.zeros(ids.shape)
        for day in range(days):
            u = uniforms(keys, ids, day)
            events += u < EVENT_PROBABILITY * (1.0 + level)
            level *= decay
        total += float(events.sum())
    return n * days / (time.perf_counter() - start), total / n


def vivarium_version(n: int, days: int) -> tuple[float, float]:
    import pandas as pd
    from vivarium import Component, InteractiveContext

    class Decay(Component):
        def setup(self, builder: object) -> None:
            self.randomness = builder.randomness.get_stream("events")  # type: ignore[attr-defined]
            builder.population.register_initializer(  # type: ignore[attr-defined]
                initializer=self.initialize, columns=["level", "events"], required_resources=[]
            )

        def initialize(self, pop_data: object) -> None:
            index = pop_data.index  # type: ignore[attr-defined]
            self.population_view.initialize(
                pd.DataFrame({"level": 1.0, "events": 0.0}, index=index)
            )

        def on_time_step(self, event: object) -> None:
            index = event.index  # type: ignore[attr-defined]
            df = self.population_view.get(index, ["level", "events"])
            u = self.randomness.get_draw(index)
            hit = (u < EVENT_PROBABILITY * (1.0 + df["level"])).astype(float)
            new = pd.DataFrame(
                {"level": df["level"] * np.exp(-DECAY_PER_DAY), "events": df["events"] + hit},
                index=df.index,
            )
            self.population_view.update(["level", "events"], lambda _: new)

    logging.disable(logging.INFO)
    try:
        from loguru import logger

        logger.remove()
    except ImportError:
        pass
    sim = InteractiveContext(
        components=[Decay()],
        configuration={"population": {"population_size": n}, "time": {"step_size": 1}},
    )
    start = time.perf_counter()
    sim.take_steps(days)
    rate = n * days / (time.perf_counter() - start)
    events = sim.get_population(["events"])
    return rate, float(np.asarray(events).sum()) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    import vivarium

    print(f"machine: {describe()}; vivarium {vivarium.__version__}")
    print(f"decay + daily events, {args.days} days, serial (one core)")
    for n in args.persons:
        ours, our_events = myotwin_style(n, args.days)
        theirs, their_events = vivarium_version(n, args.days)
        print(
            f"{n:>9,d} persons: myotwin-style numpy {ours:14,.0f} person-days/s; "
            f"vivarium {theirs:12,.0f} person-days/s; ratio {ours / theirs:6.1f}x "
            f"(events per person {our_events:.4f} vs {their_events:.4f})"
        )


if __name__ == "__main__":
    main()
