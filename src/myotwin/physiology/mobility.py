"""Mobility: gait speed, chair rise, balance; falls and the fractures that follow them.

Effect-size model, not a mechanistic one (no open mechanistic fall model suits population
simulation; parameters and sources in the registry, module `mobility`):

- **Function.** Usual gait speed and five-times chair-rise time start from age/sex norms with a
  person's own deviation, decline with age, and scale with lower-body strength relative to the
  person's baseline (from the muscle hub) by fitted exponents (Liu & Latham 2009).
- **Balance** is a z-score against a fixed reference (norms at age 70), falling with age. It
  rises with balance work: minutes of each exercise weighted by its balance demand (balance
  training 1, machines almost 0), smoothed to weekly minutes; the gain approaches a saturating
  target over weeks and fades again without training. Strength adds a little.
- **Falls** are a Poisson process per person: a baseline rate at a reference age x age x sex x
  fall history x a per-person frailty (mean 1; it makes fallers fewer than a uniform rate would)
  x relative risks for the training-driven changes in balance and gait speed. So a program helps
  against falls through balance and function; strength alone moves gait a little and falls
  hardly (Sherrington 2019).
- **Fractures.** The bone model supplies each person's fracture hazards at the population fall
  rate; a fall becomes a hip (or major) fracture with the probability that makes the falls part
  of that hazard come out right, so lower BMD raises the risk per fall. Fractures without a fall
  come at the remaining hazard. The ratio of this person's fall rate to the population's is the
  `fall_rate_ratio` signal the bone model's 10-year risk reads.

Events are drawn per person and day from the person's own keyed stream (seed, replicate, group):
the scenarios of `simulate` share them (group 0), trial arms do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from myotwin import streams
from myotwin.compiled import kernel, pack, per_person, rows
from myotwin.dose import BoolArray, DoseDay, IntArray, SessionPlan
from myotwin.numerics import decay_per_day, exp1, log1
from myotwin.physiology.base import (
    DAYS_PER_YEAR,
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)
from myotwin.streams import uniform1

HIP_FALLS, HIP_OTHER, MAJOR_FALLS, MAJOR_OTHER = range(4)  # rows of the bone hazard signal
EVENT_OUTCOMES = ("falls", "fallers", "hip_fractures", "major_fractures")
LEVEL_OUTCOMES = ("gait_speed", "chair_rise_time", "balance")
# Rows of the per-person constants (`State.fixed`).
AGE0, FEMALE, PERSONAL_RR, FRAILTY = range(4)
# Rows of the daily state matrix (`State.now`): the carried state, today's events and the
# fall-rate ratio emitted after the step.
STIMULUS, GAIN, FALLS, HIP, MAJOR, RATIO = range(6)
NOW_ROWS = 6
# Rows of `_levels`' output (the levels the outcomes read).
GAIT, CHAIR, BALANCE, FALL_RATE, REFERENCE_RATE = range(5)
# What the daily kernel works out (bits of its `wants` argument).
WANTS_FALLS, WANTS_FRACTURES, WANTS_RATIO = 1, 2, 4


@dataclass(frozen=True)
class Params:
    # Function norms (reference age; the person's own deviation is a between-person spread).
    reference_age: Value
    gait_speed_male: Value
    gait_speed_female: Value
    gait_speed_age_slope: Value
    chair_rise_time: Value
    chair_rise_age_slope: Value
    gait_strength_exponent: Value
    chair_strength_exponent: Value
    # Balance.
    balance_offset: Value
    balance_age_slope: Value
    balance_gain_max: Value
    balance_half_minutes: Value
    balance_tau_days: Value
    balance_stimulus_tau_days: Value
    balance_strength_coef: Value
    # Falls.
    fall_rate: Value
    fall_reference_age: Value
    fall_age_coef: Value
    fall_female_rr: Value
    fall_history_rr: Value
    fall_history_prevalence: Value
    fall_frailty_cv: Value
    fall_balance_coef: Value
    fall_gait_coef: Value


ROWS = rows(Params)


_NO_KEYS = np.empty(0, dtype=np.uint64)  # no events drawn
_NO_HAZARDS = np.empty((4, 0))
_NO_SPONTANEOUS = np.empty((2, 0))  # no fractures drawn


@dataclass(frozen=True, eq=False)
class State:
    packed: FloatArray  # the Params of init, packed for kernels (`compiled.pack`)
    # (4, n) per-person constants: age at day 0, female (1/0), the sex x fall history relative
    # risk, the frailty multiplier of the fall rate (mean 1).
    fixed: FloatArray
    strength: FloatArray  # lower-body strength relative to baseline (from the hub)
    # (6, n): smoothed balance-weighted minutes, SD gained from balance work, the events of the
    # day just stepped (falls, hip and major fractures; 0 where not drawn) and the fall-rate
    # ratio after it (NaN where nobody reads it).
    now: FloatArray
    wants: int  # WANTS_* bits: which of events and the ratio the daily kernel works out
    fall_keys: np.ndarray | None  # keyed event streams; None when no event outcome is wanted
    fracture_keys: np.ndarray | None
    ids: np.ndarray
    no_session: BoolArray  # nobody trained: the `done` of days without a session
    hazards: FloatArray | None = None  # (4, n) from the bone model
    # (2, n) daily chances of a hip and a major fracture without a fall, from `hazards` (which
    # the bone model refreshes every few days): worked out when the hazards change.
    spontaneous: FloatArray | None = None
    day: int = 0

    @property
    def age0(self) -> FloatArray:
        return self.fixed[AGE0]

    @property
    def female(self) -> FloatArray:
        return self.fixed[FEMALE]

    @property
    def stimulus(self) -> FloatArray:
        return self.now[STIMULUS]

    @property
    def balance_gain(self) -> FloatArray:
        return self.now[GAIN]


def init(ctx: Context, p: Params, signals: Signals) -> State:
    persons = ctx.persons
    n = persons.n
    # Fall history relative to the population's mix, so that the base rate is that of people of
    # the reference age whatever the history risk ratio drawn.
    history_mix = 1.0 + p.fall_history_prevalence * (p.fall_history_rr - 1.0)
    history = np.where(persons.fell_last_year, p.fall_history_rr, 1.0) / history_mix
    personal_rr = history * np.where(persons.female, p.fall_female_rr, 1.0)
    # Gamma frailty with mean 1 (fall counts are negative binomial), keyed per person: a
    # person's trait, not a parameter draw. Wilson-Hilferty's cube of a normal approximates
    # the gamma quantile closely for the spreads that fit falls data.
    z = streams.normals(
        streams.stream_keys(ctx.seed, persons.replicate, ctx.group, "mobility:frailty"),
        persons.ids,
        0,
    )
    cv = p.fall_frailty_cv
    frailty = np.maximum(1.0 - np.square(cv) / 9.0 + z * cv / 3.0, 0.0) ** 3
    wants_events = any(o in EVENT_OUTCOMES for o in ctx.outcomes)
    fractures = any(o in ("hip_fractures", "major_fractures") for o in ctx.outcomes)
    wants = (
        (WANTS_FALLS if wants_events else 0)
        | (WANTS_FRACTURES if fractures else 0)
        | (WANTS_RATIO if "fall_rate_ratio" in ctx.signals else 0)
    )

    def keys(name: str) -> np.ndarray:
        return streams.stream_keys(ctx.seed, persons.replicate, ctx.group, f"mobility:{name}")

    fixed = np.array(
        [
            per_person(persons.age_years, n),
            per_person(persons.female.astype(np.float64), n),
            per_person(personal_rr, n),
            per_person(frailty, n),
        ]
    )
    packed = pack(p, n)
    strength = np.ones(n)
    now = np.zeros((NOW_ROWS, n))
    now[RATIO] = _ratios(packed, fixed, strength, now[GAIN], 0)
    return State(
        packed=packed,
        fixed=fixed,
        strength=strength,
        now=now,
        wants=wants,
        fall_keys=keys("falls") if wants_events else None,
        fracture_keys=keys("fractures") if fractures else None,
        ids=persons.ids,
        no_session=np.zeros(n, dtype=np.bool_),
        hazards=signals.get("fracture_hazards"),
    )


@kernel
def _untrained_gait_speed(packed: FloatArray, i: int, female: float, age: float) -> float:
    female_norm, male_norm = packed[ROWS.gait_speed_female, i], packed[ROWS.gait_speed_male, i]
    norm = female_norm if female != 0.0 else male_norm  # both loaded: no load under a branch
    speed: float = norm - packed[ROWS.gait_speed_age_slope, i] * (
        age - packed[ROWS.reference_age, i]
    )
    return speed if not speed < 0.0 else 0.0  # NaN passes, as with np.maximum


@kernel
def _strength_terms(packed: FloatArray, i: int, strength: float) -> tuple[float, float]:
    """log(strength) and strength to the gait exponent: what strength does to balance and gait."""
    log_strength = log1(strength)
    return log_strength, exp1(packed[ROWS.gait_strength_exponent, i] * log_strength)


@kernel
def _rates(
    packed: FloatArray,
    fixed: FloatArray,
    i: int,
    age: float,
    log_strength: float,
    strength_gait: float,
    gain: float,
) -> tuple[float, float]:
    """Expected falls per person-year today, and the reference rate: the mean fall rate of
    untrained people of this age and sex (fall history at its prevalence), the rate the bone
    model's fracture incidences come with. Strength enters as its log and as its power for gait
    (`_strength_terms`), worked out once per person and day."""
    base = packed[ROWS.fall_rate, i] * exp1(
        packed[ROWS.fall_age_coef, i] * (age - packed[ROWS.fall_reference_age, i])
    )
    female = fixed[FEMALE, i]
    balance_gain = packed[ROWS.balance_strength_coef, i] * log_strength + gain
    untrained = _untrained_gait_speed(packed, i, female, age)
    gait_gain = untrained * (strength_gait - 1.0)
    risk = exp1(
        -packed[ROWS.fall_balance_coef, i] * balance_gain
        - packed[ROWS.fall_gait_coef, i] * gait_gain
    )
    rate: float = base * fixed[PERSONAL_RR, i] * fixed[FRAILTY, i] * risk
    female_rr = packed[ROWS.fall_female_rr, i]
    reference: float = base * (female_rr if female != 0.0 else 1.0)
    return rate, reference


@kernel
def _ratios(
    packed: FloatArray, fixed: FloatArray, strength: FloatArray, gain: FloatArray, day: int
) -> FloatArray:
    """The `fall_rate_ratio` signal: each person's fall rate over the reference rate."""
    n = strength.shape[0]
    out = np.empty(n)
    for i in range(n):
        age = fixed[AGE0, i] + day / DAYS_PER_YEAR
        log_s, gait_s = _strength_terms(packed, i, strength[i])
        rate, reference = _rates(packed, fixed, i, age, log_s, gait_s, gain[i])
        out[i] = rate / reference
    return out


@kernel
def _levels(
    packed: FloatArray, fixed: FloatArray, strength: FloatArray, gain: FloatArray, day: int
) -> FloatArray:
    """(5, n): gait speed, chair-rise time, balance, the fall rate and the reference rate."""
    n = strength.shape[0]
    out = np.empty((5, n))
    for i in range(n):
        age = fixed[AGE0, i] + day / DAYS_PER_YEAR
        s = strength[i]
        years = age - packed[ROWS.reference_age, i]
        gait = _untrained_gait_speed(packed, i, fixed[FEMALE, i], age)
        log_s, gait_s = _strength_terms(packed, i, s)
        out[GAIT, i] = gait * gait_s
        chair = packed[ROWS.chair_rise_time, i] + packed[ROWS.chair_rise_age_slope, i] * years
        chair = chair if not chair < 0.0 else 0.0
        out[CHAIR, i] = chair * s ** (-packed[ROWS.chair_strength_exponent, i])
        ageing = -packed[ROWS.balance_age_slope, i] * years
        out[BALANCE, i] = (
            packed[ROWS.balance_offset, i]
            + ageing
            + gain[i]
            + packed[ROWS.balance_strength_coef, i] * log_s
        )
        rates = _rates(packed, fixed, i, age, log_s, gait_s, gain[i])
        out[FALL_RATE, i], out[REFERENCE_RATE, i] = rates
    return out


def _level(s: State, p: Params, row: int) -> FloatArray:
    levels: FloatArray = _levels(s.packed, s.fixed, s.strength, s.balance_gain, s.day)
    return levels[row]


def gait_speed(s: State, p: Params) -> FloatArray:
    return _level(s, p, GAIT)


def chair_rise_time(s: State, p: Params) -> FloatArray:
    return _level(s, p, CHAIR)


def balance(s: State, p: Params) -> FloatArray:
    return _level(s, p, BALANCE)


def fall_rate(s: State, p: Params) -> FloatArray:
    """Expected falls per person-year today."""
    return _level(s, p, FALL_RATE)


@lru_cache(maxsize=256)  # per plan (hashed by identity: plans are immutable)
def _balance_minutes(plan: SessionPlan) -> float:
    """Balance-weighted minutes of a session for those who do it."""
    return float(np.sum(plan.entry_minutes * plan.balance_demand))


@kernel
def _day(
    packed: FloatArray,
    fixed: FloatArray,
    strength: FloatArray,
    old: FloatArray,
    session: float,
    done: BoolArray,
    hazards: FloatArray,
    spontaneous: FloatArray,
    fall_keys: streams.UIntArray,
    fracture_keys: streams.UIntArray,
    ids: IntArray,
    day: int,
    wants: int,
) -> FloatArray:
    """One day for every person: balance stimulus and gain; today's falls (chance from the rate
    with yesterday's gain) and fractures (after a fall with the chance that turns the
    population's fall rate into the falls part of the bone hazard; otherwise at the remaining
    hazard); the fall-rate ratio after the step. Returns the new `State.now`. Events are drawn
    here, from each person's keyed streams (`uniform1`): the same numbers as `streams.uniforms`
    without three arrays a day."""
    # One loop per part, each without branches inside: loops like that vectorize.
    n = strength.shape[0]
    new = np.zeros((NOW_ROWS, n))
    for i in range(n):
        decay = decay_per_day(packed[ROWS.balance_stimulus_tau_days, i])
        stimulus = old[STIMULUS, i] * decay + session * done[i]
        weekly = 7.0 * (1.0 - decay) * stimulus
        target = (
            packed[ROWS.balance_gain_max, i]
            * weekly
            / (weekly + packed[ROWS.balance_half_minutes, i])
        )
        gain = old[GAIN, i]
        new[STIMULUS, i] = stimulus
        new[GAIN, i] = gain + (target - gain) / packed[ROWS.balance_tau_days, i]

    if wants & WANTS_FALLS:  # with yesterday's gain and today's strength
        reference = np.empty(n)
        for i in range(n):
            age = fixed[AGE0, i] + day / DAYS_PER_YEAR
            log_s, gait_s = _strength_terms(packed, i, strength[i])
            rate, reference[i] = _rates(packed, fixed, i, age, log_s, gait_s, old[GAIN, i])
            u_fall = uniform1(fall_keys[i], ids[i], day)
            new[FALLS, i] = 1.0 if u_fall < 1.0 - exp1(-rate / DAYS_PER_YEAR) else 0.0
        if wants & WANTS_FRACTURES:
            for i in range(n):
                key, falls = fracture_keys[i], new[FALLS, i]
                u_hip = uniform1(key, ids[i], 2 * day)  # hip even, major odd
                chance = _fracture_chance(hazards[HIP_FALLS, i], reference[i], falls)
                new[HIP, i] = 1.0 if u_hip < chance + (1.0 - falls) * spontaneous[0, i] else 0.0
                u_major = uniform1(key, ids[i], 2 * day + 1)
                chance = _fracture_chance(hazards[MAJOR_FALLS, i], reference[i], falls)
                new[MAJOR, i] = 1.0 if u_major < chance + (1.0 - falls) * spontaneous[1, i] else 0.0

    if wants & WANTS_RATIO:  # read by the bone model after the step
        for i in range(n):
            age = fixed[AGE0, i] + (day + 1) / DAYS_PER_YEAR
            log_s, gait_s = _strength_terms(packed, i, strength[i])
            rate, reference_rate = _rates(packed, fixed, i, age, log_s, gait_s, new[GAIN, i])
            new[RATIO, i] = rate / reference_rate
    else:
        new[RATIO] = np.nan
    return new


@kernel
def _fracture_chance(hazard_after_falls: float, reference_rate: float, falls: float) -> float:
    """Today's chance of a fracture through a fall: `falls` (0 or 1) times the chance per fall
    that turns the reference fall rate into the fracture hazard after falls (at most 1)."""
    per_fall = hazard_after_falls / reference_rate
    per_fall = per_fall if not per_fall > 1.0 else 1.0  # NaN passes
    return falls * per_fall


@kernel
def _spontaneous(hazards: FloatArray) -> FloatArray:
    """(2, n): the daily chances of a hip and a major fracture without a fall."""
    n = hazards.shape[1]
    out = np.empty((2, n))
    for i in range(n):
        out[0, i] = 1.0 - np.exp(-hazards[HIP_OTHER, i] / DAYS_PER_YEAR)
        out[1, i] = 1.0 - np.exp(-hazards[MAJOR_OTHER, i] / DAYS_PER_YEAR)
    return out


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    strength = signals.get("lower_body_strength", s.strength)
    hazards = signals.get("fracture_hazards", s.hazards)
    session, done = 0.0, s.no_session  # adding nobody's 0 minutes keeps the stimulus as is
    if dose is not None and dose.plan is not None:
        session, done = _balance_minutes(dose.plan), dose.done
    wants = s.wants
    fall_keys = fracture_keys = _NO_KEYS
    spontaneous = s.spontaneous if s.spontaneous is not None else _NO_SPONTANEOUS
    if s.fall_keys is not None:
        fall_keys = s.fall_keys
        if s.fracture_keys is not None and hazards is not None:
            fracture_keys = s.fracture_keys
            if hazards is not s.hazards or s.spontaneous is None:  # a refresh: a new array
                spontaneous = _spontaneous(hazards)
        else:
            wants &= ~WANTS_FRACTURES
    now = _day(
        s.packed,
        s.fixed,
        strength,
        s.now,
        session,
        done,
        _NO_HAZARDS if hazards is None else hazards,
        spontaneous,
        fall_keys,
        fracture_keys,
        s.ids,
        day,
        wants,
    )
    return evolve(
        s, strength=strength, hazards=hazards, spontaneous=spontaneous, now=now, day=day + 1
    )


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    if "fall_rate_ratio" in wanted:
        if s.wants & WANTS_RATIO:
            return {"fall_rate_ratio": s.now[RATIO]}
        return {"fall_rate_ratio": _ratios(s.packed, s.fixed, s.strength, s.balance_gain, s.day)}
    return {}


def outcome(name: str, s: State, p: Params) -> FloatArray:
    """Levels; for falls the expected rate per person-year, for fallers the chance of at least
    one fall within a year at today's rate (trials count drawn events instead)."""
    if name == "gait_speed":
        return gait_speed(s, p)
    if name == "chair_rise_time":
        return chair_rise_time(s, p)
    if name == "balance":
        return balance(s, p)
    if name == "falls":
        return fall_rate(s, p)
    if name == "fallers":
        return 1.0 - np.exp(-fall_rate(s, p))
    if name in ("hip_fractures", "major_fractures"):
        if s.hazards is None:
            raise KeyError(f"{name}: no fracture hazards from the bone model")
        which = (HIP_FALLS, HIP_OTHER) if name == "hip_fractures" else (MAJOR_FALLS, MAJOR_OTHER)
        levels = _levels(s.packed, s.fixed, s.strength, s.balance_gain, s.day)
        ratio = levels[FALL_RATE] / levels[REFERENCE_RATE]
        expected: FloatArray = s.hazards[which[0]] * ratio + s.hazards[which[1]]
        return expected
    raise KeyError(name)


def events(name: str, s: State, p: Params) -> FloatArray:
    """Events of the day just stepped (falls count for `fallers` too; 0 where not drawn)."""
    if name == "falls" or name == "fallers":
        return s.now[FALLS]
    if name == "hip_fractures":
        return s.now[HIP]
    if name == "major_fractures":
        return s.now[MAJOR]
    raise KeyError(name)


def reports(name: str) -> bool:
    return name in LEVEL_OUTCOMES or name in EVENT_OUTCOMES


MODEL: OrganModel[Params, State] = OrganModel(
    name="mobility",
    params_type=Params,
    reads=("lower_body_strength", "fracture_hazards"),
    writes=("fall_rate_ratio",),
    reports=reports,
    init=init,
    step=step,
    emit=emit,
    outcome=outcome,
    events=events,
    effect_parameters={
        "gait_speed": ("mobility.gait_strength_exponent",),
        "chair_rise_time": ("mobility.chair_strength_exponent",),
        "balance": ("mobility.balance_gain_max",),
        "falls": ("mobility.fall_balance_coef", "mobility.balance_gain_max"),
        "fallers": ("mobility.fall_balance_coef", "mobility.balance_gain_max"),
        "hip_fractures": ("mobility.fall_balance_coef", "bone.hip_rr_per_sd"),
        "major_fractures": ("mobility.fall_balance_coef", "bone.major_rr_per_sd"),
    },
)
