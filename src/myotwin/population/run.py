"""Population runs: a synthetic population under scenarios, year by year, with uncertainty.

How a run is built (docs/population.md):

- **Persons.** Person i (global id, 0 <= i < `persons`) gets its age band and sex from the
  structure table, its age uniformly within the band, and every other baseline value from the
  ``[population]`` keys (the TRIAL-SPEC population keys), all from streams keyed by
  (seed, draw, person): nothing depends on which block or worker simulates it.
- **Parameter draws.** Person i belongs to draw i mod `draws`; each draw has its own population
  values of every registry parameter. The interval of a yearly outcome is the 2.5-97.5
  percentile range of the draws' means: parameter uncertainty plus the Monte Carlo noise of
  persons/draws persons (more persons make it purely parametric).
- **Scenarios** share persons, draws and random events (common random numbers); they differ
  only in who trains. A person's trajectory under a program is simulated once per run, however
  many scenarios give it to them, and not training is simulated once for everyone.
- **Streaming.** The population is cut into blocks of persons; a block returns integer sums per
  (scenario, outcome, year, draw), never per-person arrays. Levels are summed in fixed point
  (2^-20 of the unit), so sums are exact and the numbers do not depend on block size, order or
  executor. Blocks are folded into the total a batch at a time: memory stays bounded at any
  population size.
- **Closed cohort.** Nobody dies or enters in this version: year y describes the people of
  year 0, y years older.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from myotwin.engine import CHUNK, Block, Executor, SerialExecutor, Simulation
from myotwin.evidence import Registry, registry
from myotwin.inputs import Program
from myotwin.outcomes import lookup
from myotwin.persons import DIABETES, Persons, complete_anthropometry
from myotwin.physiology import reporting_organ
from myotwin.physiology.base import DAYS_PER_YEAR
from myotwin.population.spec import PopulationRunSpec, ProgramShare
from myotwin.population.structure import load_structure
from myotwin.programs import schedule
from myotwin.streams import stream_keys, uniforms
from myotwin.trial.runner import draw_baseline

SCHEMA = "myotwin.population-result/1"
FIXED_POINT = float(2**20)  # levels are summed as integers in units of 2^-20
# WHO 1994 operational definition: osteoporosis is a femoral-neck T-score of -2.5 or lower
# (a definition, not a fitted parameter).
OSTEOPOROSIS_T_SCORE = -2.5
TYPE2 = DIABETES.index("type2")
BLOCK_PERSONS = 20_000
BATCH_BLOCKS = 256  # blocks handed to the executor at a time: bounds the results held, and
# each batch ends with a wait for its slowest block, so batches are large

Progress = Callable[[int], None]


@dataclass(frozen=True)
class PopOutcome:
    name: str
    kind: str  # "prevalence" | "rate" | "proportion" | "mean"
    unit: str
    source: str  # engine outcome it is computed from
    meaning: str


OUTCOMES: tuple[PopOutcome, ...] = (
    PopOutcome(
        "osteoporosis",
        "prevalence",
        "fraction",
        "femoral_neck_t_score",
        "share with a femoral-neck T-score of -2.5 or lower (WHO)",
    ),
    PopOutcome("falls", "rate", "per person-year", "falls", "falls during the year"),
    PopOutcome("fallers", "proportion", "fraction", "falls", "share with a fall in the year"),
    PopOutcome("hip_fractures", "rate", "per person-year", "hip_fractures", "hip fractures"),
    PopOutcome(
        "major_fractures",
        "rate",
        "per person-year",
        "major_fractures",
        "major osteoporotic fractures",
    ),
    PopOutcome("hba1c_type2", "mean", "%", "hba1c", "mean HbA1c among people with type 2 diabetes"),
    PopOutcome(
        "skeletal_muscle_mass", "mean", "kg", "skeletal_muscle_mass", "mean skeletal muscle"
    ),
    PopOutcome("gait_speed", "mean", "m/s", "gait_speed", "mean usual gait speed"),
)
OUTCOME_NAMES = tuple(o.name for o in OUTCOMES)
ENGINE_OUTCOMES = tuple(dict.fromkeys(o.source for o in OUTCOMES))
EVENT_SOURCES = tuple(o.source for o in OUTCOMES if o.kind in ("rate", "proportion"))
LEVEL_SOURCES = tuple(s for s in ENGINE_OUTCOMES if s not in EVENT_SOURCES)


def record_days(years: int) -> list[int]:
    """Mornings of years 0..`years` (day 0 is the start)."""
    return [math.floor(DAYS_PER_YEAR * y + 0.5) for y in range(years + 1)]


# --------------------------------------------------------------------------------------------
# Persons and who trains


def draw_persons(spec: PopulationRunSpec, start: int, stop: int) -> Persons:
    """Persons `start` .. `stop` - 1 of the population (keyed draws: any split gives the same)."""
    structure = load_structure(spec.structure)
    base = spec.population
    pop = base.trial_population()
    ids = np.arange(start, stop, dtype=np.int64)
    rep = ids % spec.draws

    def keys(name: str) -> NDArray[np.uint64]:
        return stream_keys(spec.seed, rep, 0, f"population:{name}")

    stratum = np.searchsorted(structure.cumulative_share, uniforms(keys("stratum"), ids, 0))
    stratum = np.minimum(stratum, len(structure.persons) - 1)
    lo, hi = structure.age_min[stratum], structure.age_max[stratum]

    u = uniforms(keys("diabetes"), ids, 0)
    mix = base.diabetes
    diabetes = np.where(
        u < mix.type2, TYPE2, np.where(u < mix.type2 + mix.prediabetes, 1, 0)
    ).astype(np.int64)

    persons = draw_baseline(
        pop,
        keys,
        ids,
        rep,
        age=lo + (hi - lo) * uniforms(keys("age"), ids, 0),
        female=structure.female[stratum],
        diabetes=diabetes,
        energy_balance=pop.energy_balance,
    )
    # An HbA1c distribution describes the people with type 2 diabetes only.
    persons = persons.replace(hba1c_pct=np.where(diabetes == TYPE2, persons.hba1c_pct, np.nan))
    return complete_anthropometry(persons, registry())


def programs(spec: PopulationRunSpec) -> list[Program]:
    """The distinct programs of the run (a program given to several groups counts once)."""
    found: dict[str, Program] = {}
    for scenario in spec.scenarios:
        for rule in scenario.programs:
            program = rule.resolved()
            found.setdefault(program.model_dump_json(), program)
    return list(found.values())


def _matches(rule: ProgramShare, persons: Persons) -> NDArray[np.bool_]:
    ok = (persons.age_years >= rule.age_min) & (persons.age_years < rule.age_max)
    if rule.sex != "any":
        ok &= persons.female == (rule.sex == "female")
    if rule.diabetes != "any":
        ok &= persons.diabetes == DIABETES.index(rule.diabetes)
    return ok


def assignments(spec: PopulationRunSpec, persons: Persons) -> NDArray[np.int64]:
    """(scenario, person) index into `programs(spec)`, -1 for no training."""
    distinct = [p.model_dump_json() for p in programs(spec)]
    uptake = uniforms(
        stream_keys(spec.seed, persons.replicate, 0, "population:uptake"), persons.ids, 0
    )
    out = np.full((len(spec.scenarios), persons.n), -1, np.int64)
    for s, scenario in enumerate(spec.scenarios):
        for rule in scenario.programs:
            take = (out[s] < 0) & _matches(rule, persons) & (uptake < rule.share)
            out[s][take] = distinct.index(rule.resolved().model_dump_json())
    return out


# --------------------------------------------------------------------------------------------
# One block: simulate, then reduce to integer sums per (scenario, outcome, year, draw)


@dataclass(frozen=True)
class Task:
    spec: PopulationRunSpec
    start: int
    stop: int


@dataclass
class Sums:
    """Integer sums per (scenario, outcome, year, draw) and denominators per (outcome, draw)."""

    totals: NDArray[np.int64]
    counts: NDArray[np.int64]
    persons: int = 0

    @classmethod
    def zeros(cls, scenarios: int, years: int, draws: int) -> Sums:
        return cls(
            np.zeros((scenarios, len(OUTCOMES), years + 1, draws), np.int64),
            np.zeros((len(OUTCOMES), draws), np.int64),
        )

    def add(self, other: Sums) -> None:
        self.totals += other.totals
        self.counts += other.counts
        self.persons += other.persons


def _trajectories(
    persons: Persons, program: Program | None, spec: PopulationRunSpec, reg: Registry
) -> dict[str, NDArray[np.float64]]:
    """Per person: levels on each year's morning (years + 1, n) and events per year (years, n)."""
    days = record_days(spec.years)
    last = days[-1]
    block = Block(persons, schedule(program, last), ENGINE_OUTCOMES, tuple(days), spec.seed, 0)
    sim = Simulation(block, reg)
    states, params = sim.states, sim.params
    organs = {name: reporting_organ(name) for name in ENGINE_OUTCOMES}
    levels = {name: np.empty((spec.years + 1, persons.n)) for name in LEVEL_SOURCES}
    events = {name: np.zeros((spec.years, persons.n)) for name in EVENT_SOURCES}
    year = 0
    for day in range(last + 1):
        if day == days[year]:
            for name in LEVEL_SOURCES:
                organ = organs[name]
                assert organ is not None
                levels[name][year] = organ.outcome(name, states[organ.name], params[organ.name])
            if day == last:
                break
            year += 1
        sim.advance(day)
        for name in EVENT_SOURCES:
            organ = organs[name]
            assert organ is not None and organ.events is not None
            events[name][year - 1] += organ.events(name, states[organ.name], params[organ.name])
    return {**levels, **events}


def _per_person(
    outcome: PopOutcome, traj: dict[str, NDArray[np.float64]], diabetes: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """(year, person) values to sum, as integers, and which persons count."""
    values = traj[outcome.source]
    counted = np.ones(values.shape[1], np.bool_)
    if outcome.kind == "prevalence":
        values = (values <= OSTEOPOROSIS_T_SCORE).astype(np.float64)
    elif outcome.kind == "proportion":
        values = (values > 0).astype(np.float64)
    elif outcome.kind == "mean":
        if outcome.name == "hba1c_type2":
            counted = diabetes == TYPE2
        values = np.rint(np.where(counted, values, 0.0) * FIXED_POINT)
    if outcome.kind in ("rate", "proportion"):  # events of year y sit in row y (row 0: none)
        values = np.vstack([np.zeros((1, values.shape[1])), values])
    return values, counted


def run_task(task: Task) -> Sums:
    """Simulate persons `task.start` .. `task.stop` - 1 under every scenario; integer sums."""
    spec, reg = task.spec, registry()
    distinct = programs(spec)
    draws = spec.draws
    out = Sums.zeros(len(spec.scenarios), spec.years, draws)
    out.persons = task.stop - task.start
    for begin in range(task.start, task.stop, CHUNK):
        persons = draw_persons(spec, begin, min(begin + CHUNK, task.stop))
        assign = assignments(spec, persons)
        draw = persons.replicate
        for o, outcome in enumerate(OUTCOMES):
            counted = persons.diabetes == TYPE2 if outcome.name == "hba1c_type2" else None
            weights = None if counted is None else counted.astype(np.float64)
            out.counts[o] += np.bincount(draw, weights, minlength=draws).astype(np.int64)
        for k in sorted({int(v) for v in np.unique(assign)}):
            who = np.flatnonzero((assign == k).any(axis=0))
            subset = persons.take(who)
            traj = _trajectories(subset, distinct[k] if k >= 0 else None, spec, reg)
            for s in range(len(spec.scenarios)):
                mine = assign[s][who] == k
                if not mine.any():
                    continue
                d = subset.replicate[mine]
                for o, outcome in enumerate(OUTCOMES):
                    values, counted = _per_person(outcome, traj, subset.diabetes)
                    v = values[:, mine]
                    for y in range(spec.years + 1):
                        # Integer-valued doubles below 2^53: bincount sums them exactly.
                        out.totals[s, o, y] += np.rint(
                            np.bincount(d, v[y], minlength=draws)
                        ).astype(np.int64)
    return out


# --------------------------------------------------------------------------------------------
# The run


def tasks(spec: PopulationRunSpec, block_persons: int = BLOCK_PERSONS) -> list[Task]:
    return [
        Task(spec, start, min(start + block_persons, spec.persons))
        for start in range(0, spec.persons, block_persons)
    ]


def _batches(items: list[Task], size: int) -> Iterator[list[Task]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass
class PopulationResult:
    """Yearly population outcomes per scenario with intervals across parameter draws."""

    spec: PopulationRunSpec
    sums: Sums
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_parquet(self, path: str | Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(self.rows)
        meta = {
            b"schema": SCHEMA.encode(),
            b"spec": self.spec.model_dump_json().encode(),
            b"structure_source": load_structure(self.spec.structure).source.encode(),
        }
        pq.write_table(table.replace_schema_metadata(meta), str(path))

    def value(self, scenario: str, outcome: str, year: int) -> dict[str, Any]:
        for row in self.rows:
            if (row["scenario"], row["outcome"], row["year"]) == (scenario, outcome, year):
                return row
        raise KeyError((scenario, outcome, year))


def _interval(per_draw: NDArray[np.float64]) -> tuple[float | None, float | None]:
    ok = per_draw[~np.isnan(per_draw)]
    if ok.size == 0:
        return None, None
    return float(np.percentile(ok, 2.5)), float(np.percentile(ok, 97.5))


def summarise(spec: PopulationRunSpec, sums: Sums) -> list[dict[str, Any]]:
    """Rows (scenario, year, outcome): pooled mean, draw interval, difference vs reference."""
    structure = load_structure(spec.structure)
    ref = spec.reference_index
    rows: list[dict[str, Any]] = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for s, scenario in enumerate(spec.scenarios):
            for o, outcome in enumerate(OUTCOMES):
                scale = FIXED_POINT if outcome.kind == "mean" else 1.0
                counts = sums.counts[o].astype(np.float64)
                for y in range(spec.years + 1):
                    if y == 0 and outcome.kind in ("rate", "proportion"):
                        continue
                    mine = sums.totals[s, o, y].astype(np.float64) / scale
                    base = sums.totals[ref, o, y].astype(np.float64) / scale
                    pooled = float(mine.sum() / counts.sum()) if counts.sum() > 0 else None
                    diff = (
                        float((mine.sum() - base.sum()) / counts.sum())
                        if pooled is not None
                        else None
                    )
                    per_draw = np.where(counts > 0, mine / counts, np.nan)
                    per_draw_diff = np.where(counts > 0, (mine - base) / counts, np.nan)
                    lo, hi = _interval(per_draw)
                    dlo, dhi = _interval(per_draw_diff)
                    in_population = (
                        pooled * structure.total
                        if pooled is not None and outcome.kind != "mean"
                        else None
                    )
                    rows.append(
                        {
                            "scenario": scenario.name,
                            "year": y,
                            "outcome": outcome.name,
                            "kind": outcome.kind,
                            "unit": outcome.unit,
                            "mean": pooled,
                            "lo95": lo,
                            "hi95": hi,
                            "diff_mean": diff if s != ref else 0.0,
                            "diff_lo95": dlo if s != ref else 0.0,
                            "diff_hi95": dhi if s != ref else 0.0,
                            "population_count": in_population,
                            "persons": int(counts.sum()),
                            "draws": spec.draws,
                        }
                    )
    return rows


def run_population(
    spec: PopulationRunSpec,
    executor: Executor | None = None,
    progress: Progress | None = None,
    *,
    block_persons: int = BLOCK_PERSONS,
    batch_blocks: int = BATCH_BLOCKS,
) -> PopulationResult:
    """Run `spec`: blocks of `block_persons` go through `executor` (serial by default), a batch
    at a time, and are folded into integer sums; the numbers do not depend on either size."""
    for name in ENGINE_OUTCOMES:
        lookup(name)
    ex = executor or SerialExecutor()
    total = Sums.zeros(len(spec.scenarios), spec.years, spec.draws)
    for batch in _batches(tasks(spec, block_persons), batch_blocks):
        for part in ex.map(run_task, batch, progress):
            total.add(part)
    return PopulationResult(spec, total, summarise(spec, total))


def block_count(spec: PopulationRunSpec, block_persons: int = BLOCK_PERSONS) -> int:
    return -(-spec.persons // block_persons)
