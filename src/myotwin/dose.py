"""Dose: programs and logs become per-day, per-person training signals.

A `Schedule` says which session plan falls on which day; `SessionPlan` holds the session's
exercise entries as small arrays (one element per entry) with the catalogue's properties, so
organ models can work on them without looking anything up. Whether a participant actually did a
planned session is drawn from that participant's own keyed stream (TRIAL-SPEC "Time").
What depends on the body's state that day (relative intensity of a load given in kg, absolute
load of a load given as a fraction of 1RM) is worked out by the muscle hub, which owns strength.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from myotwin import streams
from myotwin.catalogue import CATALOGUE, PATTERNS, REGIONS
from myotwin.inputs import DEFAULT_REST_SECONDS, SET_MINUTES

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class LoadKind(IntEnum):
    NONE = 0  # duration entries
    ONE_RM_FRACTION = 1
    RPE = 2
    RIR = 3
    KG = 4
    BODYWEIGHT = 5


@dataclass(frozen=True)
class Entry:
    """One exercise entry of a session, as prescribed or as logged."""

    exercise: str
    sets: int = 0
    reps: int = 0
    load_kind: LoadKind = LoadKind.NONE
    load_value: float = 0.0
    minutes: float = 0.0
    rest_seconds: float = DEFAULT_REST_SECONDS  # between sets (strength entries)


@dataclass(frozen=True, eq=False)
class SessionPlan:
    """A session's entries as arrays over entries (length E)."""

    entries: tuple[Entry, ...]
    minutes: float
    exercise_ids: tuple[str, ...] = field(init=False)
    pattern: IntArray = field(init=False)
    region: IntArray = field(init=False)
    single_joint: BoolArray = field(init=False)
    sets: FloatArray = field(init=False)
    reps: FloatArray = field(init=False)
    load_kind: IntArray = field(init=False)
    load_value: FloatArray = field(init=False)
    duration_minutes: FloatArray = field(init=False)
    rest_seconds: FloatArray = field(init=False)
    spine_load: FloatArray = field(init=False)
    hip_load: FloatArray = field(init=False)
    impact: FloatArray = field(init=False)
    balance_demand: FloatArray = field(init=False)
    body_mass_fraction: FloatArray = field(init=False)
    met: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        exercises = [CATALOGUE.get(e.exercise) for e in self.entries]

        def put(name: str, values: Iterable[float | int | bool], dtype: type) -> None:
            object.__setattr__(self, name, np.array(list(values), dtype=dtype))

        object.__setattr__(self, "exercise_ids", tuple(e.exercise for e in self.entries))
        put("pattern", (PATTERNS.index(x.pattern) for x in exercises), np.int64)
        put("region", (REGIONS.index(x.region) for x in exercises), np.int64)
        put("single_joint", (x.joints == "single" for x in exercises), np.bool_)
        put("sets", (e.sets for e in self.entries), np.float64)
        put("reps", (e.reps for e in self.entries), np.float64)
        put("load_kind", (int(e.load_kind) for e in self.entries), np.int64)
        put("load_value", (e.load_value for e in self.entries), np.float64)
        put("duration_minutes", (e.minutes for e in self.entries), np.float64)
        put("rest_seconds", (e.rest_seconds for e in self.entries), np.float64)
        put("spine_load", (x.spine_load for x in exercises), np.float64)
        put("hip_load", (x.hip_load for x in exercises), np.float64)
        put("impact", (x.impact for x in exercises), np.float64)
        put("balance_demand", (x.balance_demand for x in exercises), np.float64)
        put("body_mass_fraction", (x.body_mass_fraction for x in exercises), np.float64)
        put("met", (x.met for x in exercises), np.float64)

    # Worked out once per plan: organs ask for them on every session day.
    @cached_property
    def strength(self) -> BoolArray:
        return self.load_kind != LoadKind.NONE

    @cached_property
    def entry_minutes(self) -> FloatArray:
        """Minutes of each entry: sets x SET_MINUTES for strength work, else its duration."""
        return np.where(self.strength, self.sets * SET_MINUTES, self.duration_minutes)

    @cached_property
    def has_strength(self) -> bool:
        return bool(self.strength.any())

    @cached_property
    def mean_rest_seconds(self) -> float:
        """Rest between sets averaged over the session's strength sets (default: none)."""
        sets = np.where(self.strength, self.sets, 0.0)
        if not sets.sum() > 0:
            return DEFAULT_REST_SECONDS
        return float(np.sum(sets * self.rest_seconds) / sets.sum())


@dataclass(frozen=True, eq=False)
class Schedule:
    """Which plan falls on which day, and how likely a planned session is to be done.

    `plans[i]` is the plan of planned session day `days[i]`; `progression[i]` multiplies loads
    given in kg on that day. Logged sessions have adherence 1 (they were done).
    """

    days: IntArray
    plans: tuple[SessionPlan, ...]
    progression: FloatArray
    adherence: float = 1.0
    # Sessions before this day were logged (done by everyone); `adherence` applies from it on.
    logged_until: int = 0
    _by_day: dict[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_day", {int(d): i for i, d in enumerate(self.days)})

    @classmethod
    def none(cls) -> Schedule:
        return cls(np.zeros(0, np.int64), (), np.zeros(0))

    def session_index(self, day: int) -> int | None:
        return self._by_day.get(day)

    @property
    def patterns(self) -> frozenset[int]:
        return frozenset(int(p) for plan in self.plans for p in plan.pattern)


def planned_days(sessions_per_week: float, train_days: int) -> IntArray:
    """Day of the k-th planned session: floor(k * 7 / sessions_per_week), before train_days."""
    if sessions_per_week <= 0 or train_days <= 0:
        return np.zeros(0, np.int64)
    count = math.ceil(train_days * sessions_per_week / 7.0) + 1
    days = np.floor(np.arange(count) * 7.0 / sessions_per_week).astype(np.int64)
    return np.unique(days[days < train_days])


def program_schedule(
    plan: SessionPlan,
    sessions_per_week: float,
    train_days: int,
    adherence: float,
    load_percent_per_week: float = 0.0,
) -> Schedule:
    days = planned_days(sessions_per_week, train_days)
    progression = 1.0 + load_percent_per_week / 100.0 * np.floor(days / 7.0)
    return Schedule(days, tuple(plan for _ in days), progression, adherence)


@dataclass(frozen=True)
class DoseDay:
    """What the training does to each person on one day: the plan (or None) and who did it."""

    plan: SessionPlan | None
    done: BoolArray
    progression: float = 1.0


def done_mask(
    schedule: Schedule, day: int, stream: streams.UIntArray, persons: IntArray
) -> BoolArray:
    """Who did the session planned for `day`; each skips with probability 1 - adherence."""
    if schedule.adherence >= 1.0 or day < schedule.logged_until:
        return np.ones(persons.shape, dtype=np.bool_)
    return streams.uniforms(stream, persons, day) < schedule.adherence


def dose_day(
    schedule: Schedule, day: int, stream: streams.UIntArray, persons: IntArray
) -> DoseDay | None:
    i = schedule.session_index(day)
    if i is None:
        return None
    return DoseDay(
        schedule.plans[i], done_mask(schedule, day, stream, persons), float(schedule.progression[i])
    )
