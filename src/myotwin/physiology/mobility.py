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

import numpy as np

from myotwin import streams
from myotwin.compiled import kernel, pack, rows
from myotwin.dose import DoseDay, LoadKind
from myotwin.inputs import SET_MINUTES
from myotwin.physiology.base import (
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)

DAYS_PER_YEAR = 365.25  # calendar definition, not physiology
HIP_FALLS, HIP_OTHER, MAJOR_FALLS, MAJOR_OTHER = range(4)  # rows of the bone hazard signal
EVENT_OUTCOMES = ("falls", "fallers", "hip_fractures", "major_fractures")
LEVEL_OUTCOMES = ("gait_speed", "chair_rise_time", "balance")


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


@dataclass(frozen=True, eq=False)
class State:
    age0: FloatArray
    female: np.ndarray
    personal_rr: FloatArray  # sex x fall history relative risk of each person
    frailty: FloatArray  # per-person multiplier of the fall rate, mean 1
    strength: FloatArray  # lower-body strength relative to baseline (from the hub)
    stimulus: FloatArray  # smoothed balance-weighted minutes
    balance_gain: FloatArray  # SD gained from balance work
    fall_keys: np.ndarray | None  # keyed event streams; None when no event outcome is wanted
    fracture_keys: np.ndarray | None
    ids: np.ndarray
    packed: FloatArray | None = None  # Params packed for the kernels (`compiled.pack`)
    hazards: FloatArray | None = None  # (4, n) from the bone model
    falls_today: FloatArray | None = None
    hip_today: FloatArray | None = None
    major_today: FloatArray | None = None
    fall_ratio: FloatArray | None = None  # fall_rate_ratio of the stepped state (for `emit`)
    day: int = 0


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

    def keys(name: str) -> np.ndarray:
        return streams.stream_keys(ctx.seed, persons.replicate, ctx.group, f"mobility:{name}")

    return State(
        age0=persons.age_years,
        female=persons.female,
        personal_rr=personal_rr,
        frailty=np.broadcast_to(frailty, (n,)).copy(),
        strength=np.ones(n),
        stimulus=np.zeros(n),
        balance_gain=np.zeros(n),
        fall_keys=keys("falls") if wants_events else None,
        fracture_keys=keys("fractures") if fractures else None,
        ids=persons.ids,
        packed=pack(p, n),
        hazards=signals.get("fracture_hazards"),
    )


def _age(s: State) -> FloatArray:
    return s.age0 + s.day / DAYS_PER_YEAR


def _untrained_gait_speed(s: State, p: Params) -> FloatArray:
    norm = np.where(s.female, p.gait_speed_female, p.gait_speed_male)
    return np.maximum(norm - p.gait_speed_age_slope * (_age(s) - p.reference_age), 0.0)


def gait_speed(s: State, p: Params) -> FloatArray:
    return _untrained_gait_speed(s, p) * s.strength**p.gait_strength_exponent


def chair_rise_time(s: State, p: Params) -> FloatArray:
    base = p.chair_rise_time + p.chair_rise_age_slope * (_age(s) - p.reference_age)
    return np.maximum(base, 0.0) * s.strength ** (-p.chair_strength_exponent)


def balance(s: State, p: Params) -> FloatArray:
    ageing = -p.balance_age_slope * (_age(s) - p.reference_age)
    return p.balance_offset + ageing + s.balance_gain + p.balance_strength_coef * np.log(s.strength)


ROWS = rows(Params)
NO_EVENTS = np.zeros(0)
NO_HAZARDS = np.zeros((4, 0))


@kernel
def _person_rates(
    packed: FloatArray,
    i: int,
    age: float,
    female: bool,
    personal_rr: float,
    frailty: float,
    strength: float,
    balance_gain: float,
) -> tuple[float, float]:
    """(expected falls per person-year today, the reference rate): the reference is the mean
    fall rate of untrained people of this age and sex (fall history at its prevalence), the
    rate the bone model's fracture incidences come with."""
    age_factor = np.exp(packed[ROWS.fall_age_coef, i] * (age - packed[ROWS.fall_reference_age, i]))
    norm = packed[ROWS.gait_speed_female, i] if female else packed[ROWS.gait_speed_male, i]
    untrained = norm - packed[ROWS.gait_speed_age_slope, i] * (age - packed[ROWS.reference_age, i])
    untrained = 0.0 if untrained < 0.0 else untrained  # keeps NaN, like np.maximum
    gained = packed[ROWS.balance_strength_coef, i] * np.log(strength) + balance_gain
    gait_gain = untrained * (strength ** packed[ROWS.gait_strength_exponent, i] - 1.0)
    risk = np.exp(
        -packed[ROWS.fall_balance_coef, i] * gained - packed[ROWS.fall_gait_coef, i] * gait_gain
    )
    rate = packed[ROWS.fall_rate, i] * age_factor * personal_rr * frailty * risk
    sex = packed[ROWS.fall_female_rr, i] if female else 1.0
    return rate, packed[ROWS.fall_rate, i] * age_factor * sex


@kernel
def _fall_rates(
    packed: FloatArray,
    age0: FloatArray,
    female: np.ndarray,
    personal_rr: FloatArray,
    frailty: FloatArray,
    strength: FloatArray,
    balance_gain: FloatArray,
    day: int,
) -> tuple[FloatArray, FloatArray]:
    """Fall rate and reference rate of every person on `day`."""
    n = age0.shape[0]
    rate = np.empty(n)
    reference = np.empty(n)
    for i in range(n):
        rate[i], reference[i] = _person_rates(
            packed,
            i,
            age0[i] + day / DAYS_PER_YEAR,
            female[i],
            personal_rr[i],
            frailty[i],
            strength[i],
            balance_gain[i],
        )
    return rate, reference


def _rates(s: State, p: Params) -> tuple[FloatArray, FloatArray]:
    packed = s.packed if s.packed is not None else pack(p, s.age0.shape[0])
    return _fall_rates(
        packed,
        s.age0,
        s.female,
        s.personal_rr,
        s.frailty,
        np.ascontiguousarray(s.strength, dtype=np.float64),
        s.balance_gain,
        s.day,
    )


def _reference_rate(s: State, p: Params) -> FloatArray:
    """The mean fall rate of untrained people of this age and sex (fall history at its
    prevalence): the rate the bone model's fracture incidences come with."""
    return _rates(s, p)[1]


def fall_rate(s: State, p: Params) -> FloatArray:
    """Expected falls per person-year today."""
    return _rates(s, p)[0]


def _balance_minutes(dose: DoseDay) -> FloatArray:
    """Balance-weighted minutes of today's session per person (0 for a skipped session)."""
    plan = dose.plan
    assert plan is not None
    minutes = np.where(
        plan.load_kind == LoadKind.NONE, plan.duration_minutes, plan.sets * SET_MINUTES
    )
    return float(np.sum(minutes * plan.balance_demand)) * dose.done.astype(np.float64)


@kernel
def _step_kernel(
    packed: FloatArray,
    age0: FloatArray,
    female: np.ndarray,
    personal_rr: FloatArray,
    frailty: FloatArray,
    strength: FloatArray,
    stimulus: FloatArray,
    balance_gain: FloatArray,
    minutes: FloatArray,
    day: int,
    u_falls: FloatArray,
    hazards: FloatArray,
    u_hip: FloatArray,
    u_major: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """One day per person: balance stimulus and gain; today's falls (when `u_falls` has the
    day's uniforms) and the fractures after them or without (when `u_hip` has them); and the
    fall-rate ratio of the stepped state (the `fall_rate_ratio` signal).

    Hip and major fractures: after a fall with the chance that turns the population's fall
    rate into the falls part of the bone hazard; otherwise at the remaining hazard.
    """
    n = age0.shape[0]
    new_stimulus = np.empty(n)
    new_gain = np.empty(n)
    falls = np.zeros(u_falls.shape[0])
    hip = np.zeros(u_hip.shape[0])
    major = np.zeros(u_hip.shape[0])
    ratio = np.empty(n)
    for i in range(n):
        decay = np.exp(-1.0 / packed[ROWS.balance_stimulus_tau_days, i])
        new_stimulus[i] = stimulus[i] * decay + minutes[i]
        weekly = 7.0 * (1.0 - decay) * new_stimulus[i]
        target = (
            packed[ROWS.balance_gain_max, i]
            * weekly
            / (weekly + packed[ROWS.balance_half_minutes, i])
        )
        new_gain[i] = (
            balance_gain[i] + (target - balance_gain[i]) / packed[ROWS.balance_tau_days, i]
        )
        if u_falls.shape[0] > 0:
            # Today's events come at the rate of the state before today's change.
            age = age0[i] + day / DAYS_PER_YEAR
            rate, reference = _person_rates(
                packed, i, age, female[i], personal_rr[i], frailty[i], strength[i], balance_gain[i]
            )
            chance = 1.0 - np.exp(-rate / DAYS_PER_YEAR)
            fell = 1.0 if u_falls[i] < chance else 0.0
            falls[i] = fell
            if u_hip.shape[0] > 0:
                for k in range(2):
                    after_fall = hazards[2 * k, i] / reference  # HIP_FALLS or MAJOR_FALLS
                    per_fall = 1.0 if after_fall > 1.0 else after_fall  # keeps NaN
                    spontaneous = 1.0 - np.exp(-hazards[2 * k + 1, i] / DAYS_PER_YEAR)
                    fracture = fell * per_fall + (1.0 - fell) * spontaneous
                    if k == 0:
                        hip[i] = 1.0 if u_hip[i] < fracture else 0.0
                    else:
                        major[i] = 1.0 if u_major[i] < fracture else 0.0
        rate, reference = _person_rates(
            packed,
            i,
            age0[i] + (day + 1) / DAYS_PER_YEAR,
            female[i],
            personal_rr[i],
            frailty[i],
            strength[i],
            new_gain[i],
        )
        ratio[i] = rate / reference
    return new_stimulus, new_gain, falls, hip, major, ratio


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    n = s.age0.shape[0]
    strength = np.ascontiguousarray(signals.get("lower_body_strength", s.strength), np.float64)
    hazards = signals.get("fracture_hazards", s.hazards)
    trained = dose is not None and dose.plan is not None
    minutes = _balance_minutes(dose) if trained and dose is not None else np.zeros(n)
    u_falls = u_hip = u_major = NO_EVENTS
    if s.fall_keys is not None:
        u_falls = streams.uniforms(s.fall_keys, s.ids, day)
        if s.fracture_keys is not None and hazards is not None:
            u_hip = streams.uniforms(s.fracture_keys, s.ids, 2 * day)
            u_major = streams.uniforms(s.fracture_keys, s.ids, 2 * day + 1)
    packed = s.packed if s.packed is not None else pack(p, n)
    stimulus, gain, falls, hip, major, ratio = _step_kernel(
        packed,
        s.age0,
        s.female,
        s.personal_rr,
        s.frailty,
        strength,
        s.stimulus,
        s.balance_gain,
        minutes,
        day,
        u_falls,
        np.ascontiguousarray(hazards, np.float64) if u_hip.shape[0] else NO_HAZARDS,
        u_hip,
        u_major,
    )
    return evolve(
        s,
        packed=packed,
        strength=strength,
        hazards=hazards,
        stimulus=stimulus,
        balance_gain=gain,
        falls_today=falls if s.fall_keys is not None else None,
        hip_today=hip if u_hip.shape[0] else None,
        major_today=major if u_hip.shape[0] else None,
        fall_ratio=ratio,
        day=day + 1,
    )


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    if "fall_rate_ratio" in wanted:
        if s.fall_ratio is not None:
            return {"fall_rate_ratio": s.fall_ratio}
        rate, reference = _rates(s, p)
        return {"fall_rate_ratio": rate / reference}
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
        rows = (HIP_FALLS, HIP_OTHER) if name == "hip_fractures" else (MAJOR_FALLS, MAJOR_OTHER)
        ratio = fall_rate(s, p) / _reference_rate(s, p)
        expected: FloatArray = s.hazards[rows[0]] * ratio + s.hazards[rows[1]]
        return expected
    raise KeyError(name)


def events(name: str, s: State, p: Params) -> FloatArray:
    """Events of the day just stepped (falls count for `fallers` too)."""
    found = {
        "falls": s.falls_today,
        "fallers": s.falls_today,
        "hip_fractures": s.hip_today,
        "major_fractures": s.major_today,
    }[name]
    if found is None:
        return np.zeros(s.age0.shape[0])
    return found


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
