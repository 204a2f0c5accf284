"""`simulate`: one person, with and without a program, over years, with honest uncertainty.

Each draw is one plausible version of this person: the population parameters drawn once from the
registry's uncertainty, and the person's own response deviations drawn once. Both scenarios share
every draw (common random numbers), so the difference between them is the program's effect and
not noise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import xarray as xr

from myotwin import __version__
from myotwin.engine import Block, Done, Executor, SerialExecutor, modelled, run_block
from myotwin.evidence import registry
from myotwin.inputs import Person, Program, TrainingLog
from myotwin.outcomes import OUTCOMES, lookup
from myotwin.persons import complete_anthropometry, person_arrays
from myotwin.physiology.base import DAYS_PER_YEAR
from myotwin.programs import log_schedule, schedule

SCENARIOS = ("training", "no_training")
DEFAULT_OUTCOMES = ("skeletal_muscle_mass", "lean_mass", "myokine_signal")
# Report points a person asks about: three months, one year, five years, the horizon.
KEY_DAYS = (91, 365, 1826)
DAILY_KINDS = ("level", "rate", "proportion")
DRAWS_PER_BLOCK = 50  # blocks for the executor and the progress bar; numbers do not depend on it


def block_count(draws: int) -> int:
    return len(SCENARIOS) * -(-draws // DRAWS_PER_BLOCK)


@dataclass(frozen=True)
class Summary:
    mean: float
    lo95: float
    hi95: float


def _record_days(days: int, every: int = 30) -> tuple[int, ...]:
    points = set(range(0, days + 1, every)) | {d for d in KEY_DAYS if d <= days} | {days}
    return tuple(sorted(points))


def default_outcomes(program: Program | None) -> tuple[str, ...]:
    """Everything this version models, plus the 1RM of each strength exercise in the program."""
    # Session peaks are per session (`myotwin session` shows them); rates and proportions
    # appear as their expected values (a person's chance, not one draw of events).
    names = [
        n
        for n, o in OUTCOMES.items()
        if o.kind in DAILY_KINDS and modelled(n) and n != "skeletal_muscle_mass"
    ]
    names.insert(0, "skeletal_muscle_mass")
    if program is not None:
        for e in program.exercises:
            name = f"one_rm:{e.exercise}"
            if e.minutes is None and name not in names:
                names.append(name)
    return tuple(names)


def simulate(
    person: Person,
    program: Program | None = None,
    *,
    log: TrainingLog | None = None,
    start: dt.date | None = None,
    years: float = 10.0,
    draws: int = 200,
    seed: int = 0,
    outcomes: tuple[str, ...] | None = None,
    executor: Executor | None = None,
    progress: Done | None = None,
) -> xr.Dataset:
    """Project `person` with `program` (or a logged history) and without; returns a Dataset.

    With both `log` and `program`, the logged sessions come first (day 0 is `start`, default
    the first logged date) and `program` continues after the last of them.

    Variables are outcomes with dims (scenario, draw, day); attrs carry units and inputs.
    """
    if not 1 <= draws <= 10000:
        raise ValueError(f"draws: {draws} is out of range 1..10000")
    if not 0 < years <= 100:
        raise ValueError(f"years: {years} is out of range (0, 100]")
    days = int(np.floor(years * DAYS_PER_YEAR + 0.5))
    names = outcomes or default_outcomes(program)
    for name in names:
        lookup(name)
    names = tuple(n for n in names if modelled(n) and lookup(n).kind in DAILY_KINDS)
    reg = registry()
    persons = complete_anthropometry(person_arrays(person, draws), reg)
    trained = (
        log_schedule(log, start or min(s.date for s in log.sessions), program, days)
        if log is not None
        else schedule(program, days)
    )
    record = _record_days(days)
    # A program's own energy balance (a diet that goes with it) applies to its scenario only.
    on_program = (
        persons.with_intake(program.energy_balance)
        if program is not None and program.energy_balance is not None
        else persons
    )
    blocks = [
        Block(who.take(slice(i, i + DRAWS_PER_BLOCK)), plan, names, record, seed, group=0)
        for who, plan in ((on_program, trained), (persons, schedule(None, days)))
        for i in range(0, draws, DRAWS_PER_BLOCK)
    ]
    results = (executor or SerialExecutor()).map(run_block, blocks, progress)
    per_scenario = len(blocks) // len(SCENARIOS)
    data = {
        name: (
            ("scenario", "draw", "day"),
            np.stack(
                [
                    np.concatenate(
                        [
                            r.levels[name]
                            for r in results[s * per_scenario : (s + 1) * per_scenario]
                        ],
                        axis=1,
                    ).T
                    for s in range(len(SCENARIOS))
                ]
            ),
        )
        for name in names
    }
    ds = xr.Dataset(
        data,
        coords={"scenario": list(SCENARIOS), "draw": np.arange(draws), "day": list(record)},
    )
    for name in names:
        ds[name].attrs["unit"] = lookup(name).unit
    ds.attrs.update(
        {
            "myotwin_version": __version__,
            "seed": seed,
            "draws": draws,
            "years": years,
            "person": person.model_dump_json(),
            "program": program.model_dump_json() if program else "",
            "parameters": ",".join(sorted(set(results[0].parameters))),
        }
    )
    return ds


def summarise(values: np.ndarray) -> Summary:
    """Mean and 2.5th-97.5th percentiles over draws."""
    mean, lo, hi = summarise_columns(values[:, None])
    return Summary(float(mean[0]), float(lo[0]), float(hi[0]))


def summarise_columns(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`summarise` of each column of a (draw, n) array at once: means, 2.5th and 97.5th."""
    # Draws contiguous along the last axis, so each mean is the same pairwise sum as for 1-D.
    rows = np.ascontiguousarray(np.asarray(values, dtype=float).T)
    lo, hi = np.percentile(rows, [2.5, 97.5], axis=-1)
    return np.mean(rows, axis=-1), lo, hi


def summary_table(ds: xr.Dataset) -> dict[str, dict[int, dict[str, Summary]]]:
    """outcome -> day -> {training, no_training, difference} summaries over draws."""
    table: dict[str, dict[int, dict[str, Summary]]] = {}
    days = [int(d) for d in ds["day"].values]
    for name in ds.data_vars:
        trained = ds[name].sel(scenario="training").values  # (draw, day)
        untrained = ds[name].sel(scenario="no_training").values
        # Python floats once per column: indexing numpy arrays element by element is slow.
        columns = {
            key: [c.tolist() for c in summarise_columns(values)]
            for key, values in (
                ("training", trained),
                ("no_training", untrained),
                ("difference", trained - untrained),
            )
        }
        table[str(name)] = {
            day: {key: Summary(mean[i], lo[i], hi[i]) for key, (mean, lo, hi) in columns.items()}
            for i, day in enumerate(days)
        }
    return table
