"""The organ-model interface shared by every system, and parameter drawing from the registry.

Each organ is an `OrganModel`: a frozen `Params` dataclass whose fields are registry names, a
`State` of arrays over persons, `init` and a pure `step`, the signals it reads and writes, and the
outcomes it reports. The engine orders organs by the signal graph; adding an organ is a module
and a line in `physiology.ORGANS`, never an engine change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from myotwin import streams
from myotwin.dose import DoseDay, Schedule
from myotwin.evidence import Registry
from myotwin.persons import Persons

FloatArray = NDArray[np.float64]
Value = float | FloatArray

DAYS_PER_YEAR = 365.25  # the calendar's mean year (a definition, not physiology)
Signals = dict[str, FloatArray]

P = TypeVar("P")
S = TypeVar("S")


@dataclass(frozen=True)
class Draw:
    """Where parameter values come from for one block of persons.

    `replicate` per person selects the population value (drawn once per replicate, shared by all
    arms); the between-person deviation is keyed by (seed, replicate, group, person).
    """

    registry: Registry
    seed: int
    group: int
    persons: Persons
    central: bool = False  # population values at their centre (calibration); persons still vary
    typical: bool = False  # also no between-person deviation: the median person (displays)


def draw_params(module: str, cls: type[P], draw: Draw) -> P:
    """Build `cls` (a frozen dataclass) from registry entries `module.<field>`."""
    persons = draw.persons
    reps, inverse = np.unique(persons.replicate, return_inverse=True)
    values: dict[str, Value] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        p = draw.registry[f"{module}.{f.name}"]
        value: Value = p.value
        if not p.uncertainty.is_fixed and not draw.central:
            keys = streams.stream_keys(draw.seed, reps, 0, f"param:{p.key}")
            z = streams.normals(keys, np.zeros(reps.shape, np.int64), 0)
            per_rep = np.asarray(p.uncertainty.apply(p.value, z), dtype=np.float64)
            value = per_rep[inverse] if len(reps) > 1 else float(np.asarray(per_rep)[0])
        if not p.between_person.is_fixed and not draw.typical:
            keys = streams.stream_keys(draw.seed, persons.replicate, draw.group, f"person:{p.key}")
            z = streams.normals(keys, persons.ids, 0)
            value = np.asarray(p.between_person.apply(value, z), dtype=np.float64)
        values[f.name] = value
    return cls(**values)


T = TypeVar("T")


def evolve(obj: T, **changes: Any) -> T:
    """`dataclasses.replace` for the organs' frozen `State` dataclasses, about ten times cheaper
    on the daily hot path: the new instance gets the old one's attribute dict with `changes`,
    without running `__init__` again (those classes have no `__post_init__` and no init=False
    fields). The same objects go in, so the same numbers come out."""
    d = obj.__dict__
    if not changes.keys() <= d.keys():
        raise TypeError(f"{type(obj).__name__} has no field {sorted(changes.keys() - d.keys())}")
    new = object.__new__(type(obj))
    nd = new.__dict__
    nd.update(d)
    nd.update(changes)
    return new


def used_parameters(module: str, cls: type[Any]) -> list[str]:
    return [f"{module}.{f.name}" for f in dataclasses.fields(cls)]


@dataclass(frozen=True)
class Context:
    """What an organ may know at init: who, what training, which outcomes and signals are
    wanted (an organ whose outputs nobody wants may skip its daily work)."""

    persons: Persons
    schedule: Schedule
    outcomes: tuple[str, ...]
    registry: Registry
    seed: int = 0  # with `group`, keys the organ's own random events (Draw has the same pair)
    group: int = 0
    signals: frozenset[str] = frozenset()  # signals some organ reads
    # The first day whose session peaks are read (the engine averages the last week's): an
    # organ may skip its peak work before it.
    peaks_from: int = 0


@dataclass(frozen=True)
class OrganModel(Generic[P, S]):
    name: str
    params_type: type[P]
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    reports: Callable[[str], bool]  # does this organ report outcome `name`?
    init: Callable[[Context, P, Signals], S]
    step: Callable[[S, Signals, DoseDay | None, P, int], S]
    emit: Callable[[S, P, frozenset[str]], Mapping[str, FloatArray]]  # only the wanted signals
    outcome: Callable[[str, S, P], FloatArray]  # a level; for a peak outcome its resting value
    # For `peak` outcomes: the highest concentration of the session done on the day just
    # stepped, NaN for persons without one.
    session_peak: Callable[[str, S, P], FloatArray] | None = None
    # For `rate` and `proportion` outcomes: the events of the day just stepped, per person
    # (`outcome` gives their expected rate per person-year, or the chance of one within a year).
    events: Callable[[str, S, P], FloatArray] | None = None
    # outcome -> the registry parameters that size the training effect on it: their certainty
    # is the certainty of that effect wherever it is shown.
    effect_parameters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Registry modules read outside `Params` (whole modules, e.g. a sub-model's parameter sets):
    # listed so that sources and the registry checks see them.
    extra_modules: tuple[str, ...] = ()

    def params(self, draw: Draw) -> P:
        return draw_params(self.name, self.params_type, draw)

    @property
    def parameter_keys(self) -> list[str]:
        from myotwin.evidence import registry

        extra = [p.key for m in self.extra_modules for p in registry().module(m).values()]
        return used_parameters(self.name, self.params_type) + extra
